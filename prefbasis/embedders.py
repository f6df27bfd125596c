"""Embedders a `PreferenceBasis` can hold: picklable callables texts -> unit vectors.

`SentenceEmbedder(model)` runs a sentence-transformers model (loaded once per process).
`StoreCacheEmbedder(db, model)` first takes the vectors that a store's embedding cache already
holds (the exact vectors a basis was fitted on), then computes the rest. Both keep names only, never
a model or an open connection, so a basis that holds one pickles and clones.

Example:
    >>> import pickle
    >>> e = pickle.loads(pickle.dumps(SentenceEmbedder("all-MiniLM-L6-v2")))
    >>> e
    SentenceEmbedder(model='all-MiniLM-L6-v2')
    >>> e(["a shorter answer"]).shape  # doctest: +SKIP
    (1, 384)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


class SentenceEmbedder:
    """Unit-norm embeddings from a sentence-transformers model (None: the offline MiniLM)."""

    def __init__(self, model: str | None = None, batch_size: int | None = None, backend: str | None = None) -> None:
        self.model = model
        self.batch_size = batch_size  # None: the backend's own
        self.backend = backend  # auto | torch | torch-bf16 | onnx | onnx-int8 (None: the default, auto)

    def __call__(self, texts: Sequence[str]) -> "np.ndarray":
        from prefbasis.embed import embed_texts

        return embed_texts(texts, model=self.model, batch_size=self.batch_size, backend=self.backend)

    def __repr__(self) -> str:
        backend = f", backend={self.backend!r}" if self.backend else ""
        return f"{type(self).__name__}(model={self.model!r}{backend})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)


class StoreCacheEmbedder(SentenceEmbedder):
    """Cached vectors from the store file `db` (read-only; a store this process already holds open
    is used as it is), the missing ones computed with `model` and not written anywhere."""

    def __init__(self, db: str, model: str | None = None, batch_size: int | None = None,
                 backend: str | None = None) -> None:
        super().__init__(model, batch_size, backend)
        self.db = str(db)

    def _cached(self, texts: list[str]) -> dict:
        from prefbasis.embed import cached_vectors
        from prefbasis.errors import StoreError
        from prefbasis.models import DEFAULT_EMBEDDING_MODEL
        from prefbasis.store import Store

        from prefbasis.encoders import resolve_backend

        model = self.model or DEFAULT_EMBEDDING_MODEL
        backend = resolve_backend(model, self.backend, "cpu")
        held = Store.find_open(self.db)
        if held is not None:
            return cached_vectors(held, model, texts, backend=backend)
        try:
            with Store.open(self.db, read_only=True) as store:
                return cached_vectors(store, model, texts, backend=backend)
        except StoreError:   # no file, or another process writes it: compute everything
            return {}

    def __call__(self, texts: Sequence[str]) -> "np.ndarray":
        import numpy as np

        from prefbasis.embed import embed_texts, normalize_text

        norm = [normalize_text(t) for t in texts]
        found = self._cached(sorted(set(norm)))
        missing = sorted({t for t in norm if t not in found})
        if missing:
            found.update(zip(missing, embed_texts(missing, model=self.model, batch_size=self.batch_size,
                                                     backend=self.backend)))
        if not norm:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[t] for t in norm]).astype(np.float32, copy=False)

    def __repr__(self) -> str:
        backend = f", backend={self.backend!r}" if self.backend else ""
        return f"{type(self).__name__}(db={self.db!r}, model={self.model!r}{backend})"

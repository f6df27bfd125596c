"""Sentence embeddings with a cache in the store, keyed by (model, backend, hash of the normalized text).

Texts are normalized (`normalize_text`) and de-duplicated before embedding, so a second run
over the same data embeds nothing. Vectors are unit-norm float32.

Example:
    >>> normalize_text("  The answer   is MORE concise. ")
    'the answer is more concise'
    >>> vecs = embed_texts(["a cat", "A  cat."], store=None)  # doctest: +SKIP
    >>> vecs.shape  # doctest: +SKIP
    (2, 384)
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from prefbasis.hashing import content_hash
from prefbasis.models import DEFAULT_EMBEDDING_MODEL
from prefbasis.progress import progress

if TYPE_CHECKING:
    from prefbasis.encoders import Encoder
    from prefbasis.store import Store

_SPACE = re.compile(r"\s+")
Embedder = Callable[[Sequence[str]], np.ndarray]


@lru_cache(maxsize=1 << 18)  # extract normalizes the same texts in several steps (100,000s at Arena size)
def normalize_text(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed, trailing punctuation stripped.

    Example:
        >>> normalize_text("Clearer  steps!")
        'clearer steps'
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return _SPACE.sub(" ", text).strip().rstrip(".!;: ").strip()


# The frame every canonical description starts with ("The preferred response is more concise."): it is
# the same in every description, so it is not embedded (it would pull all descriptions together).
_FRAME = re.compile(r"^(?:the\s+)?(?:preferred|winning|chosen|better)\s+(?:response|answer|output)(?:'s)?\s+(?=\S)")


def embedding_input(text: str) -> str:
    """What is embedded for a normalized text: the text without a leading description frame.

    Example:
        >>> embedding_input("the preferred response is more concise")
        'is more concise'
    """
    return _FRAME.sub("", text, count=1)


def text_key(text: str) -> str:
    """The cache key of an already normalized text (texts that embed the same share a key)."""
    return content_hash(embedding_input(text))


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero), float32; idempotent (rows already of
    norm 1 within 1e-6 are returned bit for bit, so cached vectors stay exactly as stored)."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", x, x, dtype=np.float64))[:, None]  # float64 sums, no float64 copy
    scale = np.where((norms > 0) & (np.abs(norms - 1.0) > 1e-6), norms, 1.0)
    return (x / scale).astype(np.float32)


def _encode(texts: list[str], encoder: "Encoder", batch_size: int | None, quiet: bool | None) -> np.ndarray:
    """Unit vectors of `texts` (in order), encoded shortest first in chunks under one progress bar
    (`batch_size` None: the encoder's own)."""
    batch_size = max(batch_size or getattr(encoder, "batch_size", 64), 1)
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    order = np.argsort([len(t) for t in texts], kind="stable")  # little padding within a batch
    chunk = max(batch_size * 16, 1024)  # the progress bar's step (each chunk ends waiting for its slowest batch)
    bar = progress(total=len(texts), desc=f"embed ({encoder.backend})", unit="text", quiet=quiet)
    for start in range(0, len(texts), chunk):
        idx = order[start:start + chunk]
        out[idx] = encoder.encode([texts[i] for i in idx], batch_size=batch_size)
        bar.update(len(idx))
    bar.close()
    return unit_rows(out)


def cached_vectors(store: "Store", model: str, texts: Sequence[str], *, backend: str) -> dict[str, np.ndarray]:
    """{normalized text: vector} for the texts already in the store's cache for this model and backend."""
    if not texts:
        return {}
    keys = {}
    for t in texts:  # texts that embed the same share a key
        keys.setdefault(text_key(t), []).append(t)
    rows = store.con.execute("select e.text_hash, e.vector from embeddings e where e.model = ? and e.backend = ? "
                             "and e.text_hash in (select unnest(?::varchar[]))",
                             [model, backend, list(keys)]).fetchall()
    return {t: np.frombuffer(v, dtype="<f4") for h, v in rows for t in keys[h]}


def register_frame(con, name: str, frame) -> None:
    """con.register, after finishing any result left pending on the connection (DuckDB 2 refuses
    to register while an earlier execute() has unfetched rows, e.g. after a fetchone())."""
    con.execute("select 1").fetchall()
    con.register(name, frame)


def _frame(columns: dict[str, list]):
    import pandas as pd

    return pd.DataFrame(columns)


class StoreEmbedder:
    """texts -> unit vectors, reading and filling the store's cache (none when `store` is None).

    `backend` is the effective backend (see `prefbasis.encoders.resolve_backend`): every vector one
    embedder returns comes from it, and the cache keeps each backend's vectors apart.

    Example:
        >>> embed = StoreEmbedder(None, backend="torch")  # doctest: +SKIP
        >>> embed(["shorter answer"]).shape, embed.backend  # doctest: +SKIP
        ((1, 384), 'torch')
    """

    def __init__(self, store: "Store | None", model: str | None = None, *, backend: str | None = None,
                 device: str | None = None, batch_size: int | None = None, quiet: bool | None = None) -> None:
        from prefbasis.encoders import check_device, resolve_backend

        self.store, self.model = store, model or DEFAULT_EMBEDDING_MODEL
        self.device, self.batch_size, self.quiet = check_device(device), batch_size, quiet
        self.backend = resolve_backend(self.model, backend, self.device)
        self.embedded = 0  # texts this embedder encoded (not found in the cache)

    def cached(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        return cached_vectors(self.store, self.model, texts, backend=self.backend) if self.store is not None else {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        from prefbasis.encoders import load_encoder

        normalized = [normalize_text(t) for t in texts]
        distinct = sorted(set(normalized))
        found = self.cached(distinct)
        missing = [t for t in distinct if t not in found]
        if missing:
            encoder = load_encoder(self.model, self.backend, self.device)
            if encoder.backend != self.backend:  # the ONNX session failed its check on load
                self.backend = encoder.backend
                found = self.cached(distinct)
                missing = [t for t in distinct if t not in found]
            inputs = [embedding_input(t) for t in missing]
            distinct_inputs = sorted(set(inputs))
            vector_of = dict(zip(distinct_inputs, _encode(distinct_inputs, encoder, self.batch_size, self.quiet)))
            new = np.stack([vector_of[i] for i in inputs])
            self.embedded += len(missing)
            found.update(zip(missing, new))
            if self.store is not None and not self.store.read_only:
                _write_cache(self.store, self.model, missing, new, backend=self.backend)
        if not normalized:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[t] for t in normalized]).astype(np.float32, copy=False)


def embed_texts(texts: Sequence[str], *, store: "Store | None" = None, model: str | None = None,
                backend: str | None = None, device: str | None = None, batch_size: int | None = None,
                quiet: bool | None = None) -> np.ndarray:
    """Unit-norm embeddings (len(texts) × dim, float32) of the normalized texts, in input order.

    With a store, cached vectors are reused and new ones written to the cache (one transaction).
    `batch_size` None: the backend's own (64 for torch and torch-bf16, 8 for onnx and onnx-int8 on the CPU).
    `backend`: auto (default: see `prefbasis.encoders`) | torch | torch-bf16 | onnx | onnx-int8; `device`: cpu | cuda.

    Example:
        >>> embed_texts(["shorter answer"], model="all-MiniLM-L6-v2").shape  # doctest: +SKIP
        (1, 384)
    """
    return StoreEmbedder(store, model, backend=backend, device=device, batch_size=batch_size, quiet=quiet)(texts)


def _write_cache(store: "Store", model: str, texts: list[str], vectors: np.ndarray, *, backend: str) -> None:
    first: dict[str, int] = {}
    for i, t in enumerate(texts):  # one row per key (texts that embed the same share one)
        first.setdefault(text_key(t), i)
    rows = list(first.values())
    frame = _frame({"model": [model] * len(rows), "backend": [backend] * len(rows), "text_hash": list(first),
                    "text": [texts[i] for i in rows], "dim": [int(vectors.shape[1])] * len(rows),
                    "vector": [np.ascontiguousarray(vectors[i], dtype="<f4").tobytes() for i in rows]})
    with store.transaction() as con:
        register_frame(con, "_new_vectors", frame)
        try:
            con.execute("insert or ignore into embeddings(model, backend, text_hash, text, dim, vector) "
                        "select model, backend, text_hash, text, dim, vector from _new_vectors")
        finally:
            con.unregister("_new_vectors")


def store_embedder(store: "Store | None", model: str | None = None, *, backend: str | None = None,
                   device: str | None = None, quiet: bool | None = None) -> StoreEmbedder:
    """A callable texts -> vectors that uses (and fills) the store's cache."""
    return StoreEmbedder(store, model, backend=backend, device=device, quiet=quiet)

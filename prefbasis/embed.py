"""Sentence embeddings with a cache in the store, keyed by (model, hash of the normalized text).

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

from prefbasis.errors import ConfigError
from prefbasis.hashing import content_hash
from prefbasis.models import DEFAULT_EMBEDDING_MODEL, resolve_embedding_model
from prefbasis.progress import progress

if TYPE_CHECKING:
    from prefbasis.store import Store

_SPACE = re.compile(r"\s+")
Embedder = Callable[[Sequence[str]], np.ndarray]


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
    norms = np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
    scale = np.where((norms > 0) & (np.abs(norms - 1.0) > 1e-6), norms, 1.0)
    return (x / scale).astype(np.float32)


@lru_cache(maxsize=2)
def load_model(model: str | None = None):
    """A SentenceTransformer for a name or path; the default resolves to the offline MiniLM."""
    from sentence_transformers import SentenceTransformer

    from prefbasis.progress import hush_library_bars

    hush_library_bars()
    try:
        return SentenceTransformer(resolve_embedding_model(model), device="cpu")
    except Exception as exc:  # unknown name offline, bad path, ...
        raise ConfigError(f"cannot load embedding model {model!r}: {exc}") from exc


def _encode(texts: list[str], model: str | None, batch_size: int, quiet: bool | None) -> np.ndarray:
    st = load_model(model)
    dim_of = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    out = np.zeros((len(texts), dim_of() or 0), dtype=np.float32)
    bar = progress(total=len(texts), desc="embed", unit="text", quiet=quiet)
    for start in range(0, len(texts), batch_size):
        chunk = texts[start:start + batch_size]
        out[start:start + len(chunk)] = st.encode(chunk, batch_size=batch_size, show_progress_bar=False,
                                                  convert_to_numpy=True, normalize_embeddings=True)
        bar.update(len(chunk))
    bar.close()
    return unit_rows(out)


def cached_vectors(store: "Store", model: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """{normalized text: vector} for the texts already in the store's cache for this model."""
    if not texts:
        return {}
    keys = {text_key(t): t for t in texts}
    con = store.con
    register_frame(con, "_wanted_keys", _frame({"text_hash": list(keys)}))
    try:
        rows = con.execute("select e.text_hash, e.vector from embeddings e join _wanted_keys w "
                           "using (text_hash) where e.model = ?", [model]).fetchall()
    finally:
        con.unregister("_wanted_keys")
    return {keys[h]: np.frombuffer(v, dtype="<f4") for h, v in rows}


def register_frame(con, name: str, frame) -> None:
    """con.register, after finishing any result left pending on the connection (DuckDB 2 refuses
    to register while an earlier execute() has unfetched rows, e.g. after a fetchone())."""
    con.execute("select 1").fetchall()
    con.register(name, frame)


def _frame(columns: dict[str, list]):
    import pandas as pd

    return pd.DataFrame(columns)


def embed_texts(texts: Sequence[str], *, store: "Store | None" = None, model: str | None = None,
                batch_size: int = 64, quiet: bool | None = None) -> np.ndarray:
    """Unit-norm embeddings (len(texts) × dim, float32) of the normalized texts, in input order.

    With a store, cached vectors are reused and new ones written to the cache (one transaction).

    Example:
        >>> embed_texts(["shorter answer"], model="all-MiniLM-L6-v2").shape  # doctest: +SKIP
        (1, 384)
    """
    model_name = model or DEFAULT_EMBEDDING_MODEL
    normalized = [normalize_text(t) for t in texts]
    distinct = sorted(set(normalized))
    found = cached_vectors(store, model_name, distinct) if store is not None else {}
    missing = [t for t in distinct if t not in found]
    if missing:
        new = _encode([embedding_input(t) for t in missing], model, batch_size, quiet)
        found.update(zip(missing, new))
        if store is not None and not store.read_only:
            _write_cache(store, model_name, missing, new)
    if not normalized:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([found[t] for t in normalized]).astype(np.float32, copy=False)


def _write_cache(store: "Store", model: str, texts: list[str], vectors: np.ndarray) -> None:
    frame = _frame({"model": [model] * len(texts), "text_hash": [text_key(t) for t in texts],
                    "text": texts, "dim": [int(vectors.shape[1])] * len(texts),
                    "vector": [np.ascontiguousarray(v, dtype="<f4").tobytes() for v in vectors]})
    with store.transaction() as con:
        register_frame(con, "_new_vectors", frame)
        try:
            con.execute("insert or ignore into embeddings(model, text_hash, text, dim, vector) "
                        "select model, text_hash, text, dim, vector from _new_vectors")
        finally:
            con.unregister("_new_vectors")


def store_embedder(store: "Store | None", model: str | None = None, *, quiet: bool | None = None) -> Embedder:
    """A callable texts -> vectors that uses (and fills) the store's cache."""
    def embed(texts: Sequence[str]) -> np.ndarray:
        return embed_texts(texts, store=store, model=model, quiet=quiet)
    return embed

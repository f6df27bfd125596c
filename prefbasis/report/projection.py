"""A deterministic 2-D map of the descriptions for the report.

PCA of the cached sentence embeddings when the store holds them (the same vectors extract used);
otherwise a TF-IDF + truncated SVD (LSA) projection of the texts, so a report can always draw the map.
Signs are fixed (largest loading positive), so the same input gives the same picture.

Example:
    >>> xy, how, axes = project_2d(["short answer", "brief reply", "long detailed essay"])
    >>> xy.shape, how.startswith("LSA"), axes[0]
    ((3, 2), True, 'LSA component 1 of the texts')
"""
from __future__ import annotations

import numpy as np

from prefbasis.store import Store


def _fix_signs(xy: np.ndarray) -> np.ndarray:
    for j in range(xy.shape[1]):
        col = xy[:, j]
        if col.size and col[np.argmax(np.abs(col))] < 0:
            xy[:, j] = -col
    return xy


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Scores on the first two principal components (eigenvectors of the d × d covariance; sign-fixed)
    and each component's share of the total variance.

    Working on the small covariance matrix keeps this well under a second for 100,000 × 384 inputs.
    """
    x = np.asarray(vectors, dtype=np.float64)
    if x.shape[0] < 2:
        return np.zeros((x.shape[0], 2)), [0.0, 0.0]
    x = x - x.mean(axis=0, keepdims=True)
    vals, vecs = np.linalg.eigh(x.T @ x)
    vals, top = vals[::-1], vecs[:, ::-1][:, :2]
    shares = [float(v / vals.sum()) if vals.sum() > 0 else 0.0 for v in vals[:2]] + [0.0] * (2 - len(vals[:2]))
    xy = x @ top
    if xy.shape[1] < 2:
        xy = np.hstack([xy, np.zeros((xy.shape[0], 2 - xy.shape[1]))])
    return _fix_signs(xy), shares


def lsa_2d(texts: list[str]) -> np.ndarray:
    """TF-IDF (word 1-2 grams) then a 2-component SVD; deterministic (fixed seed, arpack-free)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 3:
        return np.zeros((len(texts), 2))
    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True).fit_transform(texts)
    if tfidf.shape[1] < 3:
        return np.zeros((len(texts), 2))
    svd = TruncatedSVD(n_components=2, algorithm="randomized", n_iter=7, random_state=0)
    return _fix_signs(svd.fit_transform(tfidf))


def cached_vectors(store: Store, texts: list[str], model: str | None = None,
                   backend: str | None = None) -> np.ndarray | None:
    """Vectors of `texts` from the store's `embeddings` cache (float32 blobs), or None unless all are there."""
    import pandas as pd

    con = store.con.cursor()  # its own result state: safe beside the store's open results
    has = con.execute("select count(*) from information_schema.tables "
                      "where table_name = 'embeddings'").fetchall()[0][0]
    if not has or not texts:
        con.close()
        return None
    from prefbasis.embed import normalize_text  # the cache is keyed by the normalized text

    wanted = pd.DataFrame({"text": [normalize_text(t) for t in texts], "i": np.arange(len(texts))})
    con.register("_report_texts", wanted)
    try:
        where, params = ("and e.model = ?", [model]) if model else ("", [])
        if backend and "backend" in {r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'embeddings'").fetchall()}:
            where, params = where + " and e.backend = ?", params + [backend]
        rows = con.execute(f"""
            select t.i, any_value(e.vector) as vector from _report_texts t
            join embeddings e on e.text = t.text {where} group by t.i order by t.i""", params).fetchall()
    finally:
        con.unregister("_report_texts")
        con.close()
    if len(rows) != len(texts):
        return None
    return np.stack([np.frombuffer(v, dtype="<f4") for _, v in rows])


def project_2d(texts: list[str], store: Store | None = None, model: str | None = None,
               backend: str | None = None) -> tuple[np.ndarray, str, tuple[str, str]]:
    """(n, 2) coordinates, a one-line note saying how they were computed, and the axis titles."""
    if store is not None and texts:
        vectors = cached_vectors(store, texts, model, backend)
        if vectors is not None:
            xy, shares = pca_2d(vectors)
            axes = tuple(f"principal component {i + 1} of the embeddings ({share:.0%} of their variance)"
                         for i, share in enumerate(shares))
            return xy, f"PCA of the cached sentence embeddings ({model or 'extract model'})", axes
    return (lsa_2d(texts), "LSA (TF-IDF + SVD) of the texts: no cached embeddings for them in the store",
            ("LSA component 1 of the texts", "LSA component 2 of the texts"))

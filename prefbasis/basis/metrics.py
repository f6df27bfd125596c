"""The basis metrics of docs/metrics.md, computed for k = 1..K from the greedy order.

- coverage(k): share of mentions within cosine tau of one of the first k categories;
- variation explained(k): R² of the individuals' centred preference vectors projected on the
  span of the first k category vectors, beside the rank-k PCA optimum;
- unassigned share(k) = 1 - coverage(k).

Example:
    >>> import numpy as np
    >>> coverage_curve(np.array([5., 3., 2.]), total=10.0, k_max=4).tolist()
    [0.5, 0.8, 1.0, 1.0]
"""
from __future__ import annotations

import numpy as np


def coverage_curve(marginal: np.ndarray, *, total: float, k_max: int) -> np.ndarray:
    """Cumulative covered weight / total for k = 1..k_max (flat after the greedy run stops)."""
    cum = np.cumsum(np.asarray(marginal, np.float64)) / max(total, 1e-300)
    if len(cum) < k_max:
        cum = np.concatenate([cum, np.full(k_max - len(cum), cum[-1] if len(cum) else 0.0)])
    return np.minimum(cum[:k_max], 1.0)


def individual_vectors(individuals, x: np.ndarray) -> np.ndarray:
    """Mean embedding of each individual's mentions: rows of (counts @ x) / row sums.

    `individuals` is an (m × n) matrix (dense or scipy.sparse) of mention counts.
    """
    counts = individuals
    sums = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    keep = sums > 0
    v = np.asarray(counts @ x.astype(np.float64), dtype=np.float64)
    return v[keep] / sums[keep, None]


def centred(v: np.ndarray) -> tuple[np.ndarray, float]:
    """(V - mean, total sum of squares)."""
    c = v - v.mean(axis=0, keepdims=True)
    return c, float((c * c).sum())


def variation_curve(v_centred: np.ndarray, total_ss: float, categories: np.ndarray, k_max: int) -> np.ndarray:
    """R²(k) = ||V_c Q_k||² / ||V_c||², Q_k an orthonormal basis of span(c_1..c_k), built incrementally."""
    out = np.zeros(k_max)
    if total_ss <= 0 or len(v_centred) == 0:
        return out
    basis: list[np.ndarray] = []
    explained = 0.0
    for k in range(k_max):
        if k < len(categories):
            q = np.asarray(categories[k], np.float64).copy()
            for b in basis:  # modified Gram-Schmidt, twice for stability
                q -= (q @ b) * b
            for b in basis:
                q -= (q @ b) * b
            norm = np.linalg.norm(q)
            if norm > 1e-8:
                q /= norm
                basis.append(q)
                proj = v_centred @ q
                explained += float(proj @ proj)
        out[k] = explained / total_ss
    return np.minimum(out, 1.0)


def pca_optimum_curve(v_centred: np.ndarray, total_ss: float, k_max: int) -> np.ndarray:
    """Best possible R² of any rank-k subspace (Eckart–Young): top-k squared singular values / total."""
    if total_ss <= 0 or len(v_centred) == 0:
        return np.zeros(k_max)
    from threadpoolctl import threadpool_limits

    gram = v_centred.T @ v_centred
    with threadpool_limits(1):  # a d × d problem: threads only add contention
        eig = np.linalg.eigvalsh(gram)[::-1]  # squared singular values, descending
    cum = np.cumsum(np.clip(eig, 0, None)) / total_ss
    cum = np.concatenate([cum, np.full(max(0, k_max - len(cum)), cum[-1])])
    return np.minimum(cum[:k_max], 1.0)


def choose_k(coverage: np.ndarray, target: float) -> int:
    """Smallest k whose coverage reaches the target; the largest k computed if none does."""
    hits = np.flatnonzero(coverage >= target - 1e-12)
    return int(hits[0] + 1) if len(hits) else int(len(coverage))

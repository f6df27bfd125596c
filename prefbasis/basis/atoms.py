"""Fine clusters ("atoms") of description embeddings and their medoids (the candidate categories).

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 8)).astype(np.float32)
    >>> x /= np.linalg.norm(x, axis=1, keepdims=True)
    >>> atoms = fit_atoms(x, np.ones(200), n_atoms=10, seed=0)
    >>> atoms.labels.shape, len(atoms.medoids)
    ((200,), 10)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def default_n_atoms(n: int) -> int:
    """About 4·sqrt(n) atoms, at least 50 and at most 1,000 (never more than n)."""
    return int(min(n, max(50, min(1000, round(4 * np.sqrt(n))))))


@dataclass
class Atoms:
    labels: np.ndarray      # (n,) atom of each description
    centroids: np.ndarray   # (n_atoms, d) unit-norm weighted mean of the members
    medoids: np.ndarray     # (n_atoms,) index of the member closest to its centroid


def fit_atoms(x: np.ndarray, weights: np.ndarray, *, n_atoms: int | None = None, seed: int = 0,
              max_iter: int = 10) -> Atoms:
    """Weighted spherical k-means on unit vectors (Lloyd steps as float32 matrix products).

    Initial centres: a seeded weighted sample without replacement. Deterministic for a given seed
    and row order; callers sort descriptions first.
    """
    n = x.shape[0]
    n_atoms = min(n, n_atoms or default_n_atoms(n))
    w = np.asarray(weights, np.float64)
    if n_atoms >= n:
        labels = np.arange(n)
    else:
        rng = np.random.default_rng(seed)
        p = w / w.sum() if w.sum() > 0 else None
        centres = x[np.sort(rng.choice(n, size=n_atoms, replace=False, p=p))]
        labels = np.full(n, -1)
        for _ in range(max_iter):
            new, sim = nearest(x, centres)
            if np.array_equal(new, labels):
                break
            labels = new
            centres = _centres(x, w, labels, n_atoms)
            empty = np.flatnonzero(~np.isfinite(centres[:, 0]))
            if len(empty):  # re-seed empty atoms with the worst-fitting descriptions
                worst = np.argsort(sim, kind="stable")[: len(empty)]
                centres[empty] = x[worst]
    labels = _relabel(labels)
    k = int(labels.max()) + 1
    centroids = _centres(x, w, labels, k)
    # medoid: the member with the highest cosine to its centroid (= highest weighted mean cosine to
    # the other members); ties go to the lowest index (the earliest in sorted order).
    sim = np.einsum("ij,ij->i", x, centroids[labels])
    order = np.lexsort((np.arange(n), -sim, labels))
    first = np.ones(n, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    medoids = order[first]
    return Atoms(labels=labels, centroids=centroids, medoids=medoids)


def nearest(x: np.ndarray, centres: np.ndarray, chunk: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Index of and cosine to the nearest centre for every row, in float32 chunks."""
    labels = np.empty(x.shape[0], dtype=np.int64)
    sims = np.empty(x.shape[0], dtype=np.float32)
    ct = np.ascontiguousarray(centres.T, dtype=np.float32)
    for s in range(0, x.shape[0], chunk):
        block = x[s:s + chunk] @ ct
        labels[s:s + chunk] = np.argmax(block, axis=1)
        sims[s:s + chunk] = block[np.arange(block.shape[0]), labels[s:s + chunk]]
    return labels, sims


def _centres(x: np.ndarray, w: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-norm weighted means per label; NaN rows for empty labels."""
    from scipy import sparse

    member = sparse.csr_matrix((w, (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums = np.asarray(member @ x.astype(np.float64))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = sums / np.where(norms > 0, norms, np.nan)
    return out.astype(np.float32)


COARSE_LEVELS = (10, 20, 30, 40, 50)


def candidate_indices(x: np.ndarray, weights: np.ndarray, atoms: Atoms, k_max: int, seed: int) -> np.ndarray:
    """Candidate categories: the atom medoids plus the medoids of coarser clusterings (k = 10..k_max).

    A fine atom's medoid is central only within its atom; the coarse levels contribute
    descriptions central to whole groups of paraphrases. Sorted, distinct description indices.
    """
    found = [atoms.medoids]
    for level in COARSE_LEVELS:
        if level > k_max or level >= len(atoms.medoids):
            break
        found.append(fit_atoms(x, weights, n_atoms=level, seed=seed + level).medoids)
    return np.unique(np.concatenate(found))


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Atoms renumbered by first appearance, dropping empty ones."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse]

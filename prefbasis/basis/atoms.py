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


LLOYD_SAMPLE = 25_000  # above this many descriptions, Lloyd steps run on a seeded sample of them
# up to this many descriptions the coarse candidate levels cluster the descriptions; above it, the
# atoms (a pass over the atoms instead of every description: Arena scale). Clustering the atoms
# loses coverage at small sizes (simulated default, k = 21: 0.889 instead of 0.908).
COARSE_OVER_DESCRIPTIONS = 25_000


def fit_atoms(x: np.ndarray, weights: np.ndarray, *, n_atoms: int | None = None, seed: int = 0,
              max_iter: int = 10) -> Atoms:
    """Weighted spherical k-means on unit vectors (Lloyd steps as float32 matrix products).

    Initial centres: a seeded weighted sample without replacement. Deterministic for a given seed
    and row order; callers sort descriptions first. Beyond `LLOYD_SAMPLE` descriptions the Lloyd
    steps run on a seeded uniform sample of that size (the atoms are fine clusters: a sample of
    25,000 places up to 1,000 centres as well), then one step over all descriptions assigns
    every description and recomputes the centroids from all of them.
    """
    n = x.shape[0]
    n_atoms = min(n, n_atoms or default_n_atoms(n))
    w = np.asarray(weights, np.float64)
    if n_atoms >= n:
        labels = np.arange(n)
    else:
        rng = np.random.default_rng(seed)
        rows = np.sort(rng.choice(n, size=LLOYD_SAMPLE, replace=False)) if n > LLOYD_SAMPLE else None
        xs, ws = (x, w) if rows is None else (x[rows], w[rows])
        labels = _lloyd(xs, ws, n_atoms, rng, max_iter)
        if rows is not None:
            centres = _centres(xs, ws, labels, n_atoms)
            centres[~np.isfinite(centres[:, 0])] = 0.0
            labels, _ = nearest(x, centres)
    labels = _relabel(labels)
    centroids = _centres(x, w, labels, int(labels.max()) + 1)
    # medoid: the member with the highest cosine to its centroid (= highest weighted mean cosine to
    # the other members); ties go to the lowest index (the earliest in sorted order).
    return Atoms(labels=labels, centroids=centroids, medoids=_medoids(x, w, labels, centroids))


def _lloyd(x: np.ndarray, w: np.ndarray, n_atoms: int, rng: np.random.Generator, max_iter: int) -> np.ndarray:
    n = x.shape[0]
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
    return labels


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
    """Unit-norm weighted means per label; NaN rows for empty labels.

    The sums stay in float32 (x's type): a float64 copy of x on every Lloyd step cost more than
    the step itself at 100,000 descriptions; the norms are taken in float64."""
    from scipy import sparse

    member = sparse.csr_matrix((w.astype(x.dtype), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums = np.asarray(member @ x)
    norms = np.linalg.norm(sums.astype(np.float64), axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = sums / np.where(norms > 0, norms, np.nan)
    return out.astype(np.float32)


COARSE_LEVELS = (10, 20, 30, 40, 50)


def candidate_indices(x: np.ndarray, weights: np.ndarray, atoms: Atoms, k_max: int, seed: int) -> np.ndarray:
    """Candidate categories: the atom medoids plus the medoids of coarser clusterings (k = 10..k_max).

    A fine atom's medoid is central only within its atom; the coarse levels contribute
    descriptions central to whole groups of paraphrases. Up to `COARSE_OVER_DESCRIPTIONS`
    descriptions a coarse level is a weighted spherical k-means of the descriptions; above it, of
    the atom centroids (weighted by the atoms' mention mass: a pass over the atoms, not over every
    description), its medoids still descriptions (the member closest to the group's weighted
    centroid). Sorted, distinct description indices.
    """
    w = np.asarray(weights, np.float64)
    n_atoms = len(atoms.medoids)
    mass = np.bincount(atoms.labels, weights=w, minlength=n_atoms)
    found = [atoms.medoids]
    for level in COARSE_LEVELS:
        if level > k_max or level >= n_atoms:
            break
        if x.shape[0] <= COARSE_OVER_DESCRIPTIONS:  # cluster the descriptions themselves (better candidates)
            found.append(fit_atoms(x, w, n_atoms=level, seed=seed + level).medoids)
            continue
        groups = fit_atoms(atoms.centroids, mass, n_atoms=level, seed=seed + level).labels
        found.append(_medoids(x, w, groups[atoms.labels]))
    return np.unique(np.concatenate(found))


def _medoids(x: np.ndarray, w: np.ndarray, labels: np.ndarray, centroids: np.ndarray | None = None) -> np.ndarray:
    """Per label, the member with the highest cosine to the weighted centroid (ties: lowest index)."""
    k = int(labels.max()) + 1
    if centroids is None:
        centroids = _centres(x, w, labels, k)
    return best_per_label(labels, np.einsum("ij,ij->i", x, centroids[labels]), k)


def best_per_label(labels: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Index of the highest score per label 0..k-1, ties to the lowest index (no sort: two ufunc.at
    passes); a label whose scores are all NaN gets its first member, an empty label len(labels).

    >>> best_per_label(np.array([1, 0, 1, 0]), np.array([0.2, 0.5, 0.9, 0.5]), 2).tolist()
    [1, 2]
    """
    n = len(labels)
    best = np.full(k, -np.inf)
    np.fmax.at(best, labels, scores)
    hit = np.flatnonzero(scores == best[labels])
    first = np.full(k, n, dtype=np.int64)
    np.minimum.at(first, labels[hit], hit)
    missing = first == n
    if missing.any():  # every score NaN: the first member, as a stable sort would give
        fallback = np.full(k, n, dtype=np.int64)
        np.minimum.at(fallback, labels, np.arange(n))
        first[missing] = fallback[missing]
    return first


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Atoms renumbered by first appearance, dropping empty ones."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return rank[inverse]

"""`--method nmf`: non-negative factorization of the individuals × atoms mention matrix.

A ≈ W H with W (individuals × k) ≥ 0 and H (k × atoms) ≥ 0. Each component is a soft category
named by its top atoms; R² = 1 - ||A - WH||²_F / ||A||²_F (uncentred, as NMF cannot centre).

Example:
    >>> import numpy as np
    >>> a = np.array([[2., 0, 0], [0, 3, 1], [2, 0, 0], [0, 3, 1]])
    >>> res = fit_nmf(a, k=2, seed=0)
    >>> round(res.r2, 3)
    1.0
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class NMFResult:
    components: np.ndarray   # H (k × n_atoms), rows scaled to sum 1
    weights: np.ndarray      # W (individuals × k), rescaled so that W H is unchanged
    r2: float
    top_atoms: list[list[int]]  # per component, atoms by descending loading


def fit_nmf(a, k: int, *, seed: int = 0, top: int = 3) -> NMFResult:
    """Fit NMF (nndsvda init, deterministic for the seed) and name-ready top atoms per component."""
    import warnings

    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    from scipy import sparse

    a = sparse.csr_matrix(a, dtype=np.float64)
    k = max(1, min(k, min(a.shape)))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=200, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        w = model.fit_transform(a)
    h = model.components_
    total = float(a.multiply(a).sum())
    # ||A - WH||² = ||A||² - 2<A, WH> + ||WH||², without forming the dense product
    cross = float(np.sum(np.asarray(a @ h.T) * w))
    resid = total - 2 * cross + float(np.sum((w.T @ w) * (h @ h.T)))
    r2 = 1.0 - resid / total if total > 0 else 0.0
    scale = h.sum(axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    h = h / scale
    w = w * scale.T
    top_atoms = [list(np.argsort(-row, kind="stable")[:top]) for row in h]
    return NMFResult(components=h, weights=w, r2=r2, top_atoms=top_atoms)


def component_vectors(h: np.ndarray, atom_centroids: np.ndarray) -> np.ndarray:
    """Unit-norm loading-weighted mean of the atom centroids, one per component."""
    v = h @ atom_centroids.astype(np.float64)
    return (v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)).astype(np.float32)

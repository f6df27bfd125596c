"""Greedy weighted max-coverage: pick k canonical categories among candidate descriptions.

Coverage of a set S of categories is the weight of the descriptions within cosine `tau` of some
member of S. It is monotone submodular, so the greedy choice (largest marginal gain each step)
covers at least (1 - 1/e) ≈ 63% of the best possible k-set's weight (Nemhauser, Wolsey and
Fisher, 1978), and in practice far more. Gains are updated incrementally on a sparse
candidates × descriptions incidence matrix, so the whole run costs one pass over its non-zeros.

Example:
    >>> import numpy as np
    >>> x = np.eye(3, dtype=np.float32)
    >>> order, gains = greedy_max_coverage(x, x, np.array([3., 1., 2.]), tau=0.5, k_max=3)
    >>> order.tolist(), gains.tolist()
    ([0, 2, 1], [3.0, 2.0, 1.0])
"""
from __future__ import annotations

import numpy as np

CHUNK = 4096


def incidence(candidates: np.ndarray, x: np.ndarray, tau: float):
    """Sparse bool (n_candidates × n) matrix of cos(candidate, description) >= tau, in float32 chunks."""
    from scipy import sparse

    blocks = []
    for start in range(0, x.shape[0], CHUNK):
        sims = candidates @ x[start:start + CHUNK].T
        blocks.append(sparse.csr_matrix(sims >= tau, dtype=np.float32))
    return sparse.hstack(blocks, format="csr") if blocks else sparse.csr_matrix((len(candidates), 0))


def greedy_max_coverage(candidates: np.ndarray, x: np.ndarray, weights: np.ndarray, *,
                        tau: float, k_max: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy order of candidate indices and each one's marginal covered weight.

    Ties go to the lowest candidate index, so the result is deterministic. Stops early when no
    candidate adds coverage (the remaining descriptions are farther than tau from all of them).
    """
    cover = incidence(np.asarray(candidates, np.float32), np.asarray(x, np.float32), tau)
    cover_csc = cover.tocsc()
    w = np.asarray(weights, dtype=np.float64)
    gains = np.asarray(cover @ w, dtype=np.float64).ravel()
    covered = np.zeros(x.shape[0], dtype=bool)
    order: list[int] = []
    marginal: list[float] = []
    for _ in range(min(k_max, len(candidates))):
        best = int(np.argmax(gains))  # argmax returns the first maximum: lowest index on ties
        if gains[best] <= 1e-9 * max(w.sum(), 1.0):  # float residue of the updates
            break
        row = cover.indices[cover.indptr[best]:cover.indptr[best + 1]]
        newly = row[~covered[row]]
        covered[newly] = True
        order.append(best)
        marginal.append(float(w[newly].sum()))
        if len(newly):
            gains -= np.asarray(cover_csc[:, newly] @ w[newly]).ravel()
        gains[best] = -np.inf
    return np.array(order, dtype=np.int64), np.array(marginal, dtype=np.float64)

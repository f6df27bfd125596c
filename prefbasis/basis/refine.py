"""k-medoids refinement of the greedy categories (Lloyd steps with real-description representatives).

Greedy max-coverage picks each category as the candidate that covers the most *new* weight, which
favours descriptions on the border between two groups of paraphrases (they reach into both). The
refinement moves every representative to the centre of the descriptions it represents:

1. assign every distinct description to its nearest representative (cosine, ties to the lowest id);
2. for each category, the weighted mean of its members' unit vectors, `m_j = Σ w_d e_d / ||Σ w_d e_d||`;
3. the new representative is the member closest to `m_j` (a real description, the weighted medoid;
   ties to the lowest sorted index);
4. repeat until no representative changes (or `max_iter`).

Each step is one round of the spherical k-means / k-medoids alternation (Park & Jun 2009), so it is
deterministic and does not depend on input order (descriptions are sorted first). Category ids keep
the greedy order.

Example:
    >>> import numpy as np
    >>> x = np.array([[1, 0], [0.95, 0.31], [0.8, 0.6], [0, 1]], dtype=np.float32)
    >>> x /= np.linalg.norm(x, axis=1, keepdims=True)
    >>> refine_medoids(x, np.ones(4), np.array([2, 3])).tolist()  # the border description 2 moves inward
    [1, 3]
"""
from __future__ import annotations

import numpy as np

from prefbasis.basis.atoms import best_per_label, nearest

MAX_ITER = 20


def refine_medoids(x: np.ndarray, weights: np.ndarray, medoids: np.ndarray, *,
                   max_iter: int = MAX_ITER) -> np.ndarray:
    """Indices of the refined representatives (same length and order as `medoids`)."""
    from scipy import sparse

    current = np.asarray(medoids, dtype=np.int64).copy()
    k, n = len(current), x.shape[0]
    if k == 0:
        return current
    w32 = np.asarray(weights, np.float32)
    for _ in range(max_iter):
        labels, _ = nearest(x, x[current])
        member = sparse.csr_matrix((w32, (labels, np.arange(n))), shape=(k, n))
        sums = np.asarray(member @ x)  # float32 (x's type): a float64 copy of x costs more than the step
        norms = np.linalg.norm(sums.astype(np.float64), axis=1)
        sims = np.einsum("ij,ij->i", x, sums[labels])
        # best member per category: highest cosine to its mean, then the lowest index
        best = best_per_label(labels, sims, k)
        new = current.copy()
        has = np.flatnonzero(best < n)
        keep = norms[has] > 0
        new[has[keep]] = best[has[keep]]
        if np.array_equal(new, current):
            break
        current = new
    return current

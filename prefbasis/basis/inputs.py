"""From `PreferenceBasis.fit`'s inputs to distinct items: merged keys and weights, the input→item
map, merged naming phrases, and the individuals × items count matrix.

Example:
    >>> import numpy as np
    >>> items, w, mapping, _ = merge_items(["b", "a", "b", "c"], np.array([1.0, 2.0, 3.0, 0.0]), None)
    >>> items, w.tolist(), mapping.tolist()
    (['a', 'b'], [2.0, 4.0], [1, 0, 1, -1])
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from prefbasis.errors import InputError


class FitError(InputError, ValueError):
    """Input the basis cannot be fitted on or applied to (CLI: exit 2; scikit-learn: ValueError)."""


def merge_items(keys: list, weights: np.ndarray, phrases: Sequence[Mapping[str, int]] | None):
    """Sorted distinct keys with positive summed weight, their weights, the input→distinct index
    map (-1: dropped, weight 0) and the merged phrases."""
    distinct = sorted(set(keys))
    index = {t: i for i, t in enumerate(distinct)}
    mapping = np.array([index[t] for t in keys])
    w = np.bincount(mapping, weights=weights, minlength=len(distinct))
    if not (w > 0).any():
        raise FitError("sample_weight sums to zero: nothing to fit", field="sample_weight")
    keep = np.flatnonzero(w > 0)
    renumber = np.full(len(distinct), -1)
    renumber[keep] = np.arange(len(keep))
    mapping = renumber[mapping]
    merged = None
    if phrases is not None:
        if len(phrases) != len(keys):
            raise FitError(f"phrases has {len(phrases)} entries for {len(keys)} descriptions", field="phrases")
        merged = [Counter() for _ in keep]
        for i, p in enumerate(phrases):
            if mapping[i] >= 0:
                merged[mapping[i]].update(p)
    return [distinct[i] for i in keep], w[keep], mapping, merged


def first_rows(mapping: np.ndarray, n: int) -> np.ndarray:
    """For each distinct item, the first input row that maps to it."""
    first = np.full(n, -1)
    for i, j in enumerate(mapping):
        if j >= 0 and first[j] < 0:
            first[j] = i
    return first


def individual_matrix(individuals, mapping: np.ndarray, n: int):
    """Individuals × distinct-description counts; identity (one per description) by default."""
    from scipy import sparse

    if individuals is None:
        return sparse.identity(n, format="csr")
    m = sparse.csr_matrix(individuals, dtype=np.float64)
    if m.shape[1] != len(mapping):
        raise FitError(f"individuals has {m.shape[1]} columns for {len(mapping)} descriptions",
                       field="individuals")
    kept = np.flatnonzero(mapping >= 0)
    merge = sparse.csr_matrix((np.ones(len(kept)), (kept, mapping[kept])), shape=(len(mapping), n))
    return m @ merge

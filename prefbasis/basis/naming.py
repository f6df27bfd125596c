"""Category names: the short `preference` phrase most used among a category's members.

Falls back to the medoid description cut to six words when no phrases are known. Names are made
unique by suffixing " (2)", " (3)", ...

Example:
    >>> import numpy as np
    >>> name_categories(np.array([0, 0, 1, -1]), [{"concise": 2}, {"brief": 1}, {}, {"x": 9}],
    ...                 np.array([1., 1., 1., 1.]), ["short answer", "clear and well structured steps"])
    ['concise', 'clear and well structured steps']
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np


def fallback_name(text: str, words: int = 6) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def name_categories(labels: np.ndarray, phrases: Sequence[Mapping[str, int]] | None,
                    weights: np.ndarray, medoids: Sequence[str]) -> list[str]:
    """One name per category (index = category id); ties broken alphabetically."""
    k = len(medoids)
    counts: list[Counter] = [Counter() for _ in range(k)]
    if phrases is not None:
        for i in np.flatnonzero(labels >= 0):
            counts[labels[i]].update({p: c for p, c in phrases[i].items() if p})
    names = []
    for c in range(k):
        if counts[c]:
            best = max(counts[c].items(), key=lambda kv: (kv[1], -len(kv[0]), _neg(kv[0])))[0]
        else:
            best = fallback_name(medoids[c])
        names.append(best)
    return unique_names(names)


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def unique_names(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out

"""The topic basis and how the preference basis generalizes across topics.

Example:
    >>> import numpy as np
    >>> t = topic_preference_table(np.array([0, 0, 1]), np.array([1, -1, 1]), np.ones(3), 2, 2)
    >>> t.tolist()
    [[0.0, 1.0, 1.0], [0.0, 1.0, 0.0]]
"""
from __future__ import annotations

import numpy as np


def topic_preference_table(topic_labels: np.ndarray, pref_labels: np.ndarray, weights: np.ndarray,
                           k_topic: int, k_pref: int) -> np.ndarray:
    """Mentions per (topic category, preference category); the last column counts unassigned
    preferences. Mentions whose topic is unassigned are left out."""
    table = np.zeros((k_topic, k_pref + 1))
    keep = topic_labels >= 0
    cols = np.where(pref_labels >= 0, pref_labels, k_pref)
    np.add.at(table, (topic_labels[keep], cols[keep]), np.asarray(weights, np.float64)[keep])
    return table


def coverage_by_topic(table: np.ndarray) -> list[float | None]:
    """Per topic category: share of its preference mentions that the preference basis covers."""
    out: list[float | None] = []
    for row in table:
        total = row.sum()
        out.append(float(row[:-1].sum() / total) if total > 0 else None)
    return out

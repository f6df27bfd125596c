"""How well planted categories separate in an embedding space (the simulator's own quality check).

Example:
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> rep = separability(X, ["a", "a", "b", "b"])
    >>> rep.centroid_accuracy, rep.within_cosine > rep.max_between_centroid_cosine
    (1.0, True)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class SeparabilityReport:
    """Separation figures of labelled, L2-normalised embeddings.

    centroid_accuracy: share of texts whose nearest category centroid (cosine) is their own.
    within_cosine: mean over categories of the mean pairwise cosine inside the category.
    min_within_cosine: the lowest category's mean pairwise cosine.
    max_between_centroid_cosine: the largest cosine between two different category centroids.
    mean_between_cosine: mean cosine of pairs of texts from different categories.
    closest_pair: the two categories whose centroids are closest.
    """

    centroid_accuracy: float
    within_cosine: float
    min_within_cosine: float
    max_between_centroid_cosine: float
    mean_between_cosine: float
    closest_pair: tuple[str, str]
    per_category_accuracy: dict[str, float]


def separability(embeddings: np.ndarray, labels: Sequence[str]) -> SeparabilityReport:
    """Measure category separation; `embeddings` rows are normalised here."""
    X = np.asarray(embeddings, dtype=np.float64)
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    lab = np.asarray(labels)
    names = sorted(set(lab.tolist()))
    idx = np.array([names.index(v) for v in lab])
    sums = np.zeros((len(names), X.shape[1]))
    np.add.at(sums, idx, X)
    counts = np.bincount(idx, minlength=len(names)).astype(float)
    centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    pred = np.argmax(X @ centroids.T, axis=1)
    # mean pairwise cosine inside category k = (|sum_k|^2 - n_k) / (n_k (n_k - 1))
    sq = (sums ** 2).sum(axis=1)
    within = np.where(counts > 1, (sq - counts) / np.maximum(counts * (counts - 1), 1), 1.0)
    cc = centroids @ centroids.T
    np.fill_diagonal(cc, -np.inf)
    i, j = np.unravel_index(int(np.argmax(cc)), cc.shape)
    total = X.sum(axis=0)
    n = len(X)
    between_sum = (total @ total - n) - (sq - counts).sum()
    between_pairs = n * (n - 1) - (counts * (counts - 1)).sum()
    return SeparabilityReport(
        centroid_accuracy=float((pred == idx).mean()),
        within_cosine=float(within.mean()),
        min_within_cosine=float(within.min()),
        max_between_centroid_cosine=float(cc[i, j]),
        mean_between_cosine=float(between_sum / max(between_pairs, 1)),
        closest_pair=(names[i], names[j]),
        per_category_accuracy={names[k]: float((pred[idx == k] == k).mean()) for k in range(len(names))},
    )


def embed_texts(texts: Sequence[str], model: str | None = None, batch_size: int = 128) -> np.ndarray:
    """Normalised sentence embeddings (default: the offline all-MiniLM-L6-v2)."""
    from sentence_transformers import SentenceTransformer

    from prefbasis.models import resolve_embedding_model

    st = SentenceTransformer(resolve_embedding_model(model), device="cpu")
    return st.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)

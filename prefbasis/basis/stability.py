"""Validation: bootstrap stability (matched-category cosine, ARI) and 80/20 held-out coverage.

Example:
    >>> import numpy as np
    >>> matched_cosine(np.eye(2, dtype=np.float32), np.eye(2, dtype=np.float32)[::-1])
    (1.0, [1.0, 1.0])
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from prefbasis.basis.estimator import PreferenceBasis, TooFewCategoriesError


@dataclass
class StabilityReport:
    matched_cosine: list[float] = field(default_factory=list)   # per replicate, mean over categories
    ari: list[float] = field(default_factory=list)              # per replicate
    per_category: list[float] = field(default_factory=list)     # mean matched cosine per category
    skipped: int = 0                                            # replicates too small to reach k

    @property
    def mean_cosine(self) -> float | None:
        return float(np.mean(self.matched_cosine)) if self.matched_cosine else None

    @property
    def mean_ari(self) -> float | None:
        return float(np.mean(self.ari)) if self.ari else None


def matched_cosine(a: np.ndarray, b: np.ndarray) -> tuple[float, list[float]]:
    """Hungarian matching of the rows of a to rows of b by cosine; (mean, per row of a)."""
    from scipy.optimize import linear_sum_assignment

    sims = np.asarray(a, np.float64) @ np.asarray(b, np.float64).T
    rows, cols = linear_sum_assignment(-sims)
    per = np.zeros(len(a))
    per[rows] = sims[rows, cols]
    return float(round(per.mean(), 12)), [float(round(v, 12)) for v in per]


def _refit(fitted: PreferenceBasis, weights: np.ndarray, seed: int) -> PreferenceBasis:
    """A clone of the fitted basis (same parameters) refit at its k on resampled mention weights."""
    from sklearn.base import clone

    keep = weights > 0
    texts = [t for t, k in zip(fitted.descriptions_, keep) if k]
    pb = clone(fitted).set_params(k=fitted.k_, k_max=fitted.k_, tau=fitted.tau_, seed=seed, nmf=False,
                                   curves=False)
    return pb.fit(texts, sample_weight=weights[keep], embeddings=fitted.embeddings_[keep])


def bootstrap(fitted: PreferenceBasis, n_boot: int, *, seed: int = 0) -> StabilityReport:
    """Refit on n_boot multinomial resamples of the mentions, at the fitted k.

    ARI compares the nearest-category partition of all fitted descriptions under the full basis and
    under the replicate's basis.
    """
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    w = fitted.weights_
    total = int(round(w.sum()))
    full = np.argmax(fitted.embeddings_ @ fitted.category_vectors_.T, axis=1)
    report = StabilityReport()
    per = np.zeros(fitted.k_)
    done = 0
    for r in range(n_boot):
        resampled = rng.multinomial(total, w / w.sum()).astype(np.float64)
        try:
            rep = _refit(fitted, resampled, seed + r + 1)
        except TooFewCategoriesError:  # a replicate too small to reach k categories: skipped, counted
            report.skipped += 1
            continue
        mean, per_cat = matched_cosine(fitted.category_vectors_, rep.category_vectors_)
        report.matched_cosine.append(mean)
        per[: len(per_cat)] += per_cat
        other = np.argmax(fitted.embeddings_ @ rep.category_vectors_.T, axis=1)
        report.ari.append(float(adjusted_rand_score(full, other)))
        done += 1
    report.per_category = [float(v / done) for v in per] if done else []
    return report


def heldout_coverage(fitted_params: dict, descriptions: list[str], groups: np.ndarray,
                     embeddings: np.ndarray, *, seed: int = 0, share: float = 0.8) -> float:
    """Fit on `share` of the groups (comparisons), coverage on the others' mentions.

    descriptions/groups/embeddings are per mention. The split is a seeded permutation of the sorted
    distinct group ids, so it does not depend on row order.
    """
    ids = np.unique(groups)
    rng = np.random.default_rng(seed)
    train_ids = set(rng.permutation(ids)[: int(round(share * len(ids)))].tolist())
    train = np.array([g in train_ids for g in groups])
    if train.all() or not train.any():
        return float("nan")
    pb = PreferenceBasis(**fitted_params, seed=seed, nmf=False, curves=False)
    pb.fit([d for d, t in zip(descriptions, train) if t], embeddings=embeddings[train])
    labels = pb.predict([d for d, t in zip(descriptions, train) if not t], embeddings=embeddings[~train])
    return float(np.mean(labels >= 0))

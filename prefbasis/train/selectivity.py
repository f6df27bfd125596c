"""Selectivity of a DPO adapter: how much more it moved its own category than another one.

selectivity = delta(own category's held-out pairs) - delta(other category's held-out pairs), for
a metric of `evaluate` (preference accuracy or margin; delta = tuned - base per pair). Its CI comes
from one bootstrap of both sets together, resampling *prompts* (clusters of pairs) from the union
of the two sets' prompts, so pairs that share a prompt, or the same two responses judged in
opposite directions by the two categories, move together in every resample; the own and other
deltas reported beside it come from the same resamples (docs/metrics.md, "Selectivity").

Example:
    >>> import numpy as np
    >>> own, other = np.array([1., 1., 0., 1.]), np.array([0., -1., 0., 0.])
    >>> s = selectivity_from_pairs(own, ["p1", "p2", "p3", "p4"], other, ["p5", "p6", "p7", "p2"],
    ...                            n_boot=200, confidence=0.95, seed=0)
    >>> s.value, s.own_delta, s.other_delta
    (1.0, 0.75, -0.25)
    >>> s.ci_low <= s.value <= s.ci_high
    True
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from prefbasis.errors import ConfigError
from prefbasis.train.evaluation import EvalResult, percentile_ci


@dataclass
class Selectivity:
    """One adapter's selectivity between its own category and another, with the deltas behind it."""

    value: float
    ci_low: float
    ci_high: float
    own_delta: float
    own_ci: tuple[float, float]
    other_delta: float
    other_ci: tuple[float, float]
    n_own: int
    n_other: int
    n_prompts: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cluster_bootstrap_means(sets: Sequence[tuple[np.ndarray, Sequence[str]]], n_boot: int,
                            seed: int) -> list[np.ndarray]:
    """Bootstrap means of several sets of per-pair values, resampling their prompts jointly.

    `sets`: (values, prompt of each value). Each resample draws len(U) prompts with replacement
    from U, the union of all sets' prompts; a set's resampled mean weights each of its pairs by
    how often its prompt was drawn (NaN when none of its prompts was drawn).
    """
    union = sorted({u for _, units in sets for u in units})
    index = {u: i for i, u in enumerate(union)}
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(union), size=(n_boot, len(union)))
    weights = np.zeros((n_boot, len(union)))
    np.add.at(weights, (np.arange(n_boot)[:, None], draws), 1.0)
    means = []
    for values, units in sets:
        w = weights[:, [index[u] for u in units]]
        total = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append(np.where(total > 0, w @ np.asarray(values, float) / total, np.nan))
    return means


def selectivity_from_pairs(own: np.ndarray, own_units: Sequence[str], other: np.ndarray,
                           other_units: Sequence[str], *, n_boot: int, confidence: float,
                           seed: int) -> Selectivity:
    """Selectivity from per-pair deltas of the two sets and each pair's prompt."""
    if len(own) == 0 or len(other) == 0:
        raise ConfigError("selectivity needs held-out pairs in both categories")
    m_own, m_other = cluster_bootstrap_means([(own, own_units), (other, other_units)], n_boot, seed)
    return Selectivity(value=float(np.mean(own) - np.mean(other)),
                       ci_low=percentile_ci(m_own - m_other, confidence)[0],
                       ci_high=percentile_ci(m_own - m_other, confidence)[1],
                       own_delta=float(np.mean(own)), own_ci=percentile_ci(m_own, confidence),
                       other_delta=float(np.mean(other)), other_ci=percentile_ci(m_other, confidence),
                       n_own=len(own), n_other=len(other), n_prompts=len(set(own_units) | set(other_units)))


def selectivity(result: EvalResult, adapter: str, own: str, other: str,
                metric: str = "preference_accuracy") -> Selectivity:
    """Selectivity of `adapter` between the `own` and `other` data folders of an `evaluate` result
    (bootstrap rounds, confidence and seed of that run).

    Example:
        >>> res = evaluate(None, EvalConfig(adapter=["a-lora", "b-lora"], data=["a", "b"]))  # doctest: +SKIP
        >>> selectivity(res, "a-lora", own="a", other="b").value  # doctest: +SKIP
    """
    cfg = result.config
    try:
        d_own = result.pairs[(str(adapter), str(own))][metric]["delta"]
        d_other = result.pairs[(str(adapter), str(other))][metric]["delta"]
    except KeyError as exc:
        raise ConfigError(f"selectivity: no {metric!r} deltas for {exc.args[0]!r} in this evaluation "
                          f"(has {sorted(result.pairs)})") from None
    return selectivity_from_pairs(d_own, result.units[str(own)], d_other, result.units[str(other)],
                                  n_boot=cfg.n_bootstrap, confidence=cfg.confidence, seed=cfg.seed)

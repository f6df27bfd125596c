"""Selectivity of a DPO adapter: how much more it moved its own category than another one.

selectivity = delta(own category's held-out pairs) - delta(other category's held-out pairs), for
a metric of `evaluate` (preference accuracy or margin; delta = tuned - base per pair). Its CI comes
from one bootstrap of both sets together, resampling *prompts* (clusters of pairs) from the union
of the two sets' prompts, so pairs that share a prompt, or the same two responses judged in
opposite directions by the two categories, move together in every resample; the own and other
deltas reported beside it come from the same resamples (docs/metrics.md, "Selectivity").

*Length-matched* selectivity compares the two categories at one length mix: each pair falls in a
stratum (its chosen response shorter than the rejected one, or not), each set's delta is the mean
over its strata weighted by the strata's shares in both sets pooled, so two categories that differ
only in how often the shorter answer wins cannot give it (docs/metrics.md, "Length-matched
selectivity").

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
    n_boot_used: int | None = None   # resamples with every set (cell) drawn; the others are left out of the CI

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
    """Selectivity from per-pair deltas of the two sets and each pair's prompt: the matched
    selectivity with every pair in one stratum (so the same bootstrap, values and checks)."""
    return matched_selectivity_from_pairs(own, own_units, np.zeros(len(own), int), other, other_units,
                                          np.zeros(len(other), int), n_boot=n_boot, confidence=confidence, seed=seed)


def matched_selectivity_from_pairs(own: np.ndarray, own_units: Sequence[str], own_strata: Sequence[int],
                                   other: np.ndarray, other_units: Sequence[str], other_strata: Sequence[int],
                                   *, n_boot: int, confidence: float, seed: int) -> Selectivity:
    """Selectivity with each set's delta standardized to one stratum mix: Σ_s π_s · mean of the
    set's deltas in stratum s, π_s = share of stratum s among the pairs of both sets. The prompt
    bootstrap is `cluster_bootstrap_means` over the (set, stratum) cells (π fixed).

    Example: an adapter that only learned "longer wins" (+1 where the chosen answer is longer, -1
    where it is shorter) is selective on raw deltas when its own category picks the longer answer
    more often, and not at all once the mixes are matched:
        >>> own_s, other_s = np.array([1, 1, 1, 0]), np.array([1, 0, 0, 0])   # 0: chosen shorter (length_strata)
        >>> own, other = 2. * own_s - 1, 2. * other_s - 1
        >>> raw = selectivity_from_pairs(own, list("abcd"), other, list("efgh"), n_boot=50, confidence=.95, seed=0)
        >>> m = matched_selectivity_from_pairs(own, list("abcd"), own_s, other, list("efgh"), other_s,
        ...                                    n_boot=50, confidence=.95, seed=0)
        >>> raw.value, m.value
        (1.0, 0.0)
    """
    own, other = np.asarray(own, float), np.asarray(other, float)
    own_strata, other_strata = np.asarray(own_strata, int), np.asarray(other_strata, int)
    if len(own) == 0 or len(other) == 0:
        raise ConfigError("selectivity needs held-out pairs in both categories")
    strata = sorted(set(own_strata.tolist()) | set(other_strata.tolist()))
    pooled = np.concatenate([own_strata, other_strata])
    share = {s: float(np.mean(pooled == s)) for s in strata}
    cells = []
    for name, values, units, st in (("own", own, own_units, own_strata), ("other", other, other_units, other_strata)):
        for s in strata:
            if not np.any(st == s):
                raise ConfigError(f"length-matched selectivity: the {name} category has no held-out pair in "
                                  f"stratum {s} (both categories need pairs in every stratum)")
            cells.append((values[st == s], [u for u, k in zip(units, st) if k == s]))
    boot = cluster_bootstrap_means(cells, n_boot, seed)
    k = len(strata)

    def standardized(means: Sequence) -> Any:
        return sum(share[s] * m for s, m in zip(strata, means))

    point = [float(np.mean(v)) for v, _ in cells]
    m_own, m_other = standardized(boot[:k]), standardized(boot[k:])
    d_own, d_other = standardized(point[:k]), standardized(point[k:])
    diff = m_own - m_other
    low, high = percentile_ci(diff, confidence)
    return Selectivity(value=float(d_own - d_other), ci_low=low, ci_high=high,
                       own_delta=float(d_own), own_ci=percentile_ci(m_own, confidence),
                       other_delta=float(d_other), other_ci=percentile_ci(m_other, confidence),
                       n_own=len(own), n_other=len(other), n_prompts=len(set(own_units) | set(other_units)),
                       n_boot_used=int(np.sum(np.isfinite(diff))))


def length_strata(data: str, split: str = "test", limit: int | None = None,
                  edges: Sequence[float] = (0.0,)) -> np.ndarray:
    """Each pair's length stratum, for an export's `split` (its first `limit`, as `evaluate` scores
    them): the bin of log(characters of chosen / characters of rejected) among `edges`. The
    default, one edge at 0, gives 0 for "chosen shorter" and 1 for "chosen not shorter"."""
    from prefbasis.train.evaluation import _load_pairs, _text

    ds = _load_pairs(data, split, limit)
    chars = np.array([(len(_text(c)), len(_text(r))) for c, r in zip(ds["chosen"], ds["rejected"])], float)
    with np.errstate(divide="ignore", invalid="ignore"):   # an empty response: -inf / +inf (0 / 0: not shorter)
        ratio = np.log(chars[:, 0] / chars[:, 1]) if len(chars) else np.zeros(0)
    return np.digitize(ratio, np.asarray(edges, float), right=False).astype(int)


def length_matched_selectivity(result: EvalResult, adapter: str, own: str, other: str,
                               metric: str = "preference_accuracy", edges: Sequence[float] = (0.0,),
                               strata: dict[str, np.ndarray] | None = None) -> Selectivity:
    """`selectivity` with both categories' deltas standardized to their pooled mix of length strata
    (`length_strata`; by default "chosen shorter" / "chosen not shorter"), per
    `matched_selectivity_from_pairs`. `strata`: each data folder's strata, when already computed."""
    cfg = result.config
    d_own, d_other = _deltas(result, adapter, own, other, metric)
    found = {}
    for data, deltas in ((str(own), d_own), (str(other), d_other)):
        found[data] = strata[data] if strata and data in strata else length_strata(data, cfg.split, cfg.limit, edges)
        if len(found[data]) != len(deltas):
            raise ConfigError(f"length-matched selectivity: {data} has {len(found[data])} pairs now and "
                              f"{len(deltas)} when it was evaluated (the export changed since)")
    return matched_selectivity_from_pairs(
        d_own, result.units[str(own)], found[str(own)], d_other, result.units[str(other)], found[str(other)],
        n_boot=cfg.n_bootstrap, confidence=cfg.confidence, seed=cfg.seed)


def _deltas(result: EvalResult, adapter: str, own: str, other: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        return (result.pairs[(str(adapter), str(own))][metric]["delta"],
                result.pairs[(str(adapter), str(other))][metric]["delta"])
    except KeyError as exc:
        raise ConfigError(f"selectivity: no {metric!r} deltas for {exc.args[0]!r} in this evaluation "
                          f"(has {sorted(result.pairs)})") from None


def selectivity(result: EvalResult, adapter: str, own: str, other: str,
                metric: str = "preference_accuracy") -> Selectivity:
    """Selectivity of `adapter` between the `own` and `other` data folders of an `evaluate` result
    (bootstrap rounds, confidence and seed of that run).

    Example:
        >>> res = evaluate(None, EvalConfig(adapter=["a-lora", "b-lora"], data=["a", "b"]))  # doctest: +SKIP
        >>> selectivity(res, "a-lora", own="a", other="b").value  # doctest: +SKIP
    """
    cfg = result.config
    d_own, d_other = _deltas(result, adapter, own, other, metric)
    return selectivity_from_pairs(d_own, result.units[str(own)], d_other, result.units[str(other)],
                                  n_boot=cfg.n_bootstrap, confidence=cfg.confidence, seed=cfg.seed)


SELECTIVITY_METRICS = ("preference_accuracy", "preference_margin")


def selectivity_table(result: EvalResult) -> Any:
    """Every adapter's selectivity (plain and length-matched, with CIs) between its own category
    and each other data set of an `evaluate` run of several data sets, as a DataFrame: the table
    `prefbasis evaluate` prints after its main one. A length-matched value that cannot be had (a
    length stratum without pairs in one set) is left empty.

    Example:
        >>> res = evaluate(None, EvalConfig(adapter=["a-lora", "b-lora"], data=["a", "b"]))  # doctest: +SKIP
        >>> selectivity_table(res)[["adapter", "other", "metric", "selectivity", "length_matched"]]  # doctest: +SKIP
    """
    import pandas as pd

    f = result.frame
    f = f[f["metric"].isin(SELECTIVITY_METRICS)]
    cfg = result.config
    strata = {d: length_strata(d, cfg.split, cfg.limit) for d in dict.fromkeys(f["data"])}
    rows = []
    for adapter in dict.fromkeys(f["adapter"]):
        mine = f[f["adapter"] == adapter]
        own = mine.loc[mine["role"] == "category", "data"].drop_duplicates().tolist()
        others = mine.loc[mine["role"] == "other", "data"].drop_duplicates().tolist()
        for other in others if own else []:
            for metric in SELECTIVITY_METRICS:
                s = selectivity(result, adapter, own=own[0], other=other, metric=metric)
                try:
                    m = length_matched_selectivity(result, adapter, own=own[0], other=other, metric=metric,
                                                   strata=strata)
                    matched = (m.value, m.ci_low, m.ci_high)
                except ConfigError:
                    matched = (float("nan"),) * 3
                rows.append({"adapter": adapter, "own": own[0], "other": other, "metric": metric,
                             "selectivity": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high,
                             "length_matched": matched[0], "lm_ci_low": matched[1], "lm_ci_high": matched[2],
                             "n_own": s.n_own, "n_other": s.n_other})
    return pd.DataFrame(rows)

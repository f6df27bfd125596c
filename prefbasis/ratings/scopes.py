"""Rate one scope (overall, or one category): eligibility, the fit, the bootstrap, the rank.

`rate_counts` works on aggregated outcome counts (the default); `StyleRater` works on rows and
adds style covariates (`--style-control`). Both apply the config's prior (`cfg.l2`) to the point
fit and to every bootstrap fit alike. Both return one row per model, `insufficient` where a
model (or the whole scope) has fewer than `min_battles` battles or lies outside the largest
connected part of the comparison graph (its rating would not be identified).

Example:
    >>> pairs = np.array([[0, 1], [1, 2]])
    >>> eligible_models(pairs, np.array([100.0, 10.0]), 3, min_battles=50).tolist()
    [True, True, False]
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from prefbasis.ratings.bootstrap import bootstrap_ratings, ci_rank, point_rank
from prefbasis.ratings.bradley_terry import aggregate_outcomes, counts_to_wins, fit_bradley_terry

if TYPE_CHECKING:
    from prefbasis.ratings.battles import BattleFilter
    from prefbasis.ratings.config import PeloConfig
    from prefbasis.store import Store


def eligible_models(pairs: np.ndarray, n: np.ndarray, m: int, min_battles: int) -> np.ndarray:
    """Models with >= min_battles among eligible opponents, in the largest connected component."""
    keep = np.ones(m, dtype=bool)
    while True:
        live = keep[pairs[:, 0]] & keep[pairs[:, 1]]
        per = np.bincount(pairs[live, 0], n[live], m) + np.bincount(pairs[live, 1], n[live], m)
        new = keep & (per >= max(min_battles, 1))
        if (new == keep).all():
            break
        keep = new
    if keep.sum() < 2:
        return np.zeros(m, dtype=bool)
    parent = np.arange(m)                     # union-find over the kept comparison graph

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for i, j in pairs[keep[pairs[:, 0]] & keep[pairs[:, 1]]]:
        parent[root(i)] = root(j)
    roots = np.array([root(x) for x in range(m)])
    sizes = np.bincount(roots[keep], minlength=m)
    return keep & (roots == np.argmax(sizes))


def _blank(models: list[str], pairs: np.ndarray, counts: np.ndarray) -> pd.DataFrame:
    m = len(models)
    wins, n = counts_to_wins(counts)
    battles = np.bincount(pairs[:, 0], n, m) + np.bincount(pairs[:, 1], n, m)
    won = np.bincount(pairs[:, 0], wins, m) + np.bincount(pairs[:, 1], n - wins, m)
    return pd.DataFrame({"model": models, "rating": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "rank": pd.array([None] * m, dtype="Int64"),
                         "battles": battles.astype(np.int64), "wins": won, "insufficient": True})


def _anchor_index(models: list[str], keep: np.ndarray, remap: np.ndarray,
                  anchor: tuple[str, float] | None) -> tuple[int, float] | None:
    """The anchor as (index among fitted models, rating); None (mean 1000) where it is not rated."""
    if anchor is None or anchor[0] not in models or not keep[models.index(anchor[0])]:
        return None
    return int(remap[models.index(anchor[0])]), anchor[1]


def _subset(models, pairs, counts, cfg):
    """(out frame, kept mask, index of kept, remap old->new) or None when nothing can be rated."""
    out = _blank(models, pairs, counts)
    n = counts.sum(axis=1)
    if not len(pairs) or n.sum() < cfg.min_battles:
        return out, None
    keep = eligible_models(pairs, n, len(models), cfg.min_battles)
    if keep.sum() < 2:
        return out, None
    remap = np.full(len(models), -1)
    remap[keep] = np.arange(int(keep.sum()))
    return out, (keep, np.flatnonzero(keep), remap)


def _finish(out, idx, ratings, low, high):
    out.loc[idx, "rating"] = ratings
    out.loc[idx, "insufficient"] = False
    if low is None:
        out.loc[idx, "rank"] = point_rank(ratings)
    else:
        out.loc[idx, "ci_low"], out.loc[idx, "ci_high"] = low, high
        out.loc[idx, "rank"] = ci_rank(low, high)
    return out


def rate_counts(models: list[str], pairs: np.ndarray, counts: np.ndarray, cfg: "PeloConfig",
                anchor: tuple[str, float] | None, seed: int) -> pd.DataFrame:
    """Rate one scope from aggregated counts (P, 3) = [first wins, second wins, ties]."""
    out, sub = _subset(models, pairs, counts, cfg)
    if sub is None:
        return out
    keep, idx, remap = sub
    live = keep[pairs[:, 0]] & keep[pairs[:, 1]]
    sp, sc = remap[pairs[live]], counts[live]
    a_idx = _anchor_index(models, keep, remap, anchor)
    fit = fit_bradley_terry(sp, *counts_to_wins(sc), len(idx), anchor=a_idx, l2=cfg.l2)
    if not cfg.bootstrap:
        return _finish(out, idx, fit.ratings, None, None)
    boot = bootstrap_ratings(sp, sc, len(idx), rounds=cfg.bootstrap, seed=seed, level=cfg.level,
                             anchor=a_idx, l2=cfg.l2, init=fit.theta)
    return _finish(out, idx, fit.ratings, boot.low, boot.high)


class StyleRater:
    """Rows of every battle with style features computed once; `rate(kind, category_id)` per scope.

    Battles lacking either response text are left out (`dropped` counts them): their style is unknown.
    """

    def __init__(self, store: "Store", flt: "BattleFilter", basis_id: str | None,
                 models: list[str], cfg: "PeloConfig", anchor: tuple[str, float] | None) -> None:
        from prefbasis.ratings.battles import load_rows
        from prefbasis.ratings.style import style_features

        rows, members = load_rows(store, flt, basis_id)
        # style needs both texts: battles without them (e.g. votes on unpublished answers) are left out
        self.dropped = int((rows.response_a.isna() | rows.response_b.isna()).sum())
        rows = rows[rows.response_a.notna() & rows.response_b.notna()].reset_index(drop=True)
        code = {name: i for i, name in enumerate(models)}
        self.models, self.cfg, self.anchor = models, cfg, anchor
        self.ids = rows.comparison_id.to_numpy()
        self.a = rows.model_a.map(code).to_numpy(np.int64)
        self.b = rows.model_b.map(code).to_numpy(np.int64)
        self.winner = rows.winner.to_numpy()
        self.y = np.select([self.winner == "a", self.winner == "b"], [1.0, 0.0], 0.5)
        self.fa = style_features(rows.response_a.tolist())
        self.fb = style_features(rows.response_b.tolist())
        self.members = members

    def rate(self, kind: str, category_id: int | None, seed: int) -> pd.DataFrame:
        from prefbasis.progress import progress
        from prefbasis.ratings.bradley_terry import to_elo
        from prefbasis.ratings.style import bootstrap_style_bt, fit_style_bt, style_covariates

        if kind == "overall":
            mask = np.ones(len(self.a), dtype=bool)
        else:
            sel = self.members[(self.members.kind == kind) & (self.members.category_id == category_id)]
            mask = np.isin(self.ids, sel.comparison_id.to_numpy())
        a, b, winner = self.a[mask], self.b[mask], self.winner[mask]
        pairs, counts = aggregate_outcomes(a, b, winner, n_models=len(self.models))
        out, sub = _subset(self.models, pairs, counts, self.cfg)
        if sub is None:
            return out
        keep, idx, remap = sub
        rows = keep[a] & keep[b]
        ra, rb, y = remap[a[rows]], remap[b[rows]], self.y[mask][rows]
        z = style_covariates(self.fa[mask][rows], self.fb[mask][rows])
        a_idx = _anchor_index(self.models, keep, remap, self.anchor)
        theta, _ = fit_style_bt(ra, rb, y, z, len(idx), l2=self.cfg.l2)
        ratings = to_elo(theta, a_idx)
        if not self.cfg.bootstrap:
            return _finish(out, idx, ratings, None, None)
        _, low, high = bootstrap_style_bt(
            ra, rb, y, z, len(idx), rounds=self.cfg.bootstrap, seed=seed, anchor=a_idx,
            level=self.cfg.level, l2=self.cfg.l2,
            progress_bar=lambda it: progress(it, desc=f"style bootstrap {kind} {category_id or ''}"))
        return _finish(out, idx, ratings, low, high)

"""Read battles from the store for pElo: aggregated outcome counts (the fast path) or rows.

A battle is a comparison with two different, named models. Counts are aggregated in DuckDB, so a
million battles arrive as a few thousand (scope, model_a, model_b, winner, n) rows. Each scope is
'overall' or a (kind, category_id) of a basis; a comparison counts once per category it is in.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> load_counts(store, BattleFilter()).empty
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from prefbasis.store import Store

_BATTLE = ("c.model_a is not null and c.model_b is not null and c.model_a <> c.model_b")


@dataclass(frozen=True)
class BattleFilter:
    """Which comparisons are battles to rate: optional judge and dataset (exact, or SQL LIKE with %)."""

    judge: str | None = None
    dataset: str | None = None

    def where(self) -> tuple[str, list]:
        sql, params = [_BATTLE], []
        for column, value in (("c.judge", self.judge), ("c.dataset_id", self.dataset)):
            if value is not None:
                sql.append(f"{column} like ?" if "%" in value else f"{column} = ?")
                params.append(value)
        return " and ".join(sql), params


def _category_join(basis_id: str | None) -> tuple[str, list]:
    if basis_id is None:
        return "", []
    return ("join (select distinct kind, comparison_id, category_id from comparison_categories "
            "where basis_id = ?) cc on cc.comparison_id = c.comparison_id"), [basis_id]


def load_counts(store: Store, flt: BattleFilter, basis_id: str | None = None) -> pd.DataFrame:
    """Outcome counts: columns kind ('overall' / 'preference' / 'topic'), category_id, model_a,
    model_b, winner, n. Without a basis only the 'overall' rows."""
    where, params = flt.where()
    overall = store.df(
        "select 'overall' as kind, cast(null as integer) as category_id, c.model_a, c.model_b, "
        f"c.winner, count(*) as n from comparisons c where {where} group by all", params)
    if basis_id is None:
        return overall
    join, jparams = _category_join(basis_id)
    per_cat = store.df(
        "select cc.kind, cc.category_id, c.model_a, c.model_b, c.winner, count(*) as n "
        f"from comparisons c {join} where {where} group by all", jparams + params)
    return pd.concat([overall, per_cat], ignore_index=True)


def load_rows(store: Store, flt: BattleFilter, basis_id: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows for style control: (battles with responses, memberships kind/category_id/comparison_id)."""
    where, params = flt.where()
    rows = store.df(
        "select c.comparison_id, c.model_a, c.model_b, c.winner, c.response_a, c.response_b "
        f"from comparisons c where {where} order by c.comparison_id", params)
    if basis_id is None:
        return rows, pd.DataFrame(columns=["kind", "category_id", "comparison_id"])
    join, jparams = _category_join(basis_id)
    members = store.df(f"select cc.kind, cc.category_id, c.comparison_id from comparisons c {join} "
                       f"where {where} order by 1, 2, 3", jparams + params)
    return rows, members

"""Which comparisons a run annotates: dataset, ties, text presence, a user `--where`, `--limit`.

Example:
    >>> from prefbasis.store import Store
    >>> select_comparisons(Store.open(":memory:"), include_ties=False, needs_text=True)
    ([], 0)
"""
from __future__ import annotations

from prefbasis.annotate.base import Comparison
from prefbasis.errors import ConfigError, QueryError


def select_comparisons(store, *, dataset: str | None = None, where: str | None = None,
                       limit: int | None = None, include_ties: bool = False,
                       needs_text: bool = True) -> tuple[list[Comparison], int]:
    """(comparisons to annotate in a stable order, rows skipped because they lack text)."""
    if limit is not None and limit < 0:
        raise ConfigError("--limit must be >= 0")
    if where and ";" in where:
        raise ConfigError("--where takes one SQL condition, without ';'")
    conds, params = [], []
    if dataset:
        if not store.scalar("select count(*) from datasets where dataset_id = ? or name = ?", [dataset, dataset]):
            raise ConfigError(f"no dataset {dataset!r} in the store (see: prefbasis query "
                              f"\"select dataset_id, name from datasets\")")
        conds.append("c.dataset_id in (select dataset_id from datasets where dataset_id = ? or name = ?)")
        params += [dataset, dataset]
    if not include_ties:
        conds.append("c.winner <> 'tie'")
    if where:
        conds.append(f"({where})")
    base = " and ".join(conds) or "true"
    has_text = ("c.prompt is not null and c.response_a is not null and c.response_b is not null"
                if needs_text else "c.rationale is not null and trim(c.rationale) <> ''")
    import duckdb
    try:
        total = store.scalar(f"select count(*) from comparisons c where {base}", params)
        sql = (f"select comparison_id, prompt, response_a, response_b, winner, rationale, presented_order "
               f"from comparisons c "
               f"where {base} and {has_text} order by comparison_id")
        if limit is not None:
            sql += f" limit {int(limit)}"
        rows = store.execute(sql, params).fetchall()
        with_text = store.scalar(f"select count(*) from comparisons c where {base} and {has_text}", params)
    except duckdb.Error as exc:
        raise QueryError(f"--where {where!r} failed: {str(exc).splitlines()[0]}") from None
    return [Comparison(*r) for r in rows], int(total - with_text)


def dataset_corpus(store, comparisons: list[Comparison]) -> list[Comparison]:
    """Every comparison with a rationale in the datasets of `comparisons` (for `Annotator.prepare`)."""
    if not comparisons:
        return []
    rows = store.execute(
        "select comparison_id, prompt, response_a, response_b, winner, rationale, presented_order "
        "from comparisons where rationale is not null and dataset_id in (select distinct dataset_id from "
        "comparisons where comparison_id in (select unnest(?::varchar[]))) order by comparison_id",
        [[c.comparison_id for c in comparisons]]).fetchall()
    return [Comparison(*r) for r in rows]

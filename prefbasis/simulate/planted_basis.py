"""A basis made of the simulator's planted truth, for scoring pElo separately from `extract`.

`planted_basis` writes a basis whose preference categories are the planted categories and whose
comparison_categories are each comparison's planted deciding reason (and planted topic), so pElo
recovery can be measured without the basis estimator's errors.

Comparisons decided by one of the simulator's one-off reasons (planted category
'(idiosyncratic)', `prefbasis.simulate.IDIOSYNCRATIC`) get no preference category: the simulator
decides them by the models' *average* strength over all categories, so they have no planted
per-category truth, and a long tail of one-off reasons is by construction not a canonical
category. Their planted topic is kept (the topic scope covers every comparison).

Example:
    >>> from prefbasis.store import Store
    >>> from prefbasis.simulate import SimulationConfig, simulate
    >>> store = Store.open(":memory:")
    >>> _ = simulate(store, SimulationConfig(seed=0, n_comparisons=300, n_distinct=100, n_judges=5))
    >>> planted_basis(store)
    'planted'
"""
from __future__ import annotations

from prefbasis.errors import PrefbasisError
from prefbasis.store import Store


def planted_basis(store: Store, dataset_id: str | None = None, basis_id: str = "planted") -> str:
    """Write (or replace) basis `basis_id` from planted_comparisons of `dataset_id` (default: all).

    Preference categories: the planted categories, '(idiosyncratic)' excluded; topics: all.
    """
    from prefbasis.simulate.idiosyncratic import LABEL as IDIOSYNCRATIC

    where, params = ("where dataset_id = ?", [dataset_id]) if dataset_id else ("", [])
    if not store.scalar(f"select count(*) from planted_comparisons {where}", params):
        raise PrefbasisError("no planted truth in this store: run `prefbasis simulate` first")
    with store.transaction() as con:
        for table in ("comparison_categories", "categories", "bases"):
            con.execute(f"delete from {table} where basis_id = ?", [basis_id])
        con.execute("insert into bases(basis_id, name, k) select ?, 'planted truth', "
                    f"count(distinct planted_category) filter (where planted_category <> ?) "
                    f"from planted_comparisons {where}", [basis_id, IDIOSYNCRATIC] + params)
        for kind, column in (("preference", "planted_category"), ("topic", "planted_topic")):
            # share: of all comparisons, so the preference shares sum to 1 - the idiosyncratic share
            con.execute(
                "insert into categories(basis_id, category_id, name, kind, share) "
                f"select ?, row_number() over (order by name) - 1, name, ?, share from ("
                f"select {column} as name, count(*) / sum(count(*)) over () as share "
                f"from planted_comparisons {where} group by {column}) where name <> ?",
                [basis_id, kind] + params + [IDIOSYNCRATIC])
            con.execute(
                "insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity) "
                f"select ?, ?, pc.comparison_id, c.category_id, 1.0 from planted_comparisons pc "
                f"join categories c on c.basis_id = ? and c.kind = ? and c.name = pc.{column} "
                + (where.replace("dataset_id", "pc.dataset_id")), [basis_id, kind, basis_id, kind] + params)
    return basis_id

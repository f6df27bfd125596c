"""Personal profiles: a judge's vector over the k categories (share of their mentions in each).

Example:
    >>> profile(store, ProfileConfig(judge="judge-3"))  # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from prefbasis.basis.config import ProfileConfig
from prefbasis.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


def judge_profile(store: "Store", basis_id: str, judge: str, datasets: list[str] | None = None) -> "pd.DataFrame":
    """category_id, name, mentions, share (of the judge's mentions; unassigned as its own row), over
    the basis's datasets, or over `datasets` (ids) of them."""
    import pandas as pd

    from prefbasis.embed import normalize_text

    from prefbasis.store.catalog import basis_datasets, basis_row, categories

    ann = store.df("select a.description from annotations a join comparisons c using (comparison_id) "
                   "where c.dataset_id in (select unnest(?)) and c.judge = ?",
                   [datasets if datasets is not None else basis_datasets(basis_row(store, basis_id)), judge])
    cats = categories(store, basis_id, "preference")
    assign = store.df("select description, category_id from description_assignments where basis_id = ? "
                      "and kind = 'preference'", [basis_id])
    label = dict(zip(assign["description"], assign["category_id"]))
    counts: dict = {}
    for d in ann["description"]:
        c = label.get(normalize_text(d))
        key = -1 if c is None or pd.isna(c) else int(c)
        counts[key] = counts.get(key, 0) + 1
    total = max(sum(counts.values()), 1)
    rows = [(int(c), n, counts.get(int(c), 0)) for c, n in zip(cats["category_id"], cats["name"])]
    rows.append((None, "(unassigned)", counts.get(-1, 0)))

    df = pd.DataFrame(rows, columns=["category_id", "name", "mentions"])
    df["share"] = (df["mentions"] / total).round(4)
    return df


def profile(store: "Store", config: ProfileConfig) -> "pd.DataFrame":
    """`judge_profile` of `config.judge` over `config.basis` (id, prefix or name; default the latest);
    an `InputError` when the judge has no annotated comparison in that basis's dataset."""
    from prefbasis.store.catalog import basis_datasets, basis_row, dataset_names, pick_among, resolve_basis

    basis_id = resolve_basis(store, config.basis).basis_id
    datasets, where = None, f"basis {basis_id}"
    if config.dataset is not None:
        own = basis_datasets(basis_row(store, basis_id))
        names = dataset_names(store, own)
        rows = [(d, names.get(d, d)) for d in own]
        found = pick_among(rows, config.dataset, "dataset", "dataset")   # by the catalog rule, in this basis only
        if found is None:
            fit_on = ", ".join(f"{d} ({n})" for d, n in rows) or "none recorded"
            raise InputError(f"no dataset {config.dataset!r} among those basis {basis_id} was fit on: {fit_on}",
                             field="dataset")
        datasets, where = [found[0]], f"dataset {found[1]!r} of basis {basis_id}"
    df = judge_profile(store, basis_id, config.judge, datasets)
    if df["mentions"].sum() == 0:
        raise InputError(f"judge {config.judge!r} has no annotated comparisons in {where}", field="judge")
    return df

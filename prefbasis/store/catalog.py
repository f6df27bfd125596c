"""One catalog: datasets, bases and categories found by id, id prefix or name, and "the latest".

Every verb and stage resolves what a user names here, by one rule (the SQL macro `pick_basis` of
migration 010 follows the same rule for bases):

- nothing named -> the latest (bases: newest `created_at`, then `basis_id`; datasets: newest
  `ingested_at`, then `dataset_id`);
- else the exact id; else the newest with that name; else the one id that starts with it;
- several ids start with it, or nothing matches -> `NotInStoreError` listing what the store has.

Categories: an integer id, a name (case-insensitive), or the start of one name, inside the named
basis (default: the latest basis).

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> latest_basis(store) is None
    True
    >>> resolve_basis(store, "nope")
    Traceback (most recent call last):
    ...
    prefbasis.errors.NotInStoreError: field '--basis': no basis in this store: run `prefbasis extract` first
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prefbasis.errors import NotInStoreError

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


@dataclass(frozen=True)
class DatasetRef:
    dataset_id: str
    name: str


@dataclass(frozen=True)
class BasisRef:
    basis_id: str
    name: str | None


@dataclass(frozen=True)
class CategoryRef:
    basis_id: str
    category_id: int
    name: str
    kind: str


def _pick(rows: list[tuple], ref: str | None, what: str, option: str) -> tuple | None:
    """The catalog rule over rows (id, name, ...) already in "latest first" order."""
    if ref is None:
        return rows[0] if rows else None
    ref = str(ref)
    for test in (lambda r: r[0] == ref, lambda r: r[1] == ref):
        found = [r for r in rows if test(r)]
        if found:
            return found[0]
    found = [r for r in rows if str(r[0]).startswith(ref)]
    if len(found) > 1:
        listing = ", ".join(f"{r[0]} ({r[1]})" for r in found[:10])
        raise NotInStoreError(f"several {what} ids start with {ref!r}: {listing}; give more of the id",
                              field=option)
    return found[0] if found else None


def pick_among(rows: list[tuple], ref: str, what: str, option: str) -> tuple | None:
    """The catalog rule (id, then name, then unique id prefix) over a given list of (id, name) rows,
    e.g. the datasets of one basis; None when nothing matches.

    Example:
        >>> pick_among([("d1a", "arena"), ("d2b", "ours")], "ours", "dataset", "--dataset")
        ('d2b', 'ours')
    """
    return _pick(rows, ref, what, option)


def _listing(rows: list[tuple], limit: int = 10) -> str:
    shown = ", ".join(f"{r[0]} ({r[1]})" for r in rows[:limit])
    return shown + (f", ... ({len(rows)} in all)" if len(rows) > limit else "")


def datasets_in(store: "Store", *, annotated: bool = False) -> list[DatasetRef]:
    """The store's datasets, latest first; `annotated`: only those with annotations.

    Example:
        >>> from prefbasis.store import Store
        >>> datasets_in(Store.open(":memory:"), annotated=True)
        []
    """
    where = ("where exists (select 1 from annotations a join comparisons c using (comparison_id) "
             "where c.dataset_id = d.dataset_id)" if annotated else "")
    rows = store.execute(f"select d.dataset_id, d.name from datasets d {where} "
                         "order by d.ingested_at desc, d.dataset_id").fetchall()
    return [DatasetRef(*r) for r in rows]


def resolve_dataset(store: "Store", ref: str | None = None, *, annotated: bool = False) -> DatasetRef:
    """A dataset by id, id prefix or name; None: the latest. `annotated`: only datasets with annotations."""
    rows = [(d.dataset_id, d.name) for d in datasets_in(store, annotated=annotated)]
    found = _pick(rows, ref, "dataset", "dataset")
    if found is None:
        what = "annotated dataset" if annotated else "dataset"
        if not rows:
            steps = "`prefbasis ingest` and `prefbasis annotate`" if annotated else "`prefbasis ingest`"
            raise NotInStoreError(f"no {what} in the store; run {steps} first", field="dataset")
        raise NotInStoreError(f"no {what} {ref!r} in the store; known: {_listing(rows)}", field="dataset")
    return DatasetRef(*found)


def _bases(store: "Store") -> list[tuple]:
    return store.execute("select basis_id, name from bases order by created_at desc, basis_id").fetchall()


def latest_basis(store: "Store") -> BasisRef | None:
    """The newest basis, or None when the store has none."""
    rows = _bases(store)
    return BasisRef(*rows[0]) if rows else None


def resolve_basis(store: "Store", ref: str | None = None) -> BasisRef:
    """A basis by id, id prefix or name; None: the latest. `NotInStoreError` when there is none."""
    rows = _bases(store)
    if not rows:
        raise NotInStoreError("no basis in this store: run `prefbasis extract` first", field="--basis")
    found = _pick(rows, ref, "basis", "--basis")
    if found is None:
        raise NotInStoreError(f"no basis {ref!r} in {store.path}; known: {_listing(rows)}", field="--basis")
    return BasisRef(*found)


def basis_row(store: "Store", basis_id: str) -> dict[str, Any]:
    """Every column of a basis's `bases` row, `params` parsed from JSON."""
    df = store.df("select * from bases where basis_id = ?", [basis_id])
    if df.empty:
        raise NotInStoreError(f"no basis {basis_id!r} in {store.path}", field="--basis")
    row = df.iloc[0].to_dict()
    params = row.get("params")
    try:
        row["params"] = json.loads(params) if isinstance(params, str) else (params or {})
    except ValueError:
        row["params"] = {}
    return row


def dataset_names(store: "Store", dataset_ids: list[str]) -> dict[str, str]:
    """{dataset id: name} for the ids the store knows.

    Example:
        >>> from prefbasis.store import Store
        >>> dataset_names(Store.open(":memory:"), ["no-such-id"])
        {}
    """
    return dict(store.execute("select dataset_id, name from datasets where dataset_id in (select unnest(?))",
                              [list(dataset_ids)]).fetchall())


def basis_datasets(basis: dict[str, Any]) -> list[str]:
    """The ids of the datasets a basis (its `basis_row`) was fit on: several for a pooled basis.

    Example:
        >>> basis_datasets({"dataset_id": None, "dataset_ids": ["d1", "d2"]}), basis_datasets({"dataset_id": "d1"})
        (['d1', 'd2'], ['d1'])
    """
    ids = basis.get("dataset_ids")
    if hasattr(ids, "__len__") and not isinstance(ids, str) and len(ids):   # a list, or numpy's from pandas
        return [str(d) for d in ids]
    return [basis["dataset_id"]] if basis.get("dataset_id") else []


def basis_card(store: "Store", basis_id: str) -> tuple[dict[str, Any], str | None]:
    """(the card JSON, its Markdown) that extract wrote; ({}, None) when there is none."""
    row = store.execute("select card, markdown from basis_cards where basis_id = ?", [basis_id]).fetchall()
    if not row:
        return {}, None
    try:
        card = json.loads(row[0][0]) if row[0][0] else {}
    except ValueError:
        card = {}
    return (card if isinstance(card, dict) else {}), row[0][1]


def categories(store: "Store", basis_id: str, kind: str | None = None) -> "pd.DataFrame":
    """kind, category_id, name, share of a basis's categories: preference first, then topic, by id."""
    return store.df("select kind, category_id, name, share from categories where basis_id = ? "
                    "and (? is null or kind = ?) "
                    "order by case kind when 'preference' then 0 else 1 end, category_id",
                    [basis_id, kind, kind])


def resolve_category(store: "Store", ref: str | int, basis: str | None = None,
                     kind: str = "preference") -> CategoryRef:
    """A category of `basis` (default: the latest) by integer id, name (any case) or name prefix."""
    option = "--topic" if kind == "topic" else "--category"
    b = resolve_basis(store, basis)
    cats = categories(store, b.basis_id, kind)
    text = str(ref).strip()
    ids = cats["category_id"].astype(int).tolist()
    names = cats["name"].astype(str).tolist()
    lowered = [n.lower() for n in names]
    if text.lstrip("-").isdigit() and int(text) in ids:
        i = ids.index(int(text))
    elif text.lower() in lowered:
        i = lowered.index(text.lower())
    else:
        starts = [j for j, n in enumerate(lowered) if n.startswith(text.lower())] if text else []
        if len(starts) > 1:
            raise NotInStoreError(f"several {kind} categories of basis {b.basis_id} start with {text!r}: "
                                  + "; ".join(repr(names[j]) for j in starts[:10]), field=option)
        if not starts:
            known = "; ".join(f"{b.basis_id}#{c} {n!r}" for c, n in zip(ids, names)) or \
                "(none: run `prefbasis extract` first)"
            raise NotInStoreError(f"unknown {kind} category {ref!r} in basis {b.basis_id}; known: {known}",
                                  field=option)
        i = starts[0]
    return CategoryRef(b.basis_id, ids[i], names[i], kind)

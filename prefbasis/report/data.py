"""Read everything the report shows from the store (tables and views only; nothing is recomputed).

Every part is optional: a store with a basis but no ratings yet gives a report without the pElo
section, and so on. Tables that later migrations add (`basis_curves`, `basis_stability`, `basis_cards`,
`embeddings`) are probed, so the report works with whatever the store holds.

Example:
    >>> from prefbasis.store import Store
    >>> load_report_data(Store.open(":memory:"))
    Traceback (most recent call last):
    ...
    prefbasis.errors.PrefbasisError: no basis in this store: run `prefbasis extract` first
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from prefbasis.errors import PrefbasisError
from prefbasis.store import Store

N_EXAMPLES = 3
MAX_TOPICS = 20  # rows of the topic heatmap: the topics with the most comparisons


@dataclass
class ReportData:
    """The frames behind each section; an empty frame means "not in the store yet"."""

    basis: dict[str, Any]
    categories: pd.DataFrame                     # category_id, name, share, size, mentions, stability, examples
    curves: pd.DataFrame = field(default_factory=pd.DataFrame)       # k, coverage, variation_explained, pca_optimum?
    assignments: pd.DataFrame = field(default_factory=pd.DataFrame)  # description, category_id, similarity
    topic_matrix: pd.DataFrame = field(default_factory=pd.DataFrame)  # rows topics, columns category names
    ratings: pd.DataFrame = field(default_factory=pd.DataFrame)      # scope, category, model, rating, ci...
    annotators: pd.DataFrame = field(default_factory=pd.DataFrame)   # annotator, annotations, comparisons
    datasets: pd.DataFrame = field(default_factory=pd.DataFrame)
    card: dict[str, Any] = field(default_factory=dict)
    stability: dict[str, Any] = field(default_factory=dict)
    embedding_model: str | None = None
    embedding_backend: str | None = None


def table_columns(store: Store, table: str) -> set[str]:
    """Columns of a table or view in the store's main schema (empty set when it does not exist)."""
    rows = store.execute("select column_name from information_schema.columns "
                         "where table_schema = 'main' and table_name = ?", [table]).fetchall()
    return {r[0] for r in rows}


def _tables(store: Store) -> set[str]:
    return {r[0] for r in store.execute(
        "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def _json(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    try:
        out = json.loads(value)
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def resolve_basis(store: Store, basis_id: str | None) -> dict[str, Any]:
    """The named basis (id, id prefix or name), else the newest one."""
    if basis_id:
        df = store.df("select * from bases where basis_id = ? or name = ? or basis_id like ? "
                      "order by created_at desc", [basis_id, basis_id, basis_id + "%"])
        if df.empty:
            known = store.df("select basis_id, name from bases order by created_at desc limit 5")
            raise PrefbasisError(f"no basis {basis_id!r} in this store; known: "
                                 f"{', '.join(known['basis_id']) or 'none (run `prefbasis extract`)'}")
    else:
        df = store.df("select * from bases order by created_at desc limit 1")
        if df.empty:
            raise PrefbasisError("no basis in this store: run `prefbasis extract` first")
    row = df.iloc[0].to_dict()
    row["params"] = _json(row.get("params"))
    return row


def _categories(store: Store, basis_id: str, tables: set[str]) -> pd.DataFrame:
    cats = store.df("select category_id, name, share from categories "
                    "where basis_id = ? and kind = 'preference' order by category_id", [basis_id])
    sizes = store.df("""
        select category_id, count(*) as size from description_assignments
        where basis_id = ? and kind = 'preference' and category_id is not null group by 1""", [basis_id])
    mentions = store.df("""
        select category_id, count(*) as comparisons from comparison_categories
        where basis_id = ? and kind = 'preference' group by 1""", [basis_id])
    examples = store.df("""
        select category_id, list(description order by similarity desc, description)[1:?] as examples
        from description_assignments
        where basis_id = ? and kind = 'preference' and category_id is not null group by 1""",
                        [N_EXAMPLES, basis_id])
    out = cats.merge(sizes, how="left", on="category_id").merge(mentions, how="left", on="category_id")
    out = out.merge(examples, how="left", on="category_id")
    out["size"] = out["size"].fillna(0).astype(int)
    out["comparisons"] = out["comparisons"].fillna(0).astype(int)
    out["examples"] = out["examples"].apply(lambda v: list(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else [])
    if "examples" in table_columns(store, "categories"):
        stored = store.df("select category_id, examples from categories where basis_id = ? "
                          "and kind = 'preference' and examples is not null", [basis_id])
        chosen = {int(c): json.loads(e) for c, e in zip(stored["category_id"], stored["examples"])}
        out["examples"] = [chosen.get(int(c)) or ex for c, ex in zip(out["category_id"], out["examples"])]
    out["stability"] = _stability_per_category(store, basis_id, tables).reindex(out["category_id"]).to_numpy()
    return out.sort_values(["share", "category_id"], ascending=[False, True]).reset_index(drop=True)


def _stability_per_category(store: Store, basis_id: str, tables: set[str]) -> pd.Series:
    """Per-category stability score (mean matched cosine over bootstrap refits) where extract stored one."""
    if "stability" in table_columns(store, "categories"):
        df = store.df("select category_id, stability from categories "
                      "where basis_id = ? and kind = 'preference'", [basis_id])
        return df.set_index("category_id")["stability"]
    return pd.Series(dtype=float)


def _basis_stability(store: Store, basis: dict[str, Any], tables: set[str]) -> dict[str, Any]:
    """Mean matched cosine and ARI over the bootstrap replicates, where extract ran them."""
    out = {k: basis[k] for k in ("stability", "stability_ari") if basis.get(k) is not None
           and not pd.isna(basis[k])}
    if "basis_stability" in tables:
        df = store.df("select count(*) as replicates, avg(matched_cosine) as matched_cosine, "
                      "avg(ari) as ari from basis_stability where basis_id = ?", [basis["basis_id"]])
        if int(df["replicates"].iloc[0]):
            out.update({k: v for k, v in df.iloc[0].to_dict().items()})
    return out


def _curves(store: Store, basis: dict[str, Any], tables: set[str]) -> pd.DataFrame:
    """k, coverage, variation_explained, pca_optimum, unassigned_share for k = 1..50 (basis_curves)."""
    if "basis_curves" not in tables:
        return pd.DataFrame()
    return store.df("select k, coverage, variation_explained, pca_optimum, unassigned_share "
                    "from basis_curves where basis_id = ? and kind = 'preference' order by k",
                    [basis["basis_id"]])


def _card(store: Store, basis_id: str, tables: set[str]) -> dict[str, Any]:
    """The basis card extract wrote (JSON), or {} when there is none."""
    if "basis_cards" not in tables:
        return {}
    return _json(store.scalar("select card from basis_cards where basis_id = ?", [basis_id]))


def _topic_matrix(store: Store, basis_id: str, names: dict[int, str]) -> pd.DataFrame:
    """Comparisons per (topic, preference category): the basis's topic categories, else raw topics."""
    df = store.df("""
        select t.name as topic, p.category_id, count(distinct p.comparison_id) as n
        from comparison_categories p
        join comparison_categories ct on ct.comparison_id = p.comparison_id
             and ct.basis_id = p.basis_id and ct.kind = 'topic'
        join categories t on t.basis_id = ct.basis_id and t.kind = 'topic' and t.category_id = ct.category_id
        where p.basis_id = ? and p.kind = 'preference' group by 1, 2""", [basis_id])
    if df.empty:
        df = store.df("""
            with top as (select topic from annotations where topic is not null
                         group by 1 order by count(*) desc, topic limit 20)
            select a.topic, p.category_id, count(distinct p.comparison_id) as n
            from comparison_categories p
            join annotations a on a.comparison_id = p.comparison_id
            where p.basis_id = ? and p.kind = 'preference' and a.topic in (select topic from top)
            group by 1, 2""", [basis_id])
    if df.empty:
        return df
    df["category"] = df["category_id"].map(names)
    mat = df.pivot_table(index="topic", columns="category", values="n", aggfunc="sum", fill_value=0)
    mat = mat.loc[mat.sum(axis=1).sort_values(ascending=False, kind="stable").index[:MAX_TOPICS]]
    return mat[[n for n in names.values() if n in mat.columns]]


def _ratings(store: Store, basis_id: str, names: dict[int, str], tables: set[str]) -> pd.DataFrame:
    """The newest pelo run's ratings for this basis (overall + per preference category)."""
    cols = "scope, category_id, model, rating, ci_low, ci_high, rank, battles"
    run = None
    if "pelo_runs" in tables and "run_id" in table_columns(store, "ratings"):
        run = store.scalar("select run_id from pelo_runs where basis_id = ? "
                           "order by created_at desc, run_id limit 1", [basis_id])
    if run is not None:
        df = store.df(f"select {cols} from ratings where run_id = ? and scope in ('overall', 'preference') "
                      "order by scope, category_id, rating desc", [run])
    else:
        df = store.df(f"select {cols} from ratings where basis_id = ? and scope in ('overall', 'preference') "
                      "order by scope, category_id, rating desc", [basis_id])
    if df.empty:
        return df
    df = df.drop_duplicates(["scope", "category_id", "model"]).reset_index(drop=True)
    df["category"] = [("Overall" if s == "overall" else names.get(int(c), f"#{int(c)}"))
                      for s, c in zip(df["scope"], df["category_id"].fillna(-1))]
    return df


def _annotators(store: Store) -> pd.DataFrame:
    cols = table_columns(store, "annotations")
    extra = [c for c in ("model", "template_hash") if c in cols]
    keys = ", ".join(["annotator"] + [f'"{c}"' for c in extra])
    return store.df(f"select {keys}, count(*) as annotations, count(distinct comparison_id) as comparisons, "
                    f"min(created_at) as first, max(created_at) as last from annotations "
                    f"group by all order by annotations desc")


def load_report_data(store: Store, basis_id: str | None = None) -> ReportData:
    """Everything the report shows for one basis (the newest when `basis_id` is None)."""
    tables = _tables(store)
    basis = resolve_basis(store, basis_id)
    bid = basis["basis_id"]
    cats = _categories(store, bid, tables)
    names = dict(zip(cats["category_id"].astype(int), cats["name"]))
    assignments = store.df("select description, category_id, similarity from description_assignments "
                           "where basis_id = ? and kind = 'preference' order by description", [bid])
    card = _card(store, bid, tables)
    model = (basis.get("embedding_model") or basis["params"].get("embedding_model") or card.get("embedding_model")
             or (card.get("params") or {}).get("embedding_model"))
    return ReportData(
        basis=basis, categories=cats, curves=_curves(store, basis, tables), assignments=assignments,
        topic_matrix=_topic_matrix(store, bid, names), ratings=_ratings(store, bid, names, tables),
        annotators=_annotators(store),
        datasets=store.df("select dataset_id, name, source, format, n_rows, ingested_at from datasets "
                          "order by ingested_at"),
        card=card, stability=_basis_stability(store, basis, tables), embedding_model=model,
        embedding_backend=basis["params"].get("embedding_backend") or card.get("embedding_backend"))

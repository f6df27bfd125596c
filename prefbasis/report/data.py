"""Read everything the report shows from the store (tables and views only; nothing is recomputed).

Every part is optional: a store with a basis but no ratings yet gives a report without the pElo
section, and so on. Tables that later migrations add (`basis_curves`, `basis_stability`, `basis_cards`,
`embeddings`) are probed, so the report works with whatever the store holds.

Example:
    >>> from prefbasis.store import Store
    >>> load_report_data(Store.open(":memory:"))
    Traceback (most recent call last):
    ...
    prefbasis.errors.NotInStoreError: field '--basis': no basis in this store: run `prefbasis extract` first
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

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
    datasets: pd.DataFrame = field(default_factory=pd.DataFrame)  # those the basis was fit on (all if it does not say)
    card: dict[str, Any] = field(default_factory=dict)
    stability: dict[str, Any] = field(default_factory=dict)
    embedding_model: str | None = None
    comparisons: int = 0                      # comparisons of the basis's dataset (all in the store if unknown)
    annotated: int = 0                        # ... of them with an annotation
    overall_label: str = "Overall"            # the overall scope's name, with the run's filters
    recovery: pd.DataFrame = field(default_factory=pd.DataFrame)     # metric, category, planted_category, value, n
    exports: pd.DataFrame = field(default_factory=pd.DataFrame)      # dpo_exports rows of this basis
    training_runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    evaluations: pd.DataFrame = field(default_factory=pd.DataFrame)  # preference accuracy rows
    embedding_backend: str | None = None
    # a basis pooled over several datasets: dataset, category_id, category, tags, dataset_share,
    # overall_share, lift (sql/queries/category_by_dataset.sql); empty for a one-dataset basis
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)


def table_columns(store: Store, table: str) -> set[str]:
    """Columns of a table or view in the store's main schema (empty set when it does not exist)."""
    rows = store.execute("select column_name from information_schema.columns "
                         "where table_schema = 'main' and table_name = ?", [table]).fetchall()
    return {r[0] for r in rows}


def _tables(store: Store) -> set[str]:
    return {r[0] for r in store.execute(
        "select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def _categories(store: Store, basis_id: str, tables: set[str]) -> pd.DataFrame:
    cats = store.df("select category_id, name, share, top3_prompt_share, coalesce(name_flagged, false) as name_flagged "
                    "from categories where basis_id = ? and kind = 'preference' order by category_id", [basis_id])
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
    from prefbasis.store.catalog import basis_card

    return basis_card(store, basis_id)[0] if "basis_cards" in tables else {}


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


def _ratings(store: Store, basis_id: str, names: dict[int, str]) -> tuple[pd.DataFrame, str]:
    """Per scope (overall, preference) the newest pelo run's ratings for this basis, and the label of
    the overall scope ("Overall (judge human)" when that run was filtered)."""
    cols = "scope, category_id, model, rating, ci_low, ci_high, rank, battles"
    label = "Overall"
    df = store.df(f"""
        with r as (
            select ratings.*, p.created_at as run_at from ratings left join pelo_runs p using (run_id)
            where ratings.basis_id = ? and scope in ('overall', 'preference')),
        newest as (select scope, arg_max(run_id, run_at) as run from r group by scope)
        select {cols}, r.run_id from r join newest using (scope)
        where r.run_id is not distinct from newest.run
        order by scope, category_id, rating desc""", [basis_id])
    run = df.loc[df["scope"] == "overall", "run_id"].dropna()
    if len(run):
        params = _params(store.scalar("select params from pelo_runs where run_id = ?", [run.iloc[0]]))
        filters = [f"{k} {params[k]}" for k in ("judge", "dataset") if params.get(k)]
        label = "Overall" + (f" ({', '.join(filters)})" if filters else "")
    df = df.drop(columns="run_id")
    if df.empty:
        return df, label
    df = df.drop_duplicates(["scope", "category_id", "model"]).reset_index(drop=True)
    df["category"] = [(label if s == "overall" else names.get(int(c), f"#{int(c)}"))
                      for s, c in zip(df["scope"], df["category_id"].fillna(-1))]
    return df, label


def _params(text: Any) -> dict[str, Any]:
    try:
        out = json.loads(text) if isinstance(text, str) else {}
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def _sources(store: Store, basis: dict[str, Any], dataset_ids: list[str]) -> pd.DataFrame:
    """Which pooled dataset uses which preference category: the canned query `category_by_dataset`
    (one definition for `prefbasis query` and the report), for a basis fit on several datasets."""
    from prefbasis.store.sqlfiles import sql_path

    if len(dataset_ids) < 2:
        return pd.DataFrame()
    sql = (sql_path("queries") / "category_by_dataset.sql").read_text(encoding="utf-8")
    return store.df(sql, {"basis": basis["basis_id"], "kind": "preference"})


def _counts(store: Store, dataset_ids: list[str]) -> tuple[int, int]:
    """(comparisons, annotated comparisons) of the basis's datasets (of the whole store when unknown)."""
    row = store.execute("""
        select count(*), count(*) filter (where exists (
            select 1 from annotations a where a.comparison_id = c.comparison_id))
        from comparisons c where len(?) = 0 or c.dataset_id in (select unnest(?))""",
                        [dataset_ids, dataset_ids]).fetchone()
    return int(row[0]), int(row[1])


def _recovery(store: Store, basis_id: str, tables: set[str]) -> pd.DataFrame:
    """The demo's scores against the planted truth (`basis_recovery`), when it wrote them."""
    if "basis_recovery" not in tables:
        return pd.DataFrame()
    return store.df("select metric, category_id, category, planted_category, value, n from basis_recovery "
                    "where basis_id = ? order by metric, value desc", [basis_id])


def _dpo(store: Store, basis_id: str, tables: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(exports, training runs, preference-accuracy evaluations) of this basis's categories."""
    exports = (store.df("select out, category_id, category, complement, n_pairs, n_train, n_test, created_at "
                        "from dpo_exports where basis_id = ? order by created_at", [basis_id])
               if "dpo_exports" in tables else pd.DataFrame())
    runs = store.df("select output_dir, base_model, data, category, n_train, steps, final_loss, reward_accuracy, "
                    "device, created_at from training_runs where basis_id = ? order by created_at", [basis_id])
    evals = store.df("""
        select e.adapter, e.data, e.role, e.category, e.variant, e.value, e.ci_low, e.ci_high, e.n, e.created_at
        from evaluations e
        where e.metric = 'preference_accuracy'
          and (e.adapter in (select output_dir from training_runs where basis_id = ?)
               or e.data in (select data from training_runs where basis_id = ?))
        order by e.created_at, e.role, e.data, e.variant""", [basis_id, basis_id])
    return exports, runs, evals


def _annotators(store: Store) -> pd.DataFrame:
    cols = table_columns(store, "annotations")
    extra = [c for c in ("model", "template_hash") if c in cols]
    keys = ", ".join(["annotator"] + [f'"{c}"' for c in extra])
    return store.df(f"select {keys}, count(*) as annotations, count(distinct comparison_id) as comparisons, "
                    f"min(created_at) as first, max(created_at) as last from annotations "
                    f"group by all order by annotations desc")


def load_report_data(store: Store, basis_id: str | None = None) -> ReportData:
    """Everything the report shows for one basis (the newest when `basis_id` is None)."""
    from prefbasis.store.catalog import basis_datasets, basis_row, resolve_basis

    tables = _tables(store)
    bid = resolve_basis(store, basis_id).basis_id
    basis = basis_row(store, bid)
    cats = _categories(store, bid, tables)
    names = dict(zip(cats["category_id"].astype(int), cats["name"]))
    assignments = store.df("select description, category_id, similarity from description_assignments "
                           "where basis_id = ? and kind = 'preference' order by description", [bid])
    card = _card(store, bid, tables)
    model = (basis.get("embedding_model") or basis["params"].get("embedding_model") or card.get("embedding_model")
             or (card.get("params") or {}).get("embedding_model"))
    ratings, overall_label = _ratings(store, bid, names)
    fit_on = basis_datasets(basis)
    comparisons, annotated = _counts(store, fit_on)
    sources = _sources(store, basis, fit_on)
    exports, runs, evals = _dpo(store, bid, tables)
    return ReportData(
        basis=basis, categories=cats, curves=_curves(store, basis, tables), assignments=assignments,
        topic_matrix=_topic_matrix(store, bid, names), ratings=ratings, annotators=_annotators(store),
        datasets=store.df("select dataset_id, name, source, format, n_rows, ingested_at from datasets "
                          "where len(?) = 0 or dataset_id in (select unnest(?)) order by ingested_at",
                          [fit_on, fit_on]),
        card=card, stability=_basis_stability(store, basis, tables), embedding_model=model,
        comparisons=comparisons, annotated=annotated, overall_label=overall_label,
        recovery=_recovery(store, bid, tables), exports=exports, training_runs=runs, evaluations=evals,
        embedding_backend=basis["params"].get("embedding_backend") or card.get("embedding_backend"),
        sources=sources)

"""Reading annotations from the store and writing / loading a basis (the only store-aware part).

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> latest_basis_id(store) is None
    True
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from prefbasis.basis.estimator import PreferenceBasis
from prefbasis.embed import register_frame
from prefbasis.errors import ConfigError, InputError

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


def resolve_dataset(store: "Store", dataset: str | None) -> tuple[str, str]:
    """(dataset_id, name) for an id or name; default: the latest ingested dataset with annotations."""
    rows = store.execute(
        "select d.dataset_id, d.name from datasets d where exists (select 1 from annotations a join comparisons c "
        "using (comparison_id) where c.dataset_id = d.dataset_id) "
        "and (? is null or d.dataset_id = ? or d.name = ?) order by d.ingested_at desc, d.dataset_id",
        [dataset, dataset, dataset]).fetchall()
    if not rows:
        what = f"dataset {dataset!r} with annotations" if dataset else "annotated dataset"
        raise InputError(f"no {what} in the store; run `prefbasis ingest` and `prefbasis annotate` first",
                         field="dataset")
    return rows[0][0], rows[0][1]


def resolve_annotator(store: "Store", dataset_id: str, annotator: str | None) -> str:
    """The annotator whose annotations of the dataset a basis is fit on: `annotator`, or the only one.

    Two annotators' descriptions of the same comparisons are two readings, not more data: with
    several in a dataset, the caller must choose (`--annotator`)."""
    found = store.df("select a.annotator, count(*) as n from annotations a join comparisons c using (comparison_id) "
                     "where c.dataset_id = ? group by 1 order by 1", [dataset_id])
    names = found["annotator"].tolist()
    if annotator is not None:
        if annotator not in names:
            raise InputError(f"no annotations by {annotator!r} in this dataset (annotators: "
                             f"{', '.join(names) or 'none'})", field="annotator")
        return annotator
    if len(names) > 1:
        listed = ", ".join(f"{a} ({n})" for a, n in found.itertuples(index=False))
        raise InputError(f"the dataset has annotations by several annotators: {listed}; choose one with "
                         f"--annotator", field="annotator")
    return names[0]


def read_mentions(store: "Store", dataset_id: str, annotator: str | None = None) -> "pd.DataFrame":
    """One row per annotation (of `annotator`, else all): comparison_id, judge, preference, description, topic."""
    return store.df(
        "select a.comparison_id, c.judge, a.preference, a.description, a.topic from annotations a "
        "join comparisons c using (comparison_id) where c.dataset_id = ? and (? is null or a.annotator = ?) "
        "order by a.comparison_id, a.description, a.preference", [dataset_id, annotator, annotator])


def read_contexts(store: "Store", dataset_id: str) -> "pd.DataFrame":
    """One row per annotated comparison of the dataset: comparison_id, prompt, response_a, response_b
    (what the leakage metrics compare descriptions with)."""
    return store.df(
        "select c.comparison_id, c.prompt, c.response_a, c.response_b from comparisons c "
        "where c.dataset_id = ? and exists (select 1 from annotations a where a.comparison_id = c.comparison_id) "
        "order by c.comparison_id", [dataset_id])


def latest_basis_id(store: "Store") -> str | None:
    return store.scalar("select basis_id from bases order by created_at desc, basis_id limit 1")


def resolve_basis(store: "Store", basis: str | None) -> str:
    """A basis id or name; default the latest basis."""
    if basis is None:
        found = latest_basis_id(store)
    else:
        found = store.scalar("select basis_id from bases where basis_id = ? or name = ? "
                             "order by created_at desc limit 1", [basis, basis])
    if found is None:
        raise ConfigError(f"no basis {basis!r} in the store" if basis else "no basis yet: run `prefbasis extract`")
    return found


def _blob(v: np.ndarray) -> bytes:
    return np.ascontiguousarray(v, dtype="<f4").tobytes()


def write_basis(con, basis_id: str, row: dict, categories: list[dict], assignments: "pd.DataFrame",
                comparison_rows: "pd.DataFrame", curves: "pd.DataFrame", stability: "pd.DataFrame",
                card: dict, markdown: str) -> None:
    """Replace basis `basis_id` everywhere (call inside store.transaction())."""
    for table in ("bases", "categories", "description_assignments", "comparison_categories",
                  "basis_curves", "basis_stability", "basis_cards"):
        con.execute(f"delete from {table} where basis_id = ?", [basis_id])
    cols = list(row)
    con.execute(f"insert into bases(basis_id, {', '.join(cols)}) values (?{', ?' * len(cols)})",
                [basis_id, *[row[c] for c in cols]])
    for cat in categories:
        con.execute("insert into categories(basis_id, category_id, name, kind, share, size, mentions, medoid, "
                    "examples, stability, vector, top3_prompt_share, name_flagged) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [basis_id, cat["category_id"], cat["name"], cat["kind"], cat["share"], cat["size"],
                     cat["mentions"], cat["medoid"], json.dumps(cat["examples"]), cat.get("stability"),
                     _blob(cat["vector"]), cat.get("top3_prompt_share"), cat.get("name_flagged")])
    for name, frame, table in (("_pb_assign", assignments, "description_assignments"),
                               ("_pb_comp", comparison_rows, "comparison_categories"),
                               ("_pb_curves", curves, "basis_curves"),
                               ("_pb_stab", stability, "basis_stability")):
        if len(frame) == 0:
            continue
        register_frame(con, name, frame)
        try:
            con.execute(f"insert into {table}({', '.join(frame.columns)}) select * from {name}")
        finally:
            con.unregister(name)
    con.execute("insert into basis_cards(basis_id, card, markdown) values (?, ?, ?)",
                [basis_id, json.dumps(card, default=float), markdown])


def load_basis(store: "Store", basis_id: str | None = None, *, kind: str = "preference") -> PreferenceBasis:
    """A fitted `PreferenceBasis` (kind 'preference' or 'topic') rebuilt from the store.

    Its `predict` on the descriptions it was fit on reproduces the stored assignments exactly.

    Example:
        >>> pb = load_basis(store)  # doctest: +SKIP
        >>> pb.predict(["the answer is shorter"])  # doctest: +SKIP
    """
    from prefbasis.embed import store_embedder

    basis_id = resolve_basis(store, basis_id)
    meta = store.execute("select k, tau, method, embedding_model, params from bases where basis_id = ?",
                         [basis_id]).fetchone()
    cats = store.execute("select category_id, name, medoid, vector from categories where basis_id = ? "
                         "and kind = ? order by category_id", [basis_id, kind]).fetchall()
    if not cats:
        raise ConfigError(f"basis {basis_id} has no {kind} categories")
    params = json.loads(meta[4]) if meta[4] else {}
    # new texts are embedded by the backend the basis was fit with (bases before backends: torch);
    # a read-only store is read from, never written to
    pb = PreferenceBasis(k=len(cats), target=params.get("target", 0.89), method=meta[2] or "coverage",
                         tau=float(meta[1]), seed=params.get("seed", 0),
                         embedder=store_embedder(store, meta[3], backend=params.get("embedding_backend", "torch")))
    pb.basis_id_, pb.k_, pb.tau_ = basis_id, len(cats), float(meta[1])
    pb.category_names_ = [c[1] for c in cats]
    pb.category_medoids_ = [c[2] for c in cats]
    pb.category_vectors_ = np.stack([np.frombuffer(c[3], dtype="<f4") for c in cats]).astype(np.float32)
    return pb


"""Reading annotations from the store and writing / loading a basis (the only store-aware part).

Datasets and bases are looked up through `prefbasis.store.catalog`.

Example:
    >>> from prefbasis.store import Store
    >>> read_mentions(Store.open(":memory:"), "no-such-dataset").empty
    True
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from prefbasis.basis.config import DEFAULT_TARGET, TAU_FREE
from prefbasis.basis.estimator import PreferenceBasis
from prefbasis.embed import register_frame
from prefbasis.embedders import SentenceEmbedder
from prefbasis.errors import ConfigError, InputError

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


def resolve_annotator(store: "Store", dataset_id: str, annotator: str | None) -> str:
    """The annotator whose annotations of the dataset a basis is fit on: `annotator`, or the only one.

    Two annotators' descriptions of the same comparisons are two readings, not more data: with
    several in a dataset, the caller must choose (`--annotator`)."""
    from prefbasis.store.catalog import dataset_names

    found = store.df("select a.annotator, count(*) as n from annotations a join comparisons c using (comparison_id) "
                     "where c.dataset_id = ? group by 1 order by 1", [dataset_id])
    names = found["annotator"].tolist()
    which = f"dataset {dataset_names(store, [dataset_id]).get(dataset_id, dataset_id)!r}"
    if annotator is not None:
        if annotator not in names:
            raise InputError(f"no annotations by {annotator!r} in {which} (annotators: "
                             f"{', '.join(names) or 'none'})", field="annotator")
        return annotator
    if len(names) > 1:
        listed = ", ".join(f"{a} ({n})" for a, n in found.itertuples(index=False))
        raise InputError(f"{which} has annotations by several annotators: {listed}; choose one with "
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


def load_basis(store: "Store", basis: str | None = None, *, kind: str = "preference") -> PreferenceBasis:
    """A fitted `PreferenceBasis` (kind 'preference' or 'topic') rebuilt from the store; `basis` is
    an id, id prefix or name (default: the latest).

    Its `predict` on the descriptions it was fit on reproduces the stored assignments exactly (its
    embedder reads the store's embedding cache first). It holds no open store: it pickles and clones.

    Example:
        >>> pb = load_basis(store)  # doctest: +SKIP
        >>> pb.predict(["the answer is shorter"])  # doctest: +SKIP
    """
    from prefbasis.embedders import StoreCacheEmbedder
    from prefbasis.store.catalog import basis_row, resolve_basis

    basis_id = resolve_basis(store, basis).basis_id
    meta = basis_row(store, basis_id)
    cats = store.execute("select category_id, name, medoid, vector from categories where basis_id = ? "
                         "and kind = ? order by category_id", [basis_id, kind]).fetchall()
    if not cats:
        raise ConfigError(f"basis {basis_id} has no {kind} categories")
    params = meta["params"]
    # new texts are embedded by the backend the basis was fit with (bases before backends: torch)
    backend = params.get("embedding_backend", "torch")
    embedder = (StoreCacheEmbedder(store.path, meta.get("embedding_model"), backend=backend)
                if store.path != ":memory:" else SentenceEmbedder(meta.get("embedding_model"), backend=backend))
    tau = meta.get("tau")
    pb = PreferenceBasis(k=len(cats), target=params.get("target", DEFAULT_TARGET),
                         method=meta.get("method") or "coverage",
                         tau=TAU_FREE if tau is None or tau != tau else float(tau),
                         seed=int(params.get("seed", 0)), embedder=embedder)
    pb.basis_id_, pb.k_, pb.tau_ = basis_id, len(cats), pb.tau
    pb.category_names_ = [c[1] for c in cats]
    pb.category_medoids_ = [c[2] for c in cats]
    pb.category_vectors_ = np.stack([np.frombuffer(c[3], dtype="<f4") for c in cats]).astype(np.float32)
    return pb

"""Write a simulated dataset into a store: comparisons, annotations and the planted truth.

Everything goes in one transaction: a dataset (format 'simulated') via the ingest writer, with each
judge's rationale and presentation order (annotate it with `--annotator rationale`, like real data),
the simulated annotator's own reasons (annotator 'simulated', unless `oracle_annotations` is off),
and the truth tables `planted_descriptions` (001), `planted_categories`, `planted_model_strengths`,
`planted_judges`, `planted_topics`, `planted_comparisons` (004) and `planted_mentions` (009: the
sentence each stated reason became in its rationale). Simulating the same config again adds nothing.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> cfg = SimulationConfig(seed=1, n_comparisons=300, n_distinct=200, n_judges=5, n_models=4)
    >>> res = simulate(store, cfg)
    >>> (res.n_comparisons, res.n_distinct_descriptions, res.added)
    (300, 200, True)
    >>> simulate(store, cfg).added
    False
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from prefbasis.hashing import content_hash
from prefbasis.progress import progress
from prefbasis.simulate.generator import SimulatedData, SimulationConfig, generate
from prefbasis.store import Store

FORMAT = "simulated"
ANNOTATOR = "simulated"

# table -> columns, in the order the frames are written
TRUTH_TABLES: dict[str, tuple[str, ...]] = {
    "planted_descriptions": ("dataset_id", "description", "planted_category"),
    "planted_categories": ("dataset_id", "planted_category", "name", "description", "share", "n_distinct"),
    "planted_model_strengths": ("dataset_id", "model", "planted_category", "strength", "elo"),
    "planted_judges": ("dataset_id", "judge", "planted_category", "weight"),
    "planted_topics": ("dataset_id", "topic", "planted_topic"),
    "planted_comparisons": ("dataset_id", "comparison_id", "planted_category", "planted_topic"),
    "planted_mentions": ("dataset_id", "comparison_id", "sentence", "planted_category"),
}


@dataclass
class SimulationResult:
    """What `simulate` wrote (or found already written: `added` False)."""

    dataset_id: str
    name: str
    n_comparisons: int
    n_annotations: int
    n_distinct_descriptions: int
    n_categories: int
    n_topics: int
    n_models: int
    n_judges: int
    added: bool


def data_fingerprint(data: SimulatedData) -> str:
    """Hash of the generated content (comparisons, annotations), so a generator change is a new dataset."""
    parts = [pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
             for frame in (data.comparisons.astype(str), data.annotations.astype(str))]
    return content_hash(*(p.hex() for p in parts))


def dataset_source(config: SimulationConfig, data: SimulatedData | None = None) -> str:
    """The `datasets.source` of a simulation: the config's hash and the generated content's hash, so
    another config, or the same config under a changed generator, is another dataset."""
    params = {k: v for k, v in config.as_dict().items() if k != "name"}
    return f"simulate:{content_hash(params)}" + (f":{data_fingerprint(data)}" if data is not None else "")


def annotation_id(dataset_id: str, comparison_id: str, position: int) -> str:
    """Annotation id: names the dataset, the comparison and the stated reason's position."""
    return content_hash(ANNOTATOR, dataset_id, comparison_id, int(position))


def _insert(con, table: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    view = f"_prefbasis_sim_{table}"
    con.register(view, frame[list(columns)])
    try:
        cols = ", ".join(columns)
        con.execute(f"insert into {table} ({cols}) select {cols} from {view}")
    finally:
        con.unregister(view)


def _clear_leftovers(con, dataset_id: str, ids: list[str]) -> None:
    """Remove this dataset's partial leftovers (comparisons kept after its `datasets` row was deleted):
    their simulated annotations and truth rows are rewritten, and the comparisons move to `dataset_id`."""
    view = "_prefbasis_sim_ids"
    con.register(view, pd.DataFrame({"comparison_id": ids}))
    try:
        con.execute(f"delete from annotations where annotator = ? and comparison_id in (select comparison_id from {view})",
                    [ANNOTATOR])
        con.execute(f"update comparisons set dataset_id = ? where comparison_id in (select comparison_id from {view})",
                    [dataset_id])
    finally:
        con.unregister(view)
    for table in TRUTH_TABLES:
        con.execute(f"delete from {table} where dataset_id = ?", [dataset_id])
    con.execute("update datasets set n_rows = (select count(*) from comparisons where dataset_id = ?) "
                "where dataset_id = ?", [dataset_id, dataset_id])


def write(store: Store, data: SimulatedData) -> SimulationResult:
    """Write generated `data` into `store` in one transaction (nothing if that dataset exists)."""
    from prefbasis.ingest import DatasetMeta, write_comparisons

    cfg = data.config
    meta = DatasetMeta(name=cfg.dataset_name, source=dataset_source(cfg, data), format=FORMAT,
                       params={"simulate": cfg.as_dict()})
    dataset_id = meta.dataset_id   # a hash of the metadata: worked out once, not per row
    ann = data.annotations
    result = SimulationResult(dataset_id, cfg.dataset_name, len(data.comparisons), len(ann),
                              int(ann["paraphrase"].nunique()), len(data.categories), len(data.topics["planted_topic"].unique()),
                              cfg.n_models, cfg.n_judges, added=False)
    exists = store.scalar("select count(*) from datasets where dataset_id = ?", [dataset_id])
    if exists:
        return result
    record_cols = ["source_key", "prompt", "response_a", "response_b", "winner", "model_a", "model_b",
                   "judge", "rationale", "presented_order"]
    # the source key names the dataset, so two simulations never share comparison ids
    rows = pa.Table.from_pandas(data.comparisons[record_cols], preserve_index=False).to_pylist()  # nulls: None
    records = [dict(r, source_key=f"{dataset_id}:{i}", language="en", turns=1) for i, r in enumerate(rows)]
    with store.transaction() as con:
        written = write_comparisons(con, meta, records)
        ids = pd.Series(written.ids)
        if written.duplicates:  # ids embed the dataset id: only leftovers of this very dataset collide
            _clear_leftovers(con, dataset_id, written.ids)
        comp_id = ids.to_numpy()[ann["comparison"].to_numpy()]
        if cfg.oracle_annotations:
            ann_rows = pd.DataFrame({
                "annotation_id": [annotation_id(dataset_id, c, p) for c, p in zip(comp_id, ann["position"])],
                "comparison_id": comp_id, "preference": ann["preference"], "description": ann["description"],
                "topic": ann["topic"], "annotator": ANNOTATOR})
            _insert(con, "annotations", ann_rows, tuple(ann_rows.columns))
        frames = {
            "planted_descriptions": data.descriptions,
            "planted_categories": data.categories,
            "planted_model_strengths": data.strengths,
            "planted_judges": data.judges,
            "planted_topics": data.topics,
            "planted_comparisons": data.comparisons[["planted_category", "planted_topic"]].assign(comparison_id=ids),
            "planted_mentions": data.mentions.assign(comparison_id=ids.to_numpy()[data.mentions["comparison"].to_numpy()]),
        }
        for table, frame in progress(frames.items(), total=len(frames), desc="simulate: truth", unit="table"):
            _insert(con, table, frame.assign(dataset_id=dataset_id), TRUTH_TABLES[table])
    result.added = True
    return result


def simulate(store: Store, config: SimulationConfig | None = None) -> SimulationResult:
    """Generate a planted-basis dataset with `config` and write it to `store` (see module doc)."""
    return write(store, generate(config or SimulationConfig()))

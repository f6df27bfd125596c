"""Bulk-write a dataset and its comparisons: content-hash ids, dedup, `datasets.n_rows`.

Used by `ingest` and by any stage that makes comparisons (the simulator). The rows go in as one
Arrow table registered in DuckDB and an anti-join on existing ids, not row by row.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> meta = DatasetMeta(name="demo", source="memory", format="simulated")
    >>> recs = [Record("r1", "Sky?", "Blue", "Green", "a"), Record("r2", "Sky?", "Blue", "Green", "a")]
    >>> (write_comparisons(store, meta, recs).added, write_comparisons(store, meta, recs).duplicates)
    (2, 2)
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from prefbasis.hashing import content_hash
from prefbasis.ingest.records import Record, dumps

COLUMNS = ("comparison_id", "dataset_id", "prompt", "response_a", "response_b", "model_a", "model_b",
           "winner", "judge", "language", "turns", "rationale", "presented_order", "source_key", "extra")
RECORD_COLUMNS = ("source_key", "prompt", "response_a", "response_b", "winner", "model_a", "model_b",
                  "judge", "language", "turns", "rationale", "presented_order", "extra")


@dataclass
class DatasetMeta:
    """A dataset row: its id is the content hash of (name, source, format)."""

    name: str
    source: str
    format: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def dataset_id(self) -> str:
        return content_hash(self.name, self.source, self.format)


@dataclass
class WriteResult:
    """What a write did; `ids[i]` is the comparison_id of the i-th input record."""

    dataset_id: str
    added: int
    duplicates: int
    ids: list[str]


def comparison_id(fmt: str, r: Record) -> str:
    """Content hash of the row identity and content: same row twice -> same id."""
    return content_hash(fmt, r.source_key, r.prompt, r.response_a, r.response_b, r.model_a, r.model_b,
                        r.winner, r.judge)


def _as_record(r: Record | Mapping[str, Any]) -> Record:
    return r if isinstance(r, Record) else Record(**r)


def records_table(records: Iterable[Record | Mapping[str, Any]]):
    """Records as an Arrow table with the `Record` columns (`extra` as JSON text)."""
    import pyarrow as pa

    recs = [_as_record(r) for r in records]
    cols: dict[str, list[Any]] = {name: [getattr(r, name) for r in recs] for name in RECORD_COLUMNS}
    cols["extra"] = [dumps(r.extra) for r in recs]
    cols["turns"] = [None if t is None else int(t) for t in cols["turns"]]
    schema = pa.schema([(c, pa.int32() if c == "turns" else pa.string()) for c in RECORD_COLUMNS])
    return pa.table(cols, schema=schema)


ID_FIELDS = ("source_key", "prompt", "response_a", "response_b", "model_a", "model_b", "winner", "judge")
_ID_CHUNK = 16_384  # rows per DuckDB to_json batch (bounds the memory of the JSON text)


def table_ids(fmt: str, table, con: Any = None) -> list[str]:
    """`comparison_id` of every row of a records table (same as `comparison_id` on a Record)."""
    return id_array(fmt, table, con).to_pylist()


def id_array(fmt: str, table, con: Any = None):
    """`comparison_id` of every row of a records table as an Arrow string array.

    The same ids as `comparison_id(fmt, record)`, i.e. `content_hash` (SHA-256 of the compact JSON
    list) of the ID_FIELDS, with the JSON text made by DuckDB's `to_json` (vectorized) and hashed by
    `hashlib`. `to_json` writes exactly Python's `json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))` for a list of strings and nulls (checked over every code point in
    tests/test_ingest_formats.py) except that it spells some control characters' escapes in
    upper-case hex (`\\u001B`); rows whose JSON has any `\\u00` escape are hashed by `content_hash`.
    `con`: a DuckDB connection to use (default: a private in-memory one).
    """
    import hashlib

    import duckdb
    import pyarrow as pa

    own = con is None
    con = duckdb.connect() if own else con
    view = "_prefbasis_id_rows"
    cols = ", ".join(f'"{c}"' for c in ID_FIELDS)
    sql = f"select to_json([?::varchar, {cols}])::varchar from {view}"
    rows = table.select(list(ID_FIELDS))
    sha256 = hashlib.sha256
    ids: list[str] = []
    try:
        for start in range(0, rows.num_rows, _ID_CHUNK):
            chunk = rows.slice(start, _ID_CHUNK)
            con.register(view, chunk)
            try:
                texts = con.sql(sql, params=[fmt]).to_arrow_table().column(0).to_pylist()
            finally:
                con.unregister(view)
            for i, text in enumerate(texts):
                if "\\u00" in text:  # an escape DuckDB may spell differently: hash in Python
                    ids.append(content_hash(fmt, *chunk.slice(i, 1).to_pylist()[0].values()))
                else:
                    ids.append(sha256(text.encode()).hexdigest()[:32])
    finally:
        if own:
            con.close()
    return pa.array(ids, pa.string())


def write_comparisons(store_or_con: Any, meta: DatasetMeta, records: Iterable[Record | Mapping[str, Any]] | Any
                      ) -> WriteResult:
    """Insert `records` under the dataset `meta` (created or updated); existing ids are skipped.

    `records`: `Record`s, dicts of Record fields, or an Arrow table of the Record columns.
    `store_or_con` is a `Store` (a transaction of its own) or a DuckDB connection inside the
    caller's transaction. Returns added / duplicate counts and the id of every input record.
    """
    import pyarrow as pa

    if hasattr(store_or_con, "transaction"):
        with store_or_con.transaction() as con:
            return write_comparisons(con, meta, records)
    con = store_or_con
    table = records if isinstance(records, pa.Table) else records_table(records)
    dataset_id = meta.dataset_id
    id_col = id_array(meta.format, table, con)
    ids = id_col.to_pylist()
    n = table.num_rows
    seen: set[str] = set()
    first = [not (i in seen or seen.add(i)) for i in ids]  # the same row twice in one input: once
    table = table.append_column("comparison_id", id_col)
    if len(seen) < n:
        table = table.filter(pa.array(first))
    view = "_prefbasis_new_comparisons"
    con.register(view, table)
    try:
        cols = ", ".join(f"n.{c}" if c != "dataset_id" else "?" for c in COLUMNS)
        added = con.execute(
            f"insert into comparisons ({', '.join(COLUMNS)}) select {cols} from {view} n "
            f"anti join comparisons c on c.comparison_id = n.comparison_id", [dataset_id]).fetchone()[0]
    finally:
        con.unregister(view)
    params = dumps(meta.params or {})
    if con.execute("select count(*) from datasets where dataset_id = ?", [dataset_id]).fetchone()[0]:
        con.execute("update datasets set params = ? where dataset_id = ?", [params, dataset_id])
    else:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows, params) "
                    "values (?, ?, ?, ?, 0, ?)", [dataset_id, meta.name, meta.source, meta.format, params])
    con.execute("update datasets set n_rows = (select count(*) from comparisons where dataset_id = ?) "
                "where dataset_id = ?", [dataset_id, dataset_id])
    return WriteResult(dataset_id, int(added), n - int(added), ids)

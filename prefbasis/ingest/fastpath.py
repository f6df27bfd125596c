"""Vectorized reading of large Chatbot Arena JSONL / Parquet files (Arrow + DuckDB, not row by row).

`arena_records` parses a whole `arena` / `arena-100k` file with pyarrow's multi-threaded JSON (or
Parquet) reader and extracts prompt, responses, turns and `extra` in one DuckDB query. It returns
None whenever the file does not fit the fast path (another layout, a type it does not expect,
any row that fails a check); the caller then uses the row-by-row parser, which names the exact
file, line and field of the problem. Both paths give the same comparison ids.

Example:
    >>> from pathlib import Path
    >>> arena_records(Path("missing.csv"), ("question_id",)) is None
    True
"""
from __future__ import annotations

from pathlib import Path

from prefbasis.ingest.records import WINNER_VALUES, Record

_CORE = ("question_id", "id", "model_a", "model_b", "winner", "judge", "conversation_a",
         "conversation_b", "turn", "language")


def _read_arrow(path: Path):
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    name = path.name.lower()
    if name.endswith(".parquet"):
        return pq.read_table(path)
    if name.endswith((".jsonl", ".ndjson")):
        return pj.read_json(path)
    if name.endswith(".jsonl.gz"):
        with pa.input_stream(str(path), compression="gzip") as fh:
            return pj.read_json(fh)
    return None


def _sql(columns: list[str], id_col: str) -> str:
    extras = [c for c in columns if c not in _CORE]
    first = "list_filter({c}, lambda m: lower(m.role) in ('user', 'human'))"
    reply = "list_filter({c}, lambda m: lower(m.role) in ('assistant', 'gpt', 'model', 'bot'))[1].content"
    extra = "to_json(struct_pack({}))".format(", ".join(f'"{c}" := "{c}"' for c in extras)) \
        if extras else "'{}'::json"
    return f"""
        select cast("{id_col}" as varchar) as source_key, model_a, model_b, winner,
               {"judge" if "judge" in columns else "null"} as judge,
               {"language" if "language" in columns else "null"} as language,
               coalesce({first.format(c='conversation_a')}[1].content,
                        {first.format(c='conversation_b')}[1].content) as prompt,
               {reply.format(c='conversation_a')} as response_a,
               {reply.format(c='conversation_b')} as response_b,
               coalesce({"try_cast(turn as integer)" if "turn" in columns else "null"},
                        greatest(len({first.format(c='conversation_a')}),
                                 len({first.format(c='conversation_b')}), 1)) as turns,
               json_merge_patch({extra}, to_json(struct_pack(
                   winner_raw := case when lower(winner) in ('tie (bothbad)', 'both_bad', 'tie (both bad)')
                                      then winner end,
                   conversation_a := case when turns > 1 then conversation_a end,
                   conversation_b := case when turns > 1 then conversation_b end))) as extra
        from _prefbasis_arena_src"""


def arena_records(path: Path, id_fields: tuple[str, ...]) -> list[Record] | None:
    """All records of an arena-format file, or None when the row-by-row parser must decide."""
    import duckdb

    try:
        table = _read_arrow(path)
    except Exception:  # any parse or type problem: the row parser reports it precisely
        return None
    if table is None:
        return None
    columns = table.column_names
    id_col = next((c for c in id_fields if c in columns), None)
    if id_col is None or not {"model_a", "model_b", "winner", "conversation_a", "conversation_b"} <= set(columns):
        return None
    con = duckdb.connect()
    try:
        con.register("_prefbasis_arena_src", table)
        result = con.sql(_sql(columns, id_col)).to_arrow_table()
    except duckdb.Error:
        return None
    finally:
        con.close()
    del table
    out = []
    winners = WINNER_VALUES
    for key, ma, mb, w, judge, lang, prompt, ra, rb, turns, extra in zip(
            *(result.column(k).to_pylist() for k in ("source_key", "model_a", "model_b", "winner", "judge", "language",
                                         "prompt", "response_a", "response_b", "turns", "extra"))):
        winner = winners.get(w.strip().lower()) if isinstance(w, str) else None
        if (winner is None or key is None or not isinstance(prompt, str) or not prompt.strip()
                or not isinstance(ra, str) or not ra.strip() or not isinstance(rb, str) or not rb.strip()):
            return None
        out.append(Record(key, prompt, ra, rb, winner, ma, mb, judge, lang, int(turns), None,
                          None if extra == "{}" else extra))
    return out

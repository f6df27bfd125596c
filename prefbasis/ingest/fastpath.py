"""Vectorized reading of large Chatbot Arena JSONL / Parquet files (Arrow + DuckDB, not row by row).

`arena_table` reads a whole `arena` / `arena-100k` file with pyarrow's multi-threaded JSON (or
Parquet) reader and extracts prompt, responses, winner, turns and `extra` in one DuckDB query,
returning an Arrow table with the `Record` columns. It returns None whenever the file does not
fit the fast path (another layout, an unexpected type, any row that fails a check: unknown winner,
blank prompt or response, missing id); the caller then uses the row-by-row parser, which names the
exact file, line and field of the problem. Both paths give the same comparison ids.

Example:
    >>> from pathlib import Path
    >>> arena_table(Path("missing.csv"), ("question_id",)) is None
    True
"""
from __future__ import annotations

from pathlib import Path

from prefbasis.ingest.records import WINNER_VALUES
from prefbasis.ingest.writer import RECORD_COLUMNS

_CORE = ("question_id", "id", "model_a", "model_b", "winner", "judge", "conversation_a",
         "conversation_b", "turn", "language")
# Blank as Python's str.strip() sees it: no character outside whitespace, Unicode separators,
# \x1c-\x1f and \x85 (the search stops at the first visible character).
_BLANK = r"(({c}) is null or not regexp_matches({c}, '[^\s\p{{Z}}\x{{1c}}-\x{{1f}}\x{{85}}]'))"


def _read_arrow(path: Path):
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    name = path.name.lower()
    options = pj.ReadOptions(block_size=8 << 20)  # rows up to 8 MiB; longer ones take the row path
    if name.endswith(".parquet"):
        return pq.read_table(path)
    if name.endswith((".jsonl", ".ndjson")):
        return pj.read_json(path, read_options=options)
    if name.endswith(".jsonl.gz"):
        with pa.input_stream(str(path), compression="gzip") as fh:
            return pj.read_json(fh, read_options=options)
    return None


def _sql(columns: list[str], id_col: str) -> str:
    extra_fields = "".join(f'"{c}" := "{c}", ' for c in columns if c not in _CORE)
    users = "list_filter({c}, lambda m: lower(m.role) in ('user', 'human'))"
    reply = "list_filter({c}, lambda m: lower(m.role) in ('assistant', 'gpt', 'model', 'bot'))[1].content"
    winner = "case lower(trim(winner)) {} end".format(
        " ".join(f"when '{k}' then '{v}'" for k, v in WINNER_VALUES.items()))
    ties = ", ".join(f"'{k}'" for k, v in WINNER_VALUES.items() if v == "tie" and k != "tie")
    return f"""
        with src as (
            select *, {users.format(c='conversation_a')} as _users_a, {users.format(c='conversation_b')} as _users_b
            from _prefbasis_arena_src)
        select cast("{id_col}" as varchar) as source_key,
               coalesce(_users_a[1].content, _users_b[1].content) as prompt,
               {reply.format(c='conversation_a')} as response_a,
               {reply.format(c='conversation_b')} as response_b,
               {winner} as winner, cast(model_a as varchar) as model_a, cast(model_b as varchar) as model_b,
               {"cast(judge as varchar)" if "judge" in columns else "null::varchar"} as judge,
               {"cast(language as varchar)" if "language" in columns else "null::varchar"} as language,
               coalesce({"try_cast(turn as integer)" if "turn" in columns else "null"},
                        greatest(len(_users_a), len(_users_b), 1))::integer as turns,
               null::varchar as rationale, null::varchar as presented_order,
               to_json(struct_pack({extra_fields}
                   winner_raw := case when lower(winner) in ({ties}) then winner end,
                   conversation_a := case when turns > 1 then conversation_a end,
                   conversation_b := case when turns > 1 then conversation_b end))::varchar as extra
        from src"""


def arena_table(path: Path, id_fields: tuple[str, ...]):
    """All records of an arena-format file as an Arrow table, or None (use the row parser)."""
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
        con.register("_prefbasis_arena_out", result)
        bad = con.execute(
            "select count(*) from _prefbasis_arena_out where source_key is null or winner is null or "
            + " or ".join(_BLANK.format(c=c) for c in ("prompt", "response_a", "response_b"))).fetchone()[0]
    except duckdb.Error:
        return None
    finally:
        con.close()
    return None if bad else result.select(list(RECORD_COLUMNS))

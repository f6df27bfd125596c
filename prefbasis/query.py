"""Run read-only SQL against the store, with named parameters bound by DuckDB (never pasted).

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> int(run_query(store, "select $n + 1 as x", {"n": "41"}).x[0])
    42
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import re

import duckdb

from prefbasis.errors import QueryError
from prefbasis.store import Store, sql_path

# Statement types a query may run: anything else would write.
_READ_ONLY = {"SELECT", "EXPLAIN", "PRAGMA", "RELATION"}


def coerce_param(value: str) -> Any:
    """'3' -> 3, '0.5' -> 0.5, 'null' -> None, else the string itself."""
    if value.lower() == "null":
        return None
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


_DECLARED = re.compile(r"^--\s+\$(\w+)(?:\s*=\s*(\S+))?", re.M)


def declared_params(sql: str) -> dict[str, Any]:
    r"""Parameters a canned query declares in its header: `--   $name = default   text` (a default)
    or `--   $name   text` (required, mapped to `REQUIRED`).

    >>> declared_params("-- Parameters:\n--   $model   the model\n--   $limit = 5   rows\nselect 1")
    {'model': <required>, 'limit': 5}
    """
    out: dict[str, Any] = {}
    for name, default in _DECLARED.findall(sql):
        out[name] = REQUIRED if not default else coerce_param(default)
    return out


class _Required:
    def __repr__(self) -> str:
        return "<required>"


REQUIRED = _Required()


def resolve_sql_file(name: str) -> Path:
    """A path as given, else a canned query shipped in `sql/queries/` (with or without `.sql`)."""
    path = Path(name)
    if path.exists():
        return path
    stem = path.name if path.name.endswith(".sql") else path.name + ".sql"
    shipped = sql_path("queries", stem)
    if shipped.exists():
        return shipped
    raise QueryError(f"no SQL file {name} (and no canned query {stem} in {sql_path('queries')})")


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    """The parsed statements; QueryError if any would write."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    if not statements:
        raise QueryError("no SQL statement given")
    for st in statements:
        kind = str(st.type).split(".")[-1].upper()
        if kind not in _READ_ONLY:
            raise QueryError(f"query is read-only: a {kind} statement would change the store; "
                             "prefbasis commands write it (ingest, annotate, extract, ...)")
    return statements


def run_query(store: Store, sql: str, params: dict[str, str] | None = None):
    """Run `sql` (one or more read-only statements) and return the last result as a DataFrame."""
    try:
        return execute_query(store, sql, params).df()
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None


def execute_query(store: Store, sql: str, params: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
    """Like `run_query`, but the last statement's DuckDB result, unfetched (no pandas needed:
    `prefbasis query` prints `fetchall()` rows, so `query "select 1"` starts fast)."""
    statements = check_read_only(store.con, sql)
    given = {k: coerce_param(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
    declared = declared_params(sql)
    bound = {k: v for k, v in declared.items() if v is not REQUIRED} | given
    used = {n for st in statements for n in (getattr(st, "named_parameters", None) or [])}
    unknown = set(given) - used - set(declared)
    if unknown:
        raise QueryError(f"unknown parameter(s): {', '.join(sorted(unknown))}; this SQL takes "
                         f"{', '.join(sorted(used | set(declared))) or 'none'}")
    result = None
    try:
        for st in statements:
            names = set(getattr(st, "named_parameters", None) or [])
            mine = {k: v for k, v in bound.items() if not names or k in names}
            missing = names - set(mine)
            if missing:
                raise QueryError(f"missing parameter(s): {', '.join(sorted(missing))} "
                                 "(pass --param NAME=VALUE)")
            rel = store.con.execute(st.query, mine) if names else store.con.execute(st.query)
            result = rel
        return result
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None

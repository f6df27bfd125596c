"""Run read-only SQL against the store, with named parameters bound by DuckDB (never pasted).

User SQL is checked twice over (docs/security.md): only plain reads pass the statement allow-list
(`prefbasis.sqlcheck`), and they run on a connection locked by DuckDB's own settings
(`prefbasis.store.lockdown`: no file writes outside the allow-list, no extensions, no network, no
configuration changes; with `no_files` not a single file outside the store).
`open_query_store` opens the store read-only and locked from the start (what `prefbasis query`
does); `run_query` on any other store locks that store's DuckDB instance for good first.

Example:
    >>> store = open_query_store(":memory:")
    >>> int(run_query(store, "select $n + 1 as x", {"n": "41"}).x[0])
    42
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from prefbasis.errors import QueryError
from prefbasis.query_config import QueryConfig
from prefbasis.sqlcheck import read_only_statements
from prefbasis.store import Store, resolve_db_path, sql_path
from prefbasis.store.lockdown import files_allowed, lock_connection


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
    """The parsed statements; QueryError if any is not a plain read (see `prefbasis.sqlcheck`)."""
    return read_only_statements(con, sql)


def open_query_store(db: str | Path | None = None, config: QueryConfig | None = None) -> Store:
    """The store at `db`, opened read-only and locked for user SQL (`QueryConfig.no_files`:
    no file outside the store can be read)."""
    cfg = config or QueryConfig()
    path = resolve_db_path(db)
    store = Store.open(path, read_only=path != ":memory:")
    try:
        lock_connection(store.con, files=not cfg.no_files)
    except BaseException:
        store.close()
        raise
    return store


def locked_for_query(store: Store, config: QueryConfig | None = None) -> None:
    """Lock `store`'s DuckDB instance for user SQL if it is not yet; `QueryError` when it allows
    files but `no_files` is asked (a locked configuration cannot be tightened: open the store
    with `open_query_store(db, QueryConfig(no_files=True))`)."""
    cfg = config or QueryConfig()
    lock_connection(store.con, files=not cfg.no_files)
    if cfg.no_files and files_allowed(store.con):
        raise QueryError("this store's connection was locked with file access; open it with "
                         "open_query_store(db, QueryConfig(no_files=True)) for no_files")


def run_query(store: Store, sql: str, params: dict[str, str] | None = None,
              config: QueryConfig | None = None):
    """Run `sql` (one or more read-only statements) and return the last result as a DataFrame.

    The store's DuckDB instance is locked first (for good: see the module docstring), and a
    writable store runs the SQL inside a transaction that is rolled back.
    """
    return _execute(store, sql, params, config, lambda result: result.df())


def query_rows(store: Store, sql: str, params: dict[str, str] | None = None,
               config: QueryConfig | None = None) -> tuple[list[str], list[tuple]]:
    """`run_query` as (column names, row tuples), without pandas (`prefbasis query` prints these,
    so `query "select 1"` starts fast)."""
    return _execute(store, sql, params, config,
                    lambda result: ([d[0] for d in result.description], result.fetchall()))


def _execute(store: Store, sql: str, params: dict[str, str] | None, config: QueryConfig | None, fetch):
    """Lock, check, bind and run `sql`; `fetch(last result)` inside the (rolled back) transaction."""
    locked_for_query(store, config)
    statements = check_read_only(store.con, sql)
    given = {k: coerce_param(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
    declared = declared_params(sql)
    bound = {k: v for k, v in declared.items() if v is not REQUIRED} | given
    used = {n for st in statements for n in (getattr(st, "named_parameters", None) or [])}
    unknown = set(given) - used - set(declared)
    if unknown:
        raise QueryError(f"unknown parameter(s): {', '.join(sorted(unknown))}; this SQL takes "
                         f"{', '.join(sorted(used | set(declared))) or 'none'}")
    con = store.con.cursor()
    writable = not store.read_only
    try:
        if writable:
            con.begin()
        result = None
        for st in statements:
            names = set(getattr(st, "named_parameters", None) or [])
            mine = {k: v for k, v in bound.items() if not names or k in names}
            missing = names - set(mine)
            if missing:
                raise QueryError(f"missing parameter(s): {', '.join(sorted(missing))} "
                                 "(pass --param NAME=VALUE)")
            result = con.execute(st.query, mine) if names else con.execute(st.query)
        return fetch(result)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    finally:
        if writable:
            try:
                con.rollback()  # nothing a query did stays
            except duckdb.Error:
                pass
        con.close()

"""Lock a DuckDB connection with DuckDB's own settings before it runs a user's SQL.

`lock_connection(con, files=True)` sets, in this order: no extension auto-install/auto-load, no
community or unsigned extensions, an extension directory and repositories that cannot exist (a
path under /dev/null), `allowed_directories = ['/']` (local files stay readable: `read_csv`,
`read_parquet`) or nothing at all with `files=False`, `enable_external_access = false` (no
network, no extension loading, no replacement scans of Python variables; with `files=False` not
a single file outside the store), and last `lock_configuration = true`, so none of it can be
changed back by the SQL. The settings belong to the DuckDB database instance: every connection
to it (cursors included) is locked from then on. Writing files is refused one level up, by the
statement allow-list of `prefbasis.sqlcheck` (DuckDB has no read-only file access setting).

Example:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> lock_connection(con, files=False)
    >>> is_locked(con), files_allowed(con)
    (True, False)
"""
from __future__ import annotations

from typing import Any

_NOWHERE = "/dev/null/prefbasis-no-extensions"  # a directory that cannot be created, even by root

_BEFORE_ACCESS: tuple[tuple[str, Any], ...] = (
    ("autoinstall_known_extensions", False),
    ("autoload_known_extensions", False),
    ("allow_community_extensions", False),
    ("allow_unsigned_extensions", False),
    ("extension_directory", _NOWHERE),
    ("custom_extension_repository", _NOWHERE),
    ("autoinstall_extension_repository", _NOWHERE),
    ("allow_persistent_secrets", False),
)


def _setting(con, name: str) -> Any:
    import duckdb

    try:
        return con.execute("select current_setting(?)::varchar", [name]).fetchall()[0][0]
    except duckdb.Error:  # a setting this DuckDB does not know
        return None


def is_locked(con) -> bool:
    """True when the connection's configuration is locked (`lock_configuration`)."""
    return str(_setting(con, "lock_configuration")).lower() == "true"


def files_allowed(con) -> bool:
    """True when the (locked) connection may still read local files."""
    if str(_setting(con, "enable_external_access")).lower() == "true":
        return True
    entries = str(_setting(con, "allowed_directories") or "").strip("[]").split(", ")
    return "/" in entries  # DuckDB adds its own temp directory to the list: that one does not count


def lock_connection(con, *, files: bool = True) -> None:
    """Lock `con`'s database instance for user SQL (see the module docstring). Idempotent; a
    connection already locked is left as it is (check `files_allowed` for what it permits)."""
    if is_locked(con):
        return
    for name, value in _BEFORE_ACCESS:
        if _setting(con, name) is not None:  # a setting this DuckDB does not know is skipped
            con.execute(f"set {name} = ?", [value])  # names: the constants above
    con.execute("set allowed_directories = ?", [["/"] if files else []])
    con.execute("set allowed_paths = ?", [[]])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")

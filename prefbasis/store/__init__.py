"""The DuckDB store: one file that holds every stage's tables.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> store.schema_version() >= 1
    True
"""
from prefbasis.store.connection import DEFAULT_DB, Store, quote_ident, resolve_db_path
from prefbasis.store.migrations import MIGRATIONS, latest_version
from prefbasis.store.sqlfiles import read_sql, sql_path

__all__ = ["DEFAULT_DB", "MIGRATIONS", "Store", "latest_version", "quote_ident", "read_sql", "resolve_db_path", "sql_path"]

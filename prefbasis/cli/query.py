"""`prefbasis query "SQL" | --file F [--param k=v] [--format table|csv|json|parquet --out PATH] [--no-files]`."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from prefbasis.cli._common import print_frame
from prefbasis.cli.options import add_verb, from_args
from prefbasis.errors import ConfigError
from prefbasis.query_config import QueryConfig
from prefbasis.tables import TableOutput


@dataclass
class QueryInput:
    """The SQL to run (text, or a file / canned query name) and its parameters."""

    sql: str | None = field(default=None, metadata={"positional": True, "help": "the SQL text"})
    file: str | None = field(default=None, metadata={
        "aliases": ["-f"], "help": "read SQL from this file (or a canned query name)"})
    param: dict[str, str] = field(default_factory=dict, metadata={
        "aliases": ["-p"], "metavar": "NAME=VALUE", "split_commas": False,
        "help": "bind $NAME in the SQL (repeatable)"})

    def __post_init__(self) -> None:
        if bool(self.sql) == bool(self.file):
            raise ConfigError("give either SQL text or --file, not both / neither")


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "query", QueryInput, QueryConfig, TableOutput, run=run, help="run read-only SQL on the store",
             description="Run read-only SQL on the store. Canned queries: "
                         "prefbasis query --file sql/queries/NAME.sql (or just NAME).")


def run(args: argparse.Namespace) -> int:
    from prefbasis.query import open_query_store, query_rows, resolve_sql_file, run_query

    query = from_args(QueryInput, args)
    cfg = from_args(QueryConfig, args)
    out = from_args(TableOutput, args)
    sql = resolve_sql_file(query.file).read_text(encoding="utf-8") if query.file else query.sql
    with open_query_store(args.db, cfg) as store:
        if out.format == "table" and not out.out:  # the common case, printed without pandas
            from prefbasis.tables import format_rows

            print(format_rows(*query_rows(store, sql, query.param, cfg)))
            return 0
        df = run_query(store, sql, query.param, cfg)
    print_frame(df, out.format, out.out)
    return 0

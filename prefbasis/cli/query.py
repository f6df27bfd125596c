"""`prefbasis query "SQL" | --file F [--param k=v] [--format table|csv|json|parquet --out PATH]`."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, parse_pairs, print_frame
from prefbasis.errors import ConfigError
from prefbasis.tables import FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run read-only SQL on the store",
                       description="Run read-only SQL on the store. Canned queries: "
                                   "prefbasis query --file sql/queries/NAME.sql (or just NAME).")
    p.add_argument("sql", nargs="?", help="the SQL text")
    p.add_argument("--file", "-f", help="read SQL from this file (or a canned query name)")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="bind $NAME in the SQL (repeatable)")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--out", help="write the result here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.query import execute_query, resolve_sql_file, run_query

    if bool(args.sql) == bool(args.file):
        raise ConfigError("give either SQL text or --file, not both / neither")
    sql = resolve_sql_file(args.file).read_text(encoding="utf-8") if args.file else args.sql
    params = parse_pairs(args.param, "--param", split_commas=False)
    with open_store(args, read_only=True) as store:
        if args.format == "table" and not args.out:  # the common case, without pandas
            import duckdb

            from prefbasis.errors import QueryError
            from prefbasis.tables import format_rows

            try:
                result = execute_query(store, sql, params)
                text = format_rows([d[0] for d in result.description], result.fetchall())
            except duckdb.Error as exc:
                raise QueryError(str(exc)) from None
            print(text)
            return 0
        df = run_query(store, sql, params)
    print_frame(df, args.format, args.out)
    return 0

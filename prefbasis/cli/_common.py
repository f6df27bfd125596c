"""Helpers shared by the verb modules: running a stage on the store, chatter, printing tables."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prefbasis.store import Store


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> "Store":
    """The store named by the global `--db` (or `$PREFBASIS_DB`, or ./prefbasis.duckdb)."""
    from prefbasis.store import Store

    return Store.open(args.db, read_only=read_only)


def run_stage(args: argparse.Namespace, config_cls: type, stage: Callable[["Store", Any], Any], *,
              read_only: bool = False, **overrides: Any) -> Any:
    """`stage(store, cfg)`: the config from the parsed options, the store named by `--db`.

    Example: `result = run_stage(args, IngestConfig, ingest)`; then the verb prints `result`.
    """
    from prefbasis.cli.options import from_args

    cfg = from_args(config_cls, args, **overrides)
    with open_store(args, read_only=read_only) as store:
        return stage(store, cfg)


def say(args: argparse.Namespace, text: str) -> None:
    """Chatter on stderr, silenced by --quiet. Results go to stdout with print()."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def print_frame(df, fmt="table", out: str | None = None) -> None:
    """Print or write a DataFrame as table, csv, json or parquet."""
    from prefbasis.tables import write_frame

    write_frame(df, fmt, out)

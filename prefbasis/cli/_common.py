"""Helpers shared by the verb modules: opening the store, chatter, printing tables."""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefbasis.store import Store


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> "Store":
    """The store named by the global `--db` (or `$PREFBASIS_DB`, or ./prefbasis.duckdb)."""
    from prefbasis.store import Store

    return Store.open(args.db, read_only=read_only)


def say(args: argparse.Namespace, text: str) -> None:
    """Chatter on stderr, silenced by --quiet. Results go to stdout with print()."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def print_frame(df, fmt="table", out: str | None = None) -> None:
    """Print or write a DataFrame as table, csv, json or parquet."""
    from prefbasis.tables import write_frame

    write_frame(df, fmt, out)

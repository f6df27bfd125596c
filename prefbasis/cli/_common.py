"""Helpers shared by the verb modules: opening the store, printing tables, parsing key=value."""
from __future__ import annotations

import argparse
import sys

from typing import TYPE_CHECKING

from prefbasis.errors import ConfigError

if TYPE_CHECKING:
    from prefbasis.store import Store


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> "Store":
    """The store named by the global `--db` (or `$PREFBASIS_DB`, or ./prefbasis.duckdb)."""
    from prefbasis.store import Store  # here, not at import: `prefbasis --help` loads no duckdb

    return Store.open(args.db, read_only=read_only)


def say(args: argparse.Namespace, text: str) -> None:
    """Chatter on stderr, silenced by --quiet. Results go to stdout with print()."""
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def parse_pairs(items: list[str] | None, option: str, *, split_commas: bool = True) -> dict[str, str]:
    """['a=1,c=2', 'b=x'] -> {'a': '1', 'c': '2', 'b': 'x'}; a clear error for an item without '='."""
    out: dict[str, str] = {}
    for item in items or []:
        for part in (item.split(",") if split_commas else [item]):
            if not part:
                continue
            if "=" not in part:
                raise ConfigError(f"{option} expects NAME=VALUE, got {part!r}")
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def print_frame(df, fmt: str = "table", out: str | None = None) -> None:
    """Print or write a DataFrame as table, csv, json or parquet."""
    from prefbasis.tables import write_frame

    write_frame(df, fmt, out)

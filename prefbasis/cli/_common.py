"""Helpers shared by the verb modules: opening the store, printing tables, parsing key=value."""
from __future__ import annotations

import argparse
import dataclasses
import sys
from enum import Enum

from prefbasis.errors import ConfigError
from prefbasis.store import Store


def open_store(args: argparse.Namespace, *, read_only: bool = False) -> Store:
    """The store named by the global `--db` (or `$PREFBASIS_DB`, or ./prefbasis.duckdb)."""
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


def add_config_options(parser: argparse.ArgumentParser, config_cls: type, names: list[str] | None = None) -> None:
    """Add a `--flag` for each field of the dataclass `config_cls` (or only `names`), from the
    field itself: its default, type, choices (a str enum) and `metadata["help"]`. A bool field
    that defaults to False becomes a switch; its flag is the field name with '-' for '_'."""
    for f in dataclasses.fields(config_cls):
        if names is not None and f.name not in names:
            continue
        flag = "--" + f.name.replace("_", "-")
        help_text = f.metadata.get("help")
        default = f.default
        if isinstance(default, bool):
            parser.add_argument(flag, action="store_true", default=default, help=help_text)
        elif isinstance(default, Enum):
            choices = [m.value for m in type(default)]
            parser.add_argument(flag, default=default.value, choices=choices,
                                help=f"{help_text} (default: {default.value})")
        else:
            parser.add_argument(flag, default=default, type=type(default) if default is not None else str,
                                help=help_text)

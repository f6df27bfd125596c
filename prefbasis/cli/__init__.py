"""`prefbasis` command line: parsing and printing only; the work is in the library.

Each verb lives in its own module here with ``register(subparsers)`` that adds a parser generated
from the stage's config dataclass (`prefbasis.cli.options`) whose default ``func(args) -> int`` runs
it. Heavy libraries are imported inside those functions, so building the parser stays fast.

Example:
    >>> main(["--version"])  # doctest: +SKIP
    prefbasis 0.1.0
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from prefbasis import __version__
from prefbasis.errors import PrefbasisError

# Verb modules, in the order `prefbasis --help` lists them (the pipeline's order).
VERB_MODULES = [
    "ingest", "annotate", "embed", "extract", "show", "profile", "simulate", "query", "pelo",
    "export_dpo", "train", "evaluate", "report", "demo",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prefbasis",
        description="Find the canonical basis of human preferences in pairwise data; "
                    "rate models by it (pElo); fine-tune on it (DPO + LoRA).")
    parser.add_argument("--db", default=None, metavar="PATH",
                        help="the DuckDB store (default: $PREFBASIS_DB, else ./prefbasis.duckdb)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars or chatter")
    parser.add_argument("--version", action="version", version=f"prefbasis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in VERB_MODULES:  # a verb module that fails to import is an error, never a missing verb
        importlib.import_module(f"prefbasis.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.quiet:
        os.environ["PREFBASIS_QUIET"] = "1"
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except PrefbasisError as exc:
        print(f"prefbasis {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"prefbasis {args.command}: interrupted; finished work is saved, run again to resume",
              file=sys.stderr)
        return 130


def entry() -> None:
    sys.exit(main())

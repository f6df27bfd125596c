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
import dataclasses
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prefbasis import __version__
from prefbasis.cli.options import add_options, from_args
from prefbasis.errors import PrefbasisError

# Verb modules, in the order `prefbasis --help` lists them (the pipeline's order).
VERB_MODULES = [
    "ingest", "annotate", "embed", "extract", "show", "profile", "simulate", "query", "pelo",
    "export_dpo", "train", "evaluate", "report", "demo",
]


@dataclass
class GlobalOptions:
    """Options every verb takes (given before the verb)."""

    db: str | None = field(default=None, metadata={
        "metavar": "PATH", "help": "the DuckDB store (default: $PREFBASIS_DB, else ./prefbasis.duckdb)"})
    quiet: bool = field(default=False, metadata={"aliases": ["-q"], "help": "no progress bars or chatter"})


def _verb_in(argv: Sequence[str]) -> str | None:
    """The verb module `argv` names (global options skipped), or None (help, version, a typo).

    Example:
        >>> _verb_in(["--db", "x.duckdb", "-q", "export-dpo", "--category", "1"])
        'export_dpo'
    """
    takes_value = {"--db"}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in takes_value:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        module = token.replace("-", "_")
        return module if module in VERB_MODULES else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (`only`: a verb module) the parser with that one verb: a command line
    that names its verb imports and builds nothing else (`prefbasis query` starts faster)."""
    parser = argparse.ArgumentParser(
        prog="prefbasis",
        description="Find the canonical basis of human preferences in pairwise data; "
                    "rate models by it (pElo); fine-tune on it (DPO + LoRA).")
    add_options(parser, GlobalOptions)
    parser.add_argument("--version", action="version", version=f"prefbasis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only else VERB_MODULES:  # a verb module that fails to import is an error
        importlib.import_module(f"prefbasis.cli.{name}").register(sub)
    return parser


def _remove_if_new_and_empty(path: str) -> None:
    """A store file this failed command created, holding nothing but the schema, is removed (with
    its WAL), so a mistyped --db leaves no empty store behind."""
    from prefbasis.store import Store

    try:
        with Store.open(path, migrate=False) as store:
            empty = not any(n for t, n in store.table_counts().items() if t != "schema_migrations")
    except PrefbasisError:
        return
    if empty:
        for leftover in (Path(path), Path(path + ".wal")):
            leftover.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=_verb_in(argv))
    args = parser.parse_args(argv)
    vars(args).update(dataclasses.asdict(from_args(GlobalOptions, args)))
    if args.quiet:
        os.environ["PREFBASIS_QUIET"] = "1"
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from prefbasis.store import resolve_db_path   # here: `--help` loads no duckdb

    db = resolve_db_path(args.db)
    new_store = db != ":memory:" and not Path(db).exists()
    code = 1
    try:
        code = int(args.func(args) or 0)
    except PrefbasisError as exc:
        print(f"prefbasis {args.command}: error: {exc}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        print(f"prefbasis {args.command}: interrupted; finished work is saved, run again to resume",
              file=sys.stderr)
        code = 130
    finally:  # also when an unexpected error propagates (code stays 1)
        if code != 0 and new_store and Path(db).exists():
            _remove_if_new_and_empty(db)
    return code


def entry() -> None:
    """The console script. Before the interpreter exits, `gc.freeze()` takes everything alive out of
    its final garbage collection: with torch, scikit-learn and pandas imported that collection took
    0.7-0.9 s of a command's wall time (2-core VM; benchmarks/RESULTS.md, make demo), for memory the
    process is about to give back anyway. Nothing is skipped that matters: the store was closed and
    its work committed inside `main`, and atexit handlers and reference-counted finalizers still run.
    The description stage's idle worker processes are ended at once (`end_workers`) for the same
    reason. `main()` (the API notebooks and tests call) does neither."""
    code = main()
    import gc

    if "prefbasis.annotate.backends.rationale" in sys.modules:   # its worker processes, if any started
        sys.modules["prefbasis.annotate.backends.rationale"].end_workers()
    gc.freeze()
    sys.exit(code)

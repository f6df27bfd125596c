"""`prefbasis ingest SOURCE --format F [--name N] [--english] [--no-ties] [--single-turn] [--map k=v,...]
[--on-bad-rows error|skip]`, or `prefbasis ingest --example prd-vicuna80` (a dataset that ships with
prefbasis)."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import add_config_options, open_store, parse_pairs, say

FORMATS = ("arena", "arena-kaggle", "arena-100k", "hh-rlhf", "trl", "prd", "table")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest", help="load pairwise preference data into the store",
        description="Load pairwise preference data (a file, the PRD folder, or a Hugging Face "
                    "dataset id owner/name[:split]) into the store. Ingesting the same data again "
                    "adds nothing. See docs/ingest.md for each format.")
    p.add_argument("source", metavar="SOURCE", nargs="?",
                   help="file (jsonl, jsonl.gz, json, csv, parquet), folder, or HF id")
    p.add_argument("--format", "-F", choices=FORMATS, help="the upstream format")
    p.add_argument("--example", metavar="NAME",
                   help="a dataset that ships with prefbasis instead of SOURCE: prd-vicuna80 (format prd)")
    p.add_argument("--name", help="dataset name (default: the file or folder name)")
    p.add_argument("--english", action="store_true", help="drop rows whose language is not English")
    p.add_argument("--no-ties", action="store_true", help="drop ties (tie and tie (bothbad))")
    p.add_argument("--single-turn", action="store_true", help="drop rows with more than one user turn")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN,...",
                   help="--format table: column of each field, and winner.a/b/tie=VALUE|VALUE")
    from prefbasis.ingest.api import IngestConfig

    add_config_options(p, IngestConfig)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.ingest import ingest

    from prefbasis.errors import ConfigError

    mapping = parse_pairs(args.map, "--map") or None
    source, fmt, name = args.source, args.format, args.name
    if args.example:
        from prefbasis.datasets import example_path

        if source:
            raise ConfigError("give SOURCE or --example, not both")
        folder, fmt_example = example_path(args.example)
        source, fmt, name = str(folder), fmt or fmt_example, name or args.example
    if not source or not fmt:
        raise ConfigError("give SOURCE with --format F (or --example NAME)")
    with open_store(args) as store:
        report = ingest(store, source, fmt, name=name, english=args.english,
                        no_ties=args.no_ties, single_turn=args.single_turn, mapping=mapping,
                        on_bad_rows=args.on_bad_rows)
    say(args, f"dataset {report.name} ({report.dataset_id})")
    print(f"read {report.total_read} rows: added {report.added}, duplicates {report.duplicates}"
          + (f", rejected {len(report.rejected)}" if report.rejected else ""))
    for key, count in report.removed.items():
        print(f"filter --{key.replace('_', '-')}: removed {count}")
    for note in report.notes:
        print(note)
    for line in report.rejected_lines():
        print(line)
    return 0

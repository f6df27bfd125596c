"""`prefbasis ingest SOURCE --format F [--name N] [--english] [--no-ties] [--single-turn] [--map k=v,...]
[--on-bad-rows error|skip]`, or `prefbasis ingest --example prd-vicuna80` (a dataset that ships with
prefbasis)."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb
from prefbasis.ingest.config import IngestConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "ingest", IngestConfig, run=run, help="load pairwise preference data into the store",
             description="Load pairwise preference data (a file, the PRD folder, or a Hugging Face "
                         "dataset id owner/name[:split]) into the store. Ingesting the same data again "
                         "adds nothing. See docs/ingest.md for each format.")


def run(args: argparse.Namespace) -> int:
    from prefbasis.ingest import ingest

    report = run_stage(args, IngestConfig, ingest)
    head, _, rest = report.summary().partition("\n")
    say(args, head)
    print(rest)
    return 0

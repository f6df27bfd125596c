"""`prefbasis export-dpo --category C [--basis B] [--topic T] [--min-similarity S] [--out DIR] ...`."""
from __future__ import annotations

import argparse
import json

from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb
from prefbasis.train.config import ExportConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "export-dpo", ExportConfig, run=run, help="export a category's comparisons as a DPO data set",
             description="Winner -> chosen, loser -> rejected, ties dropped; TRL format; train/test split "
                         "by prompt; HF dataset + JSONL + Parquet + card.")


def run(args: argparse.Namespace) -> int:
    from prefbasis.train.export import export_dpo

    res = run_stage(args, ExportConfig, export_dpo)   # writable: the export is recorded in `dpo_exports`
    say(args, f"exported {res.n_pairs} pairs of {res.category!r} ({res.n_train} train / "
              f"{res.n_test} test, {res.n_ties_dropped} ties dropped) to {res.out}")
    print(json.dumps(res.to_dict()))
    return 0

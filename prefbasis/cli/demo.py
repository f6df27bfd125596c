"""`prefbasis demo [--out DIR] [--seed S] [--data SOURCE --format F --annotator A ...]`: the whole chain."""
from __future__ import annotations

import argparse
import time

from prefbasis.cli.options import add_verb
from prefbasis.demo import DemoConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "demo", DemoConfig, run=run, help="run the whole pipeline end to end and write a report",
             description="Offline by default: simulate 21 planted preference categories, embed, extract "
                         "the basis, rate models (pElo), export DPO data for the top category, score the "
                         "basis against the planted truth and write the HTML report. --data/--format run "
                         "it on real data.")


def run(args: argparse.Namespace) -> int:
    from prefbasis.cli._common import run_stage, say
    from prefbasis.demo import format_summary, run_demo

    start = time.perf_counter()
    result = run_stage(args, DemoConfig, run_demo, quiet=args.quiet or None)
    print(format_summary(result))
    say(args, f"demo finished in {time.perf_counter() - start:.1f} s")
    return 0

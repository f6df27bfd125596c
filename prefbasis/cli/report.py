"""`prefbasis report [--basis B] [--out report.html]`: one self-contained HTML report of a basis."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb
from prefbasis.report.config import ReportConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "report", ReportConfig, run=run, help="write the HTML report of a basis (works offline)",
             description="Write one self-contained HTML file (charts inlined, no network) showing a basis: "
                         "curves, categories, map, topics, pElo, DPO runs, card.")


def run(args: argparse.Namespace) -> int:
    from prefbasis.report import build_report

    result = run_stage(args, ReportConfig, build_report, read_only=True)
    if result.missing:
        say(args, f"not in the store yet, left out: {', '.join(result.missing)}")
    print(result.path)
    return 0

"""`prefbasis report [--basis B] [--out report.html]`: one self-contained HTML report of a basis."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the HTML report of a basis (works offline)",
                       description="Write one self-contained HTML file (charts inlined, no network) "
                                   "showing a basis: curves, categories, map, topics, pElo, card.")
    p.add_argument("--basis", "-b", help="basis id, id prefix or name (default: the newest)")
    p.add_argument("--out", "-o", default="report.html", help="where to write it (default: report.html)")
    p.add_argument("--max-points", type=int, default=6000,
                   help="descriptions drawn on the map; a deterministic sample beyond (default 6000)")
    p.add_argument("--title", help="page title (default: the basis name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.report import ReportConfig, build_report

    with open_store(args, read_only=True) as store:
        result = build_report(store, ReportConfig(basis=args.basis, out=args.out,
                                                  max_points=args.max_points, title=args.title))
    if result.missing:
        say(args, f"not in the store yet, left out: {', '.join(result.missing)}")
    print(result.path)
    return 0

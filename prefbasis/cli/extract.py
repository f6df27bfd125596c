"""`prefbasis extract`: select the canonical basis of preferences (and topics) and save it."""
from __future__ import annotations

import argparse

from prefbasis.basis.config import ExtractConfig
from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "extract", ExtractConfig, run=run,
             help="select k canonical preference categories (coverage or NMF)")


def run(args: argparse.Namespace) -> int:
    from prefbasis.basis import extract

    res = run_stage(args, ExtractConfig, extract, quiet=args.quiet or None)
    say(args, f"basis {res.basis_id} ({res.name}): k={res.k}, coverage {res.coverage:.3f}, "
              f"variation explained {res.variation_explained:.3f} (PCA optimum {res.pca_optimum:.3f}), "
              f"unassigned {res.unassigned_share:.3f}, {res.n_descriptions} distinct descriptions")
    if res.other_datasets:
        say(args, f"fit on dataset {res.dataset!r}, the latest annotated; this store has "
                  f"{len(res.other_datasets)} more, left out: {', '.join(map(repr, res.other_datasets[:5]))}"
                  f"{' …' if len(res.other_datasets) > 5 else ''} (--dataset chooses another; --pool A B … fits "
                  f"several together)")
    if res.target_reached is False:
        say(args, f"--k auto: target coverage {res.target:.2f} not reached; returned the largest k computed, "
                  f"k = {res.k} (coverage {res.coverage:.3f}). Lower --target, raise --tau, or look at the "
                  f"unassigned descriptions (sql/queries/uncovered_comparisons.sql).")
    leak = res.leakage
    if leak:
        say(args, f"leakage: content {leak['content_leakage']:.1%} of mentions, topic AMI "
                  f"{_fmt(leak['topic_leakage_ami'])}, effective categories {leak['effective_categories']:.1f}, "
                  f"separation {_fmt(leak['separation'])}, flagged names {len(leak['flagged_names'])}")
    print(res.basis_id)
    return 0

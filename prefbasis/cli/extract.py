"""`prefbasis extract`: select the canonical basis of preferences (and topics) and save it."""
from __future__ import annotations

import argparse

from prefbasis.basis.config import ExtractConfig
from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "extract", ExtractConfig, run=run,
             help="select k canonical preference categories (coverage or NMF)")


def run(args: argparse.Namespace) -> int:
    from prefbasis.basis import extract

    res = run_stage(args, ExtractConfig, extract, quiet=args.quiet or None)
    say(args, f"basis {res.basis_id} ({res.name}): k={res.k}, coverage {res.coverage:.3f}, "
              f"variation explained {res.variation_explained:.3f} (PCA optimum {res.pca_optimum:.3f}), "
              f"unassigned {res.unassigned_share:.3f}, {res.n_descriptions} distinct descriptions")
    print(res.basis_id)
    return 0

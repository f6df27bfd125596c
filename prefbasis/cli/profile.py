"""`prefbasis profile --judge J`: a judge's preference profile over the basis categories."""
from __future__ import annotations

import argparse

from prefbasis.basis.config import ProfileConfig
from prefbasis.cli._common import print_frame, run_stage
from prefbasis.cli.options import add_verb, from_args
from prefbasis.tables import TableOutput


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "profile", ProfileConfig, TableOutput, run=run,
             help="a judge's share of mentions per basis category")


def run(args: argparse.Namespace) -> int:
    from prefbasis.basis.profile import profile

    df = run_stage(args, ProfileConfig, profile, read_only=True)
    out = from_args(TableOutput, args)
    print_frame(df, out.format, out.out)
    return 0

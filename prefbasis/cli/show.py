"""`prefbasis show [BASIS]`: the categories with share, size and three examples (and the NMF)."""
from __future__ import annotations

import argparse

from prefbasis.basis.config import ShowConfig
from prefbasis.cli._common import print_frame, run_stage
from prefbasis.cli.options import add_verb, from_args
from prefbasis.tables import TableOutput


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "show", ShowConfig, TableOutput, run=run,
             help="print a basis: categories, share, size, examples")


def run(args: argparse.Namespace) -> int:
    from prefbasis.basis.show import show_basis

    view = run_stage(args, ShowConfig, show_basis, read_only=True)
    if from_args(ShowConfig, args).card:
        print(view.card_markdown or f"basis {view.basis_id} has no card")
        return 0
    print(view.header)
    if view.nmf_note:
        print(view.nmf_note)
    out = from_args(TableOutput, args)
    print_frame(view.table, out.format, out.out)
    return 0

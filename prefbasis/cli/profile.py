"""`prefbasis profile --judge J`: a judge's preference profile over the basis categories."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, print_frame
from prefbasis.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("profile", help="a judge's share of mentions per basis category")
    p.add_argument("--judge", required=True, metavar="J")
    p.add_argument("--basis", default=None, metavar="B", help="basis id or name (default: the latest)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.basis.profile import judge_profile
    from prefbasis.basis.store_adapter import resolve_basis

    with open_store(args, read_only=True) as store:
        basis_id = resolve_basis(store, args.basis)
        df = judge_profile(store, basis_id, args.judge)
        if df["mentions"].sum() == 0:
            raise InputError(f"judge {args.judge!r} has no annotated comparisons in basis {basis_id}", field="judge")
        print_frame(df, args.format)
        return 0

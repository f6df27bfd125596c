"""`prefbasis pelo [--basis B] [--bootstrap 200] [--min-battles 50] [--style-control] [--anchor M=R]
[--prior-sd ELO|none] [--seed S] [--judge J] [--dataset D] [--format table|csv|json]`: Bradley–Terry
ratings per category.

Example:
    prefbasis pelo --bootstrap 200 --min-battles 50 --format csv
    prefbasis pelo --prior-sd none      # the exact (unregularized) MLE
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from prefbasis.cli._common import open_store, print_frame, say
from prefbasis.cli.options import add_verb, from_args
from prefbasis.ratings.config import PeloConfig
from prefbasis.tables import TableOutput

SHOWN = ["scope", "category_id", "category", "model", "rating", "ci_low", "ci_high", "rank",
         "battles", "insufficient"]


@dataclass
class PeloOutput:
    """Which columns the CLI prints."""

    all_columns: bool = field(default=False, metadata={"help": "print every column of the rows"})


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "pelo", PeloConfig, TableOutput, PeloOutput, run=run,
             help="rate models overall and per preference category (pElo)",
             description="Bradley–Terry ratings on the Elo scale (mean 1000, or --anchor MODEL=RATING), "
                         "overall and per preference / topic category of a basis, with multinomial "
                         "bootstrap CIs and a CI-based rank. Writes the `ratings` table.")


def run(args: argparse.Namespace) -> int:
    from prefbasis.ratings import pelo

    cfg = from_args(PeloConfig, args)
    out = from_args(TableOutput, args)
    with open_store(args) as store:
        table = pelo(store, cfg)
    basis = table.basis_id.iloc[0]
    rated = int((~table.insufficient).sum())
    say(args, f"pelo: {rated} ratings, {int(table.insufficient.sum())} insufficient, "
              f"basis {basis or 'none (overall only)'}, "
              f"prior {'none (exact MLE)' if not cfg.l2 else f'N(0, {cfg.prior_sd:g}^2 Elo^2)'}, "
              f"run {table.run_id.iloc[0]}")
    for note in table.attrs.get("notes", []):
        say(args, f"pelo: {note}")
    shown = table if from_args(PeloOutput, args).all_columns else table[SHOWN]
    if out.format.value == "table":
        shown = shown.round({"rating": 1, "ci_low": 1, "ci_high": 1}).astype({"category_id": object, "rank": object})
        shown = shown.where(shown.notna(), None)
    print_frame(shown, out.format, out.out)
    return 0

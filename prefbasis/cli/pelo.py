"""`prefbasis pelo [--basis B] [--bootstrap 200] [--min-battles 50] [--style-control] [--anchor M=R]
[--prior-sd ELO|none] [--seed S] [--judge J] [--dataset D] [--format table|csv|json]`: Bradley–Terry
ratings per category.

Example:
    prefbasis pelo --bootstrap 200 --min-battles 50 --format csv
    prefbasis pelo --prior-sd none      # the exact (unregularized) MLE
"""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, print_frame, say

DEFAULT_PRIOR_SD = 400.0   # = prefbasis.ratings.pelo.DEFAULT_PRIOR_SD (kept import-light for --help)

SHOWN = ["scope", "category_id", "category", "model", "rating", "ci_low", "ci_high", "rank",
         "battles", "insufficient"]


def _prior_sd(text: str) -> float | None:
    """`--prior-sd` value: a number of Elo points >= 0, or 'none' (no prior: the exact MLE)."""
    if text.strip().lower() in ("none", "off"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected Elo points >= 0 or 'none', got {text!r}") from None
    if not (0 <= value < float("inf")):
        raise argparse.ArgumentTypeError(f"expected Elo points >= 0 or 'none', got {text!r}")
    return value or None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pelo", help="rate models overall and per preference category (pElo)",
        description="Bradley–Terry ratings on the Elo scale (mean 1000, or --anchor MODEL=RATING), "
                    "overall and per preference / topic category of a basis, with multinomial "
                    "bootstrap CIs and a CI-based rank. Writes the `ratings` table.")
    p.add_argument("--basis", help="basis id or name (default: the latest; none yet: overall only)")
    p.add_argument("--bootstrap", type=int, default=200, metavar="N", help="bootstrap rounds (0: no CIs)")
    p.add_argument("--min-battles", type=int, default=50, metavar="N",
                   help="models or categories with fewer battles are reported insufficient")
    p.add_argument("--style-control", action="store_true",
                   help="control for response length and markdown (Arena-style covariates)")
    p.add_argument("--anchor", metavar="MODEL=RATING", help="fix one model's rating (default: mean 1000)")
    p.add_argument("--prior-sd", type=_prior_sd, default=DEFAULT_PRIOR_SD, metavar="ELO",
                   help=f"SD in Elo points of the Gaussian prior on each rating (default {DEFAULT_PRIOR_SD:g}; "
                        "keeps ratings finite when a model never loses); 0 or none: exact MLE")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--judge", help="only battles by this judge (SQL LIKE pattern if it contains %%)")
    p.add_argument("--dataset", help="only battles of this dataset id")
    p.add_argument("--scope", action="append", choices=["overall", "preference", "topic"],
                   help="rate only these scopes (repeatable; default all)")
    p.add_argument("--all-columns", action="store_true", help="print every column of the rows")
    p.add_argument("--format", default="table", choices=["table", "csv", "json"])
    p.add_argument("--out", help="write the table here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.ratings.pelo import PeloConfig, Scope, pelo

    cfg = PeloConfig(basis=args.basis, bootstrap=args.bootstrap, min_battles=args.min_battles,
                     style_control=args.style_control, anchor=args.anchor, seed=args.seed,
                     judge=args.judge, dataset=args.dataset, prior_sd=args.prior_sd)
    if args.scope:
        cfg.scopes = tuple(Scope(s) for s in dict.fromkeys(args.scope))
    cfg.validate()
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
    shown = table if args.all_columns else table[SHOWN]
    if args.format == "table":
        shown = shown.round({"rating": 1, "ci_low": 1, "ci_high": 1}).astype({"category_id": object, "rank": object})
        shown = shown.where(shown.notna(), None)
    print_frame(shown, args.format, args.out)
    return 0

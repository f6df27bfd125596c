"""`prefbasis export-dpo --category C [--basis B] [--topic T] [--min-similarity S] [--out DIR] ...`."""
from __future__ import annotations

import argparse
import json

from prefbasis.cli._common import open_store, say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-dpo", help="export a category's comparisons as a DPO data set",
                       description="Winner -> chosen, loser -> rejected, ties dropped; TRL format; "
                                   "train/test split by prompt; HF dataset + JSONL + Parquet + card.")
    p.add_argument("--category", required=True, help="preference category name or id")
    p.add_argument("--basis", help="basis id or name (default: the newest basis with the category)")
    p.add_argument("--topic", help="only comparisons in this topic category (name or id)")
    p.add_argument("--min-similarity", type=float, help="only assignments with similarity >= S")
    p.add_argument("--out", help="output folder (default ./dpo-<category>)")
    p.add_argument("--style", choices=["conversational", "standard"], default="conversational")
    p.add_argument("--weight", action="store_true", help="add a per-pair weight column (similarity)")
    p.add_argument("--test-size", type=float, default=0.2, help="share of prompts held out (0.2)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--complement", action="store_true",
                   help="export the basis's other categories' pairs that are NOT in --category "
                        "(an out-of-category control for evaluate; same --seed/--test-size split)")
    p.add_argument("--min-pairs", type=int, default=8, help="refuse subsets smaller than this (8)")
    p.add_argument("--dedupe", action="store_true",
                   help="one row per (prompt, chosen, rejected); drop pairs exported in both directions")
    p.add_argument("--exclude", action="append", default=[],
                   help="drop pairs also in this category, same direction (repeatable; same basis)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.train.config import ExportConfig
    from prefbasis.train.export import export_dpo

    cfg = ExportConfig(category=args.category, basis=args.basis, topic=args.topic,
                       min_similarity=args.min_similarity, out=args.out, style=args.style,
                       weight=args.weight, test_size=args.test_size, seed=args.seed,
                       min_pairs=args.min_pairs, complement=args.complement,
                       dedupe=args.dedupe, exclude=args.exclude)
    with open_store(args, read_only=True) as store:
        res = export_dpo(store, cfg)
    say(args, f"exported {res.n_pairs} pairs of {res.category!r} ({res.n_train} train / "
              f"{res.n_test} test, {res.n_ties_dropped} ties dropped) to {res.out}")
    print(json.dumps(res.to_dict()))
    return 0

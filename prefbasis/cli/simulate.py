"""`prefbasis simulate [--seed S] [--categories 21] [--distinct 5000] [--comparisons N] [--idiosyncratic-share 0.06] ...`.

Writes a synthetic dataset with planted preference categories (see docs/simulate.md).
"""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say


def register(sub: argparse._SubParsersAction) -> None:
    from prefbasis.simulate.config import SimulationConfig

    d = SimulationConfig()
    p = sub.add_parser("simulate", help="write a synthetic dataset with planted preference categories",
                       description="Simulate judges with category mixtures, models with per-category "
                                   "strengths and topics; write comparisons, annotations (annotator "
                                   "'simulated') and the planted truth (planted_* tables).")
    p.add_argument("--seed", type=int, default=d.seed, help=f"random seed (default {d.seed})")
    p.add_argument("--categories", type=int, default=d.n_categories, help=f"planted categories (default {d.n_categories})")
    p.add_argument("--topics", type=int, default=d.n_topics, help=f"planted topics (default {d.n_topics})")
    p.add_argument("--distinct", type=int, default=d.n_distinct, help=f"distinct descriptions (default {d.n_distinct})")
    p.add_argument("--comparisons", type=int, default=d.n_comparisons, help=f"comparisons (default {d.n_comparisons})")
    p.add_argument("--judges", type=int, default=d.n_judges, help=f"judges (default {d.n_judges})")
    p.add_argument("--models", type=int, default=d.n_models, help=f"models (default {d.n_models})")
    p.add_argument("--strength-spread", type=float, default=d.strength_spread,
                   help=f"sd of per-category model strength, logits (default {d.strength_spread})")
    p.add_argument("--idiosyncratic-share", type=float, default=d.idiosyncratic_share,
                   help=f"share of stated reasons that are one-off, idiosyncratic (default {d.idiosyncratic_share})")
    p.add_argument("--name", default=None, help="dataset name (default simulated-seed<S>)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.simulate import SimulationConfig, simulate

    cfg = SimulationConfig(seed=args.seed, n_categories=args.categories, n_topics=args.topics,
                           n_distinct=args.distinct, n_comparisons=args.comparisons, n_judges=args.judges,
                           n_models=args.models, strength_spread=args.strength_spread,
                           idiosyncratic_share=args.idiosyncratic_share, name=args.name)
    cfg.validate()
    with open_store(args) as store:
        res = simulate(store, cfg)
    if not res.added:
        say(args, f"dataset {res.name} ({res.dataset_id}) is already in the store; nothing added")
    print(f"dataset {res.name} ({res.dataset_id}): {res.n_comparisons} comparisons, {res.n_annotations} "
          f"annotations, {res.n_distinct_descriptions} distinct descriptions, {res.n_categories} planted "
          f"categories, {res.n_topics} topics, {res.n_models} models, {res.n_judges} judges")
    return 0

"""`prefbasis simulate [--seed S] [--categories 21] [--distinct 5000] [--comparisons N] [--idiosyncratic-share 0.06] ...`.

Writes a synthetic dataset with planted preference categories (see docs/simulate.md).
"""
from __future__ import annotations

import argparse

from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb
from prefbasis.simulate.config import SimulationConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "simulate", SimulationConfig, run=run,
             help="write a synthetic dataset with planted preference categories",
             description="Simulate judges with category mixtures, models with per-category strengths "
                         "and topics; write comparisons, annotations (annotator 'simulated') and the "
                         "planted truth (planted_* tables).")


def run(args: argparse.Namespace) -> int:
    from prefbasis.simulate import simulate

    res = run_stage(args, SimulationConfig, simulate)
    if not res.added:
        say(args, f"dataset {res.name} ({res.dataset_id}) is already in the store; nothing added")
    print(f"dataset {res.name} ({res.dataset_id}): {res.n_comparisons} comparisons, {res.n_annotations} "
          f"annotations, {res.n_distinct_descriptions} distinct descriptions, {res.n_categories} planted "
          f"categories, {res.n_topics} topics, {res.n_models} models, {res.n_judges} judges")
    return 0

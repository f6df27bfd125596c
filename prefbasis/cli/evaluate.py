"""`prefbasis evaluate --adapter DIR [--adapter DIR ...] --data DIR [--data DIR | --other DIR ...] [--probe NAME]`."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, print_frame, say
from prefbasis.cli.options import add_verb, from_args
from prefbasis.tables import TableFormat, TableOutput
from prefbasis.train.config import EvalConfig

COLUMNS = ["data", "role", "category", "metric", "variant", "value", "ci_low", "ci_high", "n"]


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "evaluate", EvalConfig, TableOutput, run=run,
             help="preference accuracy of base vs tuned model (bootstrap CIs)",
             description="Share of held-out pairs where the model gives `chosen` a higher mean token "
                         "log-probability than `rejected`; base (adapters disabled, scored once) vs each tuned "
                         "adapter; an adapter's own category is the export it was trained on (else the first "
                         "--data), the rest (and --other) other categories. Stored in `evaluations`.")


def run(args: argparse.Namespace) -> int:
    from prefbasis.train.evaluation import evaluate, save_evaluation

    cfg = from_args(EvalConfig, args)
    res = evaluate(None, cfg)
    with open_store(args) as store:   # opened after scoring: the store is not locked while models run
        save_evaluation(store, res.frame, cfg)
    say(args, f"evaluation {res.evaluation_id} stored in `evaluations`")
    out = from_args(TableOutput, args)
    columns = (["adapter"] if len(cfg.adapter) > 1 else []) + COLUMNS
    print_frame(res.frame[columns], out.format, out.out)
    if out.format == TableFormat.table and out.out is None and len(cfg.data) > 1:
        from prefbasis.train.selectivity import selectivity_table

        table = selectivity_table(res)
        if len(table):
            print("\nselectivity = delta on its own category - delta on the other; length-matched: both at one "
                  "length mix (docs/metrics.md, \"Selectivity\")")
            print_frame(table, out.format, None)
    return 0

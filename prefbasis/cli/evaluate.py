"""`prefbasis evaluate --adapter DIR [--adapter DIR ...] --data DIR [--data DIR | --other DIR ...] [--probe NAME]`."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, print_frame, say
from prefbasis.tables import FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="preference accuracy of base vs tuned model (bootstrap CIs)",
                       description="Share of held-out pairs where the model gives `chosen` a higher "
                                   "mean token log-probability than `rejected`; base (adapters "
                                   "disabled, scored once) vs each tuned adapter; an adapter's own "
                                   "category is the export it was trained on (else the first --data), "
                                   "the rest (and --other) other categories. Stored in `evaluations`.")
    p.add_argument("--adapter", action="append", required=True,
                   help="folder written by `prefbasis train` (repeatable: the base is scored once for all)")
    p.add_argument("--data", action="append", required=True, help="export-dpo folder (repeatable)")
    p.add_argument("--other", action="append", default=[], help="other categories' export folders")
    p.add_argument("--model", help="base model (default: the one the adapter was trained on)")
    p.add_argument("--split", default="test")
    p.add_argument("--probe", choices=["length"], help="behaviour probe on held-out prompts")
    p.add_argument("--probe-prompts", type=int, default=16)
    p.add_argument("--max-new-tokens", type=int, default=64)
    p.add_argument("--max-length", type=int, default=256)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--limit", type=int, help="at most N pairs per data set")
    p.add_argument("--n-bootstrap", type=int, default=1000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--out", help="write the result table here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.train.config import EvalConfig
    from prefbasis.train.evaluation import evaluate, save_evaluation

    cfg = EvalConfig(adapter=args.adapter, data=list(args.data) + list(args.other), split=args.split,
                     model=args.model, max_length=args.max_length, batch_size=args.batch_size,
                     limit=args.limit, n_bootstrap=args.n_bootstrap, seed=args.seed,
                     probe=args.probe, probe_prompts=args.probe_prompts,
                     max_new_tokens=args.max_new_tokens)
    res = evaluate(None, cfg)
    with open_store(args) as store:   # opened after scoring: the store is not locked while models run
        save_evaluation(store, res.frame, cfg)
    say(args, f"evaluation {res.evaluation_id} stored in `evaluations`")
    cols = (["adapter"] if len(cfg.adapter) > 1 else []) + ["data", "role", "category", "metric", "variant", "value", "ci_low", "ci_high", "n"]
    print_frame(res.frame[cols], args.format, args.out)
    return 0

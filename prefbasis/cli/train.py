"""`prefbasis train --data DIR --model PATH_OR_ID [--config FILE.yaml] [any DPOConfig / lora_* field]`.

Parsing is TRL's (`TrlParser` over `TrainConfig`); `prefbasis train --help` lists every field.
Multi-GPU: `accelerate launch -m prefbasis.cli.train --data DIR --model M ...`.
"""
from __future__ import annotations

import argparse
import json
import sys

from prefbasis.cli._common import say


def register(sub: argparse._SubParsersAction) -> None:
    # prefix_chars="+": every `--field` goes untouched to TRL's parser (TrlParser), help included
    p = sub.add_parser("train", add_help=False, prefix_chars="+",
                       help="DPO + LoRA fine-tuning on an export-dpo folder",
                       description="TRL DPOTrainer + PEFT LoRA. All DPOConfig and lora_* fields; "
                                   "see `prefbasis train --help`.")
    p.add_argument("rest", nargs="*")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.cli._common import open_store
    from prefbasis.train.config import load_train_config
    from prefbasis.train.trainer import record_training_run, train

    cfg = load_train_config(list(args.rest))
    res = train(cfg)
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized() and dist.get_rank() != 0):
        with open_store(args) as store:   # opened after training: the store is not locked while it runs
            record_training_run(store, res, cfg)
    say(args, f"adapter saved to {res.output_dir}: {res.steps} steps, final loss {res.final_loss}, "
              f"reward accuracy {res.reward_accuracy}")
    print(json.dumps(res.to_dict()))
    return 0


if __name__ == "__main__":  # `accelerate launch -m prefbasis.cli.train ...`
    from prefbasis.cli import main

    sys.exit(main(["train", *sys.argv[1:]]))

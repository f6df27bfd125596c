"""`prefbasis train --data DIR --model PATH_OR_ID [--config FILE.yaml] [any DPOConfig / lora_* field]`.

Parsing is TRL's (`TrlParser` over `TrainConfig`). `prefbasis train --help` lists prefbasis's own
options (`TrainOptions`) in full and the common DPO / LoRA ones by name, without importing TRL;
`--help-all` is TRL's parser's help: every option, with its help and default.
Multi-GPU: `accelerate launch -m prefbasis.cli.train --data DIR --model M ...`.
"""
from __future__ import annotations

import argparse
import json
import sys

from prefbasis.cli._common import say

# the DPOConfig / TrainingArguments / LoraConfig fields most runs set, in the order --help shows them
COMMON_OPTIONS = ("output_dir", "num_train_epochs", "max_steps", "per_device_train_batch_size",
                  "gradient_accumulation_steps", "beta", "loss_type", "max_length", "bf16", "seed",
                  "logging_steps", "save_steps", "eval_strategy", "resume_from_checkpoint", "report_to",
                  "lora_r", "lora_alpha", "lora_dropout", "lora_target_modules")
DESCRIPTION = ("DPO + LoRA fine-tuning on an export-dpo folder: TRL DPOTrainer with a PEFT LoraConfig "
               "(reference = the base with the adapter disabled). Options also load from --config FILE.yaml.")


def register(sub: argparse._SubParsersAction) -> None:
    # prefix_chars="+": every `--field` goes untouched to TRL's parser (TrlParser), help included
    p = sub.add_parser("train", add_help=False, prefix_chars="+", description=DESCRIPTION,
                       help="DPO + LoRA fine-tuning on an export-dpo folder (--help-all: every option)")
    p.add_argument("rest", nargs="*")
    p.set_defaults(func=run)


def short_help() -> str:
    """prefbasis's own options (`TrainOptions`, parsed the way TRL's parser will parse them), then the
    names of COMMON_OPTIONS; no TRL import, so it is quick. `--help-all` has every option in full."""
    from transformers.hf_argparser import HfArgumentParser

    from prefbasis.train.config import LORA_DEFAULTS, TrainOptions

    parser = HfArgumentParser((TrainOptions,), prog="prefbasis train")
    formatter = parser._get_formatter()
    formatter.add_usage("prefbasis train --data DIR --model PATH_OR_ID [--config FILE.yaml] [options]", [], [])
    formatter.add_text(DESCRIPTION)
    formatter.start_section("prefbasis options")
    formatter.add_arguments([a for a in parser._actions if a.dest != "help"])
    formatter.end_section()
    lora = {f"lora_{k}" if not k.startswith("lora_") else k: v for k, v in LORA_DEFAULTS.items()}
    names = [f"--{n}" + (f" (prefbasis default {lora[n]:g})" if n in lora else "") for n in COMMON_OPTIONS]
    formatter.start_section("common DPO / LoRA options (TRL DPOConfig, PEFT LoraConfig)")
    formatter.add_text(", ".join(names))
    formatter.end_section()
    formatter.add_text("Each option's help and default, and every other DPOConfig / TrainingArguments / "
                       "LoraConfig field (lora_*): prefbasis train --help-all")
    return formatter.format_help()


def run(args: argparse.Namespace) -> int:
    from prefbasis.train.config import load_train_config, make_parser

    rest = list(args.rest)
    if "--help-all" in rest:
        make_parser().print_help()
        return 0
    if "-h" in rest or "--help" in rest:
        print(short_help())
        return 0
    from prefbasis.train.trainer import train_and_record

    res = train_and_record(load_train_config(rest), db=args.db)
    say(args, f"adapter saved to {res.output_dir}: {res.steps} steps, final loss {res.final_loss}, "
              f"reward accuracy {res.reward_accuracy}")
    print(json.dumps(res.to_dict()))
    return 0


if __name__ == "__main__":  # `accelerate launch -m prefbasis.cli.train ...`
    from prefbasis.cli import main

    sys.exit(main(["train", *sys.argv[1:]]))

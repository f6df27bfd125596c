"""`prefbasis annotate`: infer why the winner won (topic + 1-3 preferences per comparison)."""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field

from prefbasis.annotate.config import AnnotateConfig
from prefbasis.cli._common import open_store
from prefbasis.cli.options import add_verb, from_args


@dataclass
class AnnotateOutput:
    """How the CLI prints the report."""

    json: bool = field(default=False, metadata={"help": "print the report as JSON on stdout"})


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "annotate", AnnotateConfig, AnnotateOutput, run=run,
             help="infer why the winner won, with an LLM or the data's rationale",
             description="Annotate comparisons with a topic and 1-3 preferences. Cached and resumable: "
                         "a rerun asks only for what is missing. See docs/annotate.md.")



def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from prefbasis.annotate import annotate

    cfg = from_args(AnnotateConfig, args, quiet=args.quiet or None)
    with open_store(args) as store:
        report = annotate(store, cfg)
    if from_args(AnnotateOutput, args).json:
        print(json.dumps({k: v for k, v in asdict(report).items() if k != "extra"}, default=str))
    else:
        print(report.summary())
    print(f"requests made: {report.requests}")
    if report.all_failed:
        from prefbasis.annotate.runner import AllRequestsFailed

        raise AllRequestsFailed(report)
    return 0

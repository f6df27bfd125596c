"""`prefbasis embed`: precompute (cache) the embeddings of all annotated descriptions and topics."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import run_stage, say
from prefbasis.cli.options import add_verb
from prefbasis.embed_stage import EmbedConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "embed", EmbedConfig, run=run,
             help="precompute and cache embeddings of the annotated descriptions and topics")


def run(args: argparse.Namespace) -> int:
    from prefbasis.embed_stage import embed_annotations

    res = run_stage(args, EmbedConfig, embed_annotations, quiet=args.quiet or None)
    say(args, res.summary())
    print(res.embedded)
    return 0

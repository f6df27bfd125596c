"""`prefbasis embed`: precompute (cache) the embeddings of all annotated descriptions and topics."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say
from prefbasis.cli.options import add_verb, from_args
from prefbasis.embed_stage import EmbedConfig


def register(sub: argparse._SubParsersAction) -> None:
    add_verb(sub, "embed", EmbedConfig, run=run,
             help="precompute and cache embeddings of the annotated descriptions and topics")


def run(args: argparse.Namespace) -> int:
    from prefbasis.embed_stage import embed_annotations

    with open_store(args) as store:
        res = embed_annotations(store, from_args(EmbedConfig, args, quiet=args.quiet or None))
    say(args, res.summary())
    print(res.embedded)
    return 0

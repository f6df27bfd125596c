"""`prefbasis embed`: precompute (cache) the embeddings of all annotated descriptions and topics."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say

def add_backend_options(p: argparse.ArgumentParser) -> None:
    """--backend and --device (declared on `EmbeddingOptions`), shared by embed, extract and demo."""
    from dataclasses import fields

    from prefbasis.encoders import EmbeddingOptions  # light: stdlib only

    for f in fields(EmbeddingOptions):
        default = f.default.value if hasattr(f.default, "value") else f.default
        p.add_argument(f"--{f.name}", default=default, choices=f.metadata.get("choices"), help=f.metadata["help"])


def register(sub) -> None:
    p = sub.add_parser("embed", help="precompute and cache embeddings of the annotated descriptions and topics")
    p.add_argument("--embedding-model", default=None, metavar="M",
                   help="sentence-transformers name or path (default all-MiniLM-L6-v2, offline)")
    p.add_argument("--dataset", default=None, metavar="D", help="dataset id or name (default: all)")
    p.add_argument("--batch-size", type=int, default=64)
    add_backend_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.embed import EmbedConfig, embed_dataset

    cfg = EmbedConfig(embedding_model=args.embedding_model, dataset=args.dataset, batch_size=args.batch_size,
                      backend=args.backend, device=args.device, quiet=args.quiet or None)
    with open_store(args) as store:
        rep = embed_dataset(store, cfg)
    say(args, f"{rep.texts} distinct texts: {rep.cached} already cached, {rep.embedded} embedded with "
              f"{rep.model} ({rep.backend})")
    print(rep.embedded)
    return 0

"""`prefbasis embed`: precompute (cache) the embeddings of all annotated descriptions and topics."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say

BACKENDS = ("torch", "torch-bf16", "onnx", "onnx-int8")  # prefbasis.encoders.EmbeddingBackend (kept light)


def add_backend_options(p: argparse.ArgumentParser) -> None:
    """--backend and --device, shared by embed, extract and demo."""
    p.add_argument("--backend", choices=BACKENDS, default="onnx",
                   help="embedding backend: onnx (default; verified against torch, else torch with a warning), "
                        "torch, torch-bf16 (bf16 autocast where the CPU/GPU supports it), onnx-int8 (fastest, "
                        "approximate)")
    p.add_argument("--device", default="cpu", help="embedding device: cpu (default), cuda, cuda:N")


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

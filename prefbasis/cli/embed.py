"""`prefbasis embed`: precompute (cache) the embeddings of all annotated descriptions and topics."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say


def register(sub) -> None:
    p = sub.add_parser("embed", help="precompute and cache embeddings of the annotated descriptions and topics")
    p.add_argument("--embedding-model", default=None, metavar="M",
                   help="sentence-transformers name or path (default all-MiniLM-L6-v2, offline)")
    p.add_argument("--dataset", default=None, metavar="D", help="dataset id or name (default: all)")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.embed import DEFAULT_EMBEDDING_MODEL, cached_vectors, embed_texts, normalize_text

    with open_store(args) as store:
        rows = store.execute(
            "select a.description, a.topic from annotations a join comparisons c using (comparison_id) "
            "join datasets d using (dataset_id) where ? is null or d.dataset_id = ? or d.name = ?",
            [args.dataset, args.dataset, args.dataset]).fetchall()
        texts = sorted({normalize_text(t) for r in rows for t in r if t} - {""})
        model = args.embedding_model or DEFAULT_EMBEDDING_MODEL
        before = len(cached_vectors(store, model, texts))
        embed_texts(texts, store=store, model=args.embedding_model, batch_size=args.batch_size)
    say(args, f"{len(texts)} distinct texts: {before} already cached, {len(texts) - before} embedded with {model}")
    print(len(texts) - before)
    return 0

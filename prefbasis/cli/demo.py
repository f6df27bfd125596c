"""`prefbasis demo [--out DIR] [--seed S] [--data SOURCE --format F --annotator A ...]`: the whole chain."""
from __future__ import annotations

import argparse
import time

from prefbasis.cli.embed import add_backend_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole pipeline end to end and write a report",
                       description="Offline by default: simulate 21 planted preference categories, "
                                   "embed, extract the basis, rate models (pElo), export DPO data for "
                                   "the top category, write the HTML report, and score the basis "
                                   "against the planted truth. --data/--format run it on real data.")
    p.add_argument("--out", "-o", default="prefbasis-demo", help="folder for the report and DPO data")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data", help="real data: a source `prefbasis ingest` reads (file, folder, HF id)")
    p.add_argument("--format", help="its ingest format (see `prefbasis ingest --help`)")
    p.add_argument("--annotator", default="rationale",
                   help="annotate backend for real data: openai, transformers, rationale (default)")
    p.add_argument("--annotator-model", help="model for the annotator backend")
    p.add_argument("--base-url", help="OpenAI-compatible server for --annotator openai")
    p.add_argument("--limit", type=int, help="annotate at most this many comparisons (real data)")
    p.add_argument("--k", default="auto", help="number of categories, or auto (default)")
    p.add_argument("--target", type=float, default=0.89, help="coverage target for --k auto")
    p.add_argument("--bootstrap", type=int, default=100, help="pElo bootstrap rounds (default 100)")
    p.add_argument("--min-battles", type=int, default=50)
    p.add_argument("--embedding-model", help="sentence-transformers model (default all-MiniLM-L6-v2, offline)")
    add_backend_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.cli._common import open_store, say
    from prefbasis.demo import DemoConfig, format_summary, run_demo

    cfg = DemoConfig(out=args.out, seed=args.seed, data=args.data, format=args.format,
                     annotator=args.annotator, annotator_model=args.annotator_model,
                     base_url=args.base_url, limit=args.limit, k=args.k, target=args.target,
                     bootstrap=args.bootstrap, min_battles=args.min_battles,
                     embedding_model=args.embedding_model, backend=args.backend,
                     device=args.device, quiet=args.quiet)
    start = time.perf_counter()
    with open_store(args) as store:
        result = run_demo(store, cfg)
    print(format_summary(result))
    say(args, f"demo finished in {time.perf_counter() - start:.1f} s")
    return 0

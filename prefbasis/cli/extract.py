"""`prefbasis extract`: select the canonical basis of preferences (and topics) and save it."""
from __future__ import annotations

import argparse

from prefbasis.cli._common import open_store, say
from prefbasis.cli.embed import add_backend_options


def _k(value: str):
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k expects 'auto' or a positive integer, got {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError("--k must be at least 1")
    return k


def _tau(value: str):
    if value == "auto":
        return value
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--tau expects 'auto' or a cosine, got {value!r}") from None


def register(sub) -> None:
    from prefbasis.basis.defaults import DEFAULT_TARGET, DEFAULT_TAU

    p = sub.add_parser("extract", help="select k canonical preference categories (coverage or NMF)")
    p.add_argument("--k", type=_k, default="auto", help="'auto' (smallest k reaching --target) or N")
    p.add_argument("--target", type=float, default=DEFAULT_TARGET, help="coverage target for --k auto")
    p.add_argument("--method", choices=["coverage", "nmf"], default="coverage")
    p.add_argument("--tau", type=_tau, default=DEFAULT_TAU, metavar="T",
                   help="cosine within which a description counts as covered (default 'auto': 0.41 for "
                        "canonical statements, 0.62 for free-style descriptions; docs/metrics.md)")
    p.add_argument("--embedding-model", default=None, metavar="M")
    p.add_argument("--dataset", default=None, metavar="D", help="dataset id or name (default: latest annotated)")
    p.add_argument("--annotator", default=None, help="whose annotations (required when the dataset has several)")
    p.add_argument("--name", default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stability", type=int, default=0, metavar="N", help="bootstrap replicates (default 0)")
    p.add_argument("--no-topics", dest="topics", action="store_false", help="skip the topic basis")
    add_backend_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from prefbasis.basis import ExtractConfig, extract

    cfg = ExtractConfig(k=args.k, target=args.target, method=args.method, tau=args.tau,
                        embedding_model=args.embedding_model, dataset=args.dataset, annotator=args.annotator,
                        name=args.name, seed=args.seed, stability=args.stability, topics=args.topics,
                        backend=args.backend, device=args.device)
    with open_store(args) as store:
        res = extract(store, cfg)
    say(args, f"basis {res.basis_id} ({res.name}): k={res.k}, coverage {res.coverage:.3f}, "
              f"variation explained {res.variation_explained:.3f} (PCA optimum {res.pca_optimum:.3f}), "
              f"unassigned {res.unassigned_share:.3f}, {res.n_descriptions} distinct descriptions")
    print(res.basis_id)
    return 0

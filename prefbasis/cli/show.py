"""`prefbasis show [BASIS]`: the categories with share, size and three examples (and the NMF)."""
from __future__ import annotations

import argparse
import json

from prefbasis.cli._common import open_store, print_frame


def register(sub) -> None:
    p = sub.add_parser("show", help="print a basis: categories, share, size, examples")
    p.add_argument("basis", nargs="?", default=None, help="basis id or name (default: the latest)")
    p.add_argument("--kind", choices=["preference", "topic"], default="preference")
    p.add_argument("--card", action="store_true", help="print the Markdown basis card instead")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from prefbasis.basis.store_adapter import resolve_basis

    with open_store(args, read_only=True) as store:
        basis_id = resolve_basis(store, args.basis)
        if args.card:
            print(store.scalar("select markdown from basis_cards where basis_id = ?", [basis_id]))
            return 0
        head = store.execute("select name, k, coverage, variation_explained, pca_optimum, unassigned_share, nmf_r2 "
                             "from bases where basis_id = ?", [basis_id]).fetchone()
        print(f"basis {basis_id} ({head[0]}): k={head[1]}, coverage {head[2]:.3f}, variation explained "
              f"{head[3]:.3f} (PCA optimum {head[4]:.3f}), unassigned {head[5]:.3f}")
        df = store.df("select category_id as id, name, round(share, 3) as share, size, examples from categories "
                      "where basis_id = ? and kind = ? order by category_id", [basis_id, args.kind])
        ex = [json.loads(e) if e else [] for e in df.pop("examples")]
        for i in range(3):
            df[f"example {i + 1}"] = [e[i] if len(e) > i else "" for e in ex]
        card = json.loads(store.scalar("select card from basis_cards where basis_id = ?", [basis_id]) or "{}")
        nmf = card.get("nmf")
        if nmf and args.kind == "preference" and len(nmf["top_atoms"]) == len(df):
            df["nmf component (top atoms)"] = [" | ".join(t) for t in nmf["top_atoms"]]
            print(f"NMF side by side: individuals x atoms, R² = {nmf['r2']:.3f}")
        print_frame(pd.DataFrame(df), args.format)
        return 0

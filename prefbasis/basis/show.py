"""What `prefbasis show` prints: a basis's headline, its categories with three examples each (and
the NMF components side by side), or its Markdown card.

Example:
    >>> view = show_basis(store, ShowConfig())  # doctest: +SKIP
    >>> print(view.header)  # doctest: +SKIP
    basis 3f2a... (prd-coverage-k21): k=21, coverage 0.893, ...
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prefbasis.basis.config import CategoryKind, ShowConfig

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


@dataclass
class BasisView:
    basis_id: str
    header: str                    # one line: k, coverage, variation explained, unassigned
    table: "pd.DataFrame"          # id, name, share, size, example 1-3 (and the NMF component)
    card_markdown: str | None      # the basis card (Markdown), when extract wrote one
    nmf_note: str | None = None    # "NMF side by side ... R² = ..." when the NMF column is shown


def _num(value, fmt: str = ".3f") -> str:
    return "—" if value is None or value != value else format(float(value), fmt)


def show_basis(store: "Store", config: ShowConfig | None = None) -> BasisView:
    """The categories of a basis (`config.basis`: id, id prefix or name; default the latest)."""
    from prefbasis.store.catalog import basis_card, basis_row, resolve_basis

    cfg = config or ShowConfig()
    basis_id = resolve_basis(store, cfg.basis).basis_id
    b = basis_row(store, basis_id)
    card, markdown = basis_card(store, basis_id)
    header = (f"basis {basis_id} ({b.get('name')}): k={b.get('k')}, coverage {_num(b.get('coverage'))}, "
              f"variation explained {_num(b.get('variation_explained'))} "
              f"(PCA optimum {_num(b.get('pca_optimum'))}), unassigned {_num(b.get('unassigned_share'))}")
    kind = CategoryKind(cfg.kind)
    df = store.df("select category_id as id, name, round(share, 3) as share, size, examples from categories "
                  "where basis_id = ? and kind = ? order by category_id", [basis_id, kind.value])
    examples = [json.loads(e) if e else [] for e in df.pop("examples")]
    for i in range(3):
        df[f"example {i + 1}"] = [e[i] if len(e) > i else "" for e in examples]
    nmf, note = card.get("nmf"), None
    if nmf and kind is CategoryKind.preference and len(nmf["top_atoms"]) == len(df):
        df["nmf component (top atoms)"] = [" | ".join(t) for t in nmf["top_atoms"]]
        note = f"NMF side by side: individuals x atoms, R² = {nmf['r2']:.3f}"
    return BasisView(basis_id, header, df, markdown, note)

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


def leakage_line(store: "Store", basis_id: str, row: dict | None = None) -> str:
    """The basis's leakage metrics in one line (docs/metrics.md, "Leakage")."""
    from prefbasis.store.catalog import basis_row

    b = row if row is not None else basis_row(store, basis_id)
    if b.get("content_leakage") is None or b.get("content_leakage") != b.get("content_leakage"):
        return "leakage: not measured (a basis fit before the leakage metrics: run extract again)"
    flagged = store.scalar("select count(*) from categories where basis_id = ? and kind = 'preference' "
                           "and name_flagged", [basis_id])
    reached = b.get("k_target_reached")
    k_note = "" if reached is None or reached != reached else (
        "; k auto reached the target" if reached else "; k auto did NOT reach the coverage target (largest k tried)")
    return (f"leakage: content {float(b['content_leakage']):.1%} of mentions, topic AMI {_num(b.get('topic_leakage'))}, "
            f"effective categories {_num(b.get('effective_categories'), '.1f')}, separation "
            f"{_num(b.get('separation'), '+.3f')}, flagged names {flagged}{k_note}")


def show_basis(store: "Store", config: ShowConfig | None = None) -> BasisView:
    """The categories of a basis (`config.basis`: id, id prefix or name; default the latest)."""
    from prefbasis.store.catalog import basis_card, basis_datasets, basis_row, dataset_names, resolve_basis

    cfg = config or ShowConfig()
    basis_id = resolve_basis(store, cfg.basis).basis_id
    b = basis_row(store, basis_id)
    card, markdown = basis_card(store, basis_id)
    header = (f"basis {basis_id} ({b.get('name')}): k={b.get('k')}, coverage {_num(b.get('coverage'))}, "
              f"variation explained {_num(b.get('variation_explained'))} "
              f"(PCA optimum {_num(b.get('pca_optimum'))}), unassigned {_num(b.get('unassigned_share'))}")
    header += "\n" + leakage_line(store, basis_id, b)
    pooled = basis_datasets(b)
    if len(pooled) > 1:   # `extract --pool`
        known = dataset_names(store, pooled)
        names = sorted(known.get(d, d) for d in pooled)
        header += (f"\npooled over {len(pooled)} datasets: {', '.join(names)} "
                   f"(which uses what: query -f category_by_dataset --param basis={basis_id})")
    kind = CategoryKind(cfg.kind)
    df = store.df("select category_id as id, name, round(share, 3) as share, size, "
                  "round(top3_prompt_share, 3) as \"top-3 prompt share\", "
                  "case when name_flagged then 'yes' else '' end as \"name flagged\", examples from categories "
                  "where basis_id = ? and kind = ? order by category_id", [basis_id, kind.value])
    if kind is not CategoryKind.preference or df["top-3 prompt share"].isna().all():
        df = df.drop(columns=["top-3 prompt share", "name flagged"])   # topics, or a basis from before 009
    examples = [json.loads(e) if e else [] for e in df.pop("examples")]
    for i in range(3):
        df[f"example {i + 1}"] = [e[i] if len(e) > i else "" for e in examples]
    nmf, note = card.get("nmf"), None
    if nmf and kind is CategoryKind.preference and len(nmf["top_atoms"]) == len(df):
        df["nmf component (top atoms)"] = [" | ".join(t) for t in nmf["top_atoms"]]
        note = f"NMF side by side: individuals x atoms, R² = {nmf['r2']:.3f}"
    return BasisView(basis_id, header, df, markdown, note)

"""The basis card: everything needed to judge and reproduce a basis, as JSON and Markdown.

Example:
    >>> md = card_markdown({"basis_id": "b1", "name": "demo", "k": 1, "embedding_model": "m",
    ...     "metrics": {"coverage": 0.9}, "params": {}, "fingerprint": "f", "categories": [],
    ...     "curves": []})
    >>> md.splitlines()[0]
    '# Basis card: demo (b1)'
"""
from __future__ import annotations

from typing import Any


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def card_markdown(card: dict) -> str:
    """Render the card dict (see `extract`) as Markdown."""
    lines = [f"# Basis card: {card['name']} ({card['basis_id']})", "",
             f"- embedding model: `{card['embedding_model']}` (backend `{card.get('embedding_backend', 'torch')}`)",
             f"- k = {card['k']}; data fingerprint `{card['fingerprint']}`",
             f"- parameters: {', '.join(f'{k}={_fmt(v)}' for k, v in sorted(card['params'].items()))}", "",
             "## Metrics", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in card["metrics"].items()]
    lines += ["", "## Categories", "", "| id | name | share | size | medoid | examples |",
              "| --- | --- | --- | --- | --- | --- |"]
    for c in card["categories"]:
        lines.append(f"| {c['category_id']} | {c['name']} | {c['share']:.3f} | {c['size']} | {c['medoid']} | "
                     f"{'; '.join(c['examples'])} |")
    if card.get("nmf"):
        lines += ["", f"## NMF side by side (R² = {_fmt(card['nmf']['r2'])})", ""]
        lines += [f"- component {i}: {', '.join(top)}" for i, top in enumerate(card["nmf"]["top_atoms"])]
    if card.get("topics"):
        t = card["topics"]
        lines += ["", f"## Topic basis (k = {t['k']}, coverage {_fmt(t['coverage'])})", "",
                  "| topic | share | preference coverage within topic |", "| --- | --- | --- |"]
        lines += [f"| {name} | {share:.3f} | {_fmt(cov)} |"
                  for name, share, cov in zip(t["names"], t["shares"], t["preference_coverage"])]
    lines += ["", "## Curves (k = 1..50)", "", "| k | coverage | variation explained | PCA optimum |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {r['k']} | {r['coverage']:.3f} | {r['variation_explained']:.3f} | {r['pca_optimum']:.3f} |"
              for r in card["curves"]]
    return "\n".join(lines) + "\n"

"""Build the HTML report of one basis: `build_report(store, ReportConfig(...)) -> ReportResult`.

The report reads only the store (see `data.py`), draws each section it has data for and says
plainly which ones are missing and which command fills them (e.g. no ratings yet: `prefbasis pelo`).

Example:
    >>> from prefbasis.store import Store
    >>> result = build_report(Store.open("demo.duckdb"), ReportConfig(out="report.html"))  # doctest: +SKIP
    >>> result.path.name  # doctest: +SKIP
    'report.html'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from prefbasis import __version__
from prefbasis.report import charts
from prefbasis.report import html as H
from prefbasis.report import provenance, sections
from prefbasis.report.config import ReportConfig
from prefbasis.report.data import ReportData, load_report_data
from prefbasis.store import Store


@dataclass
class ReportResult:
    path: Path
    basis_id: str
    sections: list[str] = field(default_factory=list)   # drawn
    missing: list[str] = field(default_factory=list)    # not in the store yet
    bytes: int = 0


def _headline(d: ReportData) -> str:
    """The KPI row: k, coverage, variation, unassigned, descriptions, comparisons (all and annotated)."""
    b = d.basis
    unassigned = b.get("unassigned_share")
    if (unassigned is None or pd.isna(unassigned)) and len(d.assignments):
        unassigned = float(d.assignments["category_id"].isna().mean())
    return H.kpis([("categories (k)", str(b.get("k") or len(d.categories))),
                   ("coverage", sections.pct(b.get("coverage"))),
                   ("variation explained", sections.pct(b.get("variation_explained"))),
                   ("unassigned mentions", sections.pct(unassigned)),
                   ("distinct descriptions", f"{len(d.assignments):,}"),
                   ("comparisons in the data", f"{d.comparisons:,}"),
                   ("annotated comparisons", f"{d.annotated:,}")]) + _leakage_kpis(d)


def _leakage_kpis(d: ReportData) -> str:
    """The leakage KPIs (docs/metrics.md, "Leakage"): is this a basis of preferences or of topics?"""
    b = d.basis
    if b.get("content_leakage") is None or pd.isna(b.get("content_leakage")):
        return ""
    flagged = int(d.categories["name_flagged"].sum()) if "name_flagged" in d.categories else 0

    def f(key: str, fmt: str) -> str:
        v = b.get(key)
        return "—" if v is None or pd.isna(v) else format(float(v), fmt)

    reached = b.get("k_target_reached")
    items = [("content leakage", f("content_leakage", ".1%")), ("topic leakage (AMI)", f("topic_leakage", ".3f")),
             ("effective categories", f("effective_categories", ".1f")), ("separation", f("separation", "+.3f")),
             ("flagged names", str(flagged))]
    if reached is not None and not pd.isna(reached):
        items.append(("k auto", "target reached" if bool(reached) else "target NOT reached"))
    return H.kpis(items)


def build_report(store: Store, config: ReportConfig | None = None) -> ReportResult:
    """Write one self-contained HTML report (works offline) for a basis in `store`."""
    cfg = config or ReportConfig()
    d = load_report_data(store, cfg.basis)
    b = d.basis
    ids = d.categories["category_id"].astype(int).tolist()
    colors = dict(zip(ids, charts.palette(len(ids))))
    drawn, missing, parts = ["categories", "card"], [], {}
    for name, (html, ok) in [("curves", sections.curves_section(d)),
                             ("map", sections.map_section(store, d, cfg.max_points, colors)),
                             ("topics", sections.topic_section(d)), ("pelo", sections.ratings_section(d)),
                             ("recovery", provenance.recovery_section(d)), ("dpo", provenance.dpo_section(d))]:
        if ok:
            drawn.append(name)
        elif name != "recovery":   # recovery exists for simulated data only: not "missing" elsewhere
            missing.append(name)
        parts[name] = html
    sources, pooled = sections.sources_section(d)
    if pooled:
        drawn.append("sources")
    body = "\n".join([_headline(d), parts["curves"], sections.category_table(d, colors), sources, parts["map"],
                      parts["topics"], parts["pelo"], parts["recovery"], parts["dpo"], provenance.card_section(d)])
    title = cfg.title or f"Preference basis: {b.get('name') or b['basis_id'][:12]}"
    subtitle = H.esc(f"basis {b['basis_id']} · k = {b.get('k')} · created {provenance.show(b.get('created_at'))} · "
                     f"data: {', '.join(d.datasets['name'].astype(str)) if len(d.datasets) else '—'}")
    footer = H.esc(f"prefbasis {__version__} · report written "
                   f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} · works offline")
    page = H.document(title, subtitle, body, footer)
    out = Path(cfg.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return ReportResult(path=out, basis_id=b["basis_id"], sections=drawn, missing=missing,
                        bytes=out.stat().st_size)

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

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prefbasis import __version__
from prefbasis.report import charts
from prefbasis.report import html as H
from prefbasis.report.data import ReportData, load_report_data
from prefbasis.report.projection import project_2d
from prefbasis.store import Store


@dataclass
class ReportConfig:
    """What to report and where. `basis`: id, id prefix or name (default: the newest basis)."""

    basis: str | None = None
    out: str | Path = "report.html"
    max_points: int = 6000          # descriptions drawn on the map (a deterministic sample beyond)
    title: str | None = None


@dataclass
class ReportResult:
    path: Path
    basis_id: str
    sections: list[str] = field(default_factory=list)   # drawn
    missing: list[str] = field(default_factory=list)    # not in the store yet
    bytes: int = 0


def _pct(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{float(x):.1%}"


def _num(x: Any, fmt: str = ".3f") -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else format(float(x), fmt)


def _show(v: Any) -> str:
    """A card value for people: 4 significant digits for floats, seconds for timestamps, JSON for the rest."""
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    if isinstance(v, (pd.Timestamp, datetime)):
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def _rows(df: pd.DataFrame) -> list[list[str]]:
    return [["" if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)) else _show(v) for v in row]
            for row in df.itertuples(index=False)]


def _curves_section(d: ReportData) -> tuple[str, bool]:
    b = d.basis
    if d.curves.empty:
        return H.missing("No curves stored for this basis (extract writes <code>basis_curves</code>)."), False
    target = b.get("params", {}).get("target") or (d.card.get("params") or {}).get("target")
    fig = charts.curves_figure(d.curves, int(b["k"]) if b.get("k") is not None else None,
                               float(target) if target is not None else None)
    note = ("Coverage: share of preference mentions within cosine τ of a chosen category. "
            "Variation explained: R² of each individual's preference vector projected on the span of "
            "the k category vectors; the dotted line is the best possible rank-k basis (PCA).")
    return H.section("Coverage and variation explained against k", H.figure_div(fig, "curves"), note, "curves"), True


def _category_table(d: ReportData, colors: dict[int, str]) -> str:
    cats = d.categories
    top = float(cats["share"].max() or 1) if len(cats) else 1.0
    rows = []
    for i, r in enumerate(cats.itertuples(index=False), 1):
        share = float(r.share) if pd.notna(r.share) else 0.0
        name = (f'<span class="swatch" style="background:{colors[int(r.category_id)]}"></span>'
                f"<b>{H.esc(r.name)}</b>")
        bar = f'{share:.1%}<div class="bar" style="width:{100 * share / top:.0f}%"></div>'
        ex = "<ul class=\"ex\">" + "".join(f"<li>{H.esc(e)}</li>" for e in r.examples) + "</ul>"
        rows.append([i, name, bar, f"{int(r.size):,}", f"{int(r.comparisons):,}", ex, _num(r.stability, ".2f")])
    table = H.html_table(rows, ["#", "category", "share", "descriptions", "comparisons",
                                "example descriptions", "stability"],
                         raw_cols=(1, 2, 5), num_cols=(0, 3, 4, 6))
    note = ("Each category is a real description (its medoid), named by the preference phrase used most "
            "inside it. Share: its part of all preference mentions. Stability: mean cosine of the matched "
            "category over bootstrap refits (1 = always found again).")
    return H.section(f"The {len(cats)} categories", f'<div class="scroll">{table}</div>', note, "categories")


def _map_section(store: Store, d: ReportData, cfg: ReportConfig, colors: dict[int, str]) -> tuple[str, bool]:
    assign = d.assignments
    if assign.empty:
        return H.missing("No description assignments stored for this basis."), False
    if len(assign) > cfg.max_points:  # deterministic sample: by text hash order
        keys = pd.util.hash_pandas_object(assign["description"], index=False)
        assign = assign.loc[keys.sort_values(kind="stable").index[: cfg.max_points]].reset_index(drop=True)
    xy, how = project_2d(assign["description"].tolist(), store, d.embedding_model, d.embedding_backend)
    names = dict(zip(d.categories["category_id"].astype(int), d.categories["name"]))
    fig = charts.map_figure(assign, xy, names, colors)
    note = (f"{len(assign):,} distinct descriptions, coloured by category (grey: unassigned); hover for "
            f"the text, click a legend entry to hide it. Projection: {H.esc(how)}.")
    return H.section("Map of the descriptions", H.figure_div(fig, "map"), note, "map"), True


def _topic_section(d: ReportData) -> tuple[str, bool]:
    mat = d.topic_matrix
    if mat.empty:
        return H.missing("No topics in the annotations or the basis."), False
    share = mat.div(mat.sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    fig = charts.heatmap_figure(share, title_x="preference category", title_y="topic",
                                value="share of topic", fmt=".1%")
    note = ("Rows: the 20 largest prompt topics (the basis's topic categories where extract made them, "
            "else the most frequent annotated topics); each row shows how that topic's comparisons split over the "
            "preference categories.")
    return H.section("Topic × preference category", H.figure_div(fig, "topics"), note, "topics"), True


def _ratings_section(d: ReportData) -> tuple[str, bool]:
    r = d.ratings
    if r.empty or r["rating"].notna().sum() == 0:
        return H.section("pElo: models rated per preference category", H.missing(
            "No ratings yet: run <code>prefbasis pelo</code> to rate the models per category."),
            anchor="pelo"), False
    forest = H.figure_div(charts.forest_figure(r), "forest")
    per_cat = r[(r["scope"] == "preference")]
    heat = H.missing("No per-category ratings (categories below --min-battles are left out).")
    if per_cat["rating"].notna().any():
        order = list(d.categories["name"])
        mat = per_cat.pivot_table(index="model", columns="category", values="rating", aggfunc="first")
        mat = mat[[c for c in order if c in mat.columns]]
        overall = r[r["scope"] == "overall"].set_index("model")["rating"]
        mat = mat.loc[(overall.reindex(mat.index) if len(overall) else mat.mean(axis=1))
                      .sort_values(ascending=False).index]
        heat = H.figure_div(charts.heatmap_figure(
            mat, title_x="category", title_y="model", value="pElo", fmt=".0f", colorscale="RdBu",
            zmid=float(np.nanmean(mat.to_numpy())), height=max(360, 28 * len(mat) + 200)), "model-heatmap")
    note = ("Bradley–Terry ratings on the Elo scale from the battles whose annotation falls in each "
            "category (ties half to each side); bars are bootstrap 95% intervals. Pick a category in "
            "the menu. Battles are tagged by the reason the winner won, so per-category ratings answer "
            "\"who wins when this is the reason\", not \"who is best at it\".")
    body = (f'<div class="grid2 wide-right"><div><h3>Ratings with 95% intervals</h3>{forest}</div>'
            f"<div><h3>Model × category</h3>{heat}</div></div>")
    return H.section("pElo: models rated per preference category", body, note, "pelo"), True


def _card_section(d: ReportData) -> str:
    b = d.basis
    skip = {"params", "basis_id"}
    items = {k: _show(v) for k, v in b.items()
             if k not in skip and v is not None and not (isinstance(v, float) and np.isnan(v))}
    params = b.get("params") or {}
    items.update({f"param: {k}": _show(v) for k, v in params.items() if k != "curves" and v is not None})
    for k, v in d.stability.items():
        items[f"bootstrap {k}"] = _num(v, ".3f") if isinstance(v, float) else v
    card = H.definition_list({"basis_id": b["basis_id"], **items})
    ann = d.annotators
    ann_html = (H.html_table(_rows(ann), list(ann.columns))
                if not ann.empty else H.missing("No annotations in the store."))
    ds = d.datasets
    ds_html = (H.html_table(_rows(ds), list(ds.columns))
               if not ds.empty else H.missing("No datasets."))
    body = (f'<div class="grid2 wide-right"><div><h3>Parameters and fingerprint</h3>{card}</div>'
            f'<div><h3>Annotator provenance</h3><div class="xscroll">{ann_html}</div>'
            f'<h3>Data</h3><div class="xscroll">{ds_html}</div></div></div>')
    return H.section("Basis card", body, "Everything needed to reproduce this basis.", "card")


def build_report(store: Store, config: ReportConfig | None = None) -> ReportResult:
    """Write one self-contained HTML report (works offline) for a basis in `store`."""
    cfg = config or ReportConfig()
    d = load_report_data(store, cfg.basis)
    b = d.basis
    ids = d.categories["category_id"].astype(int).tolist()
    colors = dict(zip(ids, charts.palette(len(ids))))
    drawn, missing = ["categories", "card"], []
    parts = []
    for name, (html, ok) in [("curves", _curves_section(d)),
                             ("map", _map_section(store, d, cfg, colors)),
                             ("topics", _topic_section(d)), ("pelo", _ratings_section(d))]:
        (drawn if ok else missing).append(name)
        parts.append((name, html))
    sections = dict(parts)
    n_desc = len(d.assignments)
    unassigned = b.get("unassigned_share")
    if unassigned is None or pd.isna(unassigned):
        unassigned = float(d.assignments["category_id"].isna().mean()) if n_desc else None
    kpi = H.kpis([("categories (k)", str(b.get("k") or len(d.categories))),
                  ("coverage", _pct(b.get("coverage"))),
                  ("variation explained", _pct(b.get("variation_explained"))),
                  ("unassigned mentions", _pct(unassigned)),
                  ("distinct descriptions", f"{n_desc:,}"),
                  ("comparisons", f"{int(d.datasets['n_rows'].sum()) if len(d.datasets) else 0:,}")])
    cats = _category_table(d, colors)
    grid_curves = sections["curves"] if "curves" in drawn else H.section(
        "Coverage and variation explained against k", sections["curves"], anchor="curves")
    body = "\n".join([kpi, grid_curves, cats, sections["map"],
                      sections["topics"] if "topics" in drawn else H.section(
                          "Topic × preference category", sections["topics"], anchor="topics"),
                      sections["pelo"], _card_section(d)])
    title = cfg.title or f"Preference basis: {b.get('name') or b['basis_id'][:12]}"
    created = _show(b.get("created_at"))
    subtitle = H.esc(f"basis {b['basis_id']} · k = {b.get('k')} · created {created} · "
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

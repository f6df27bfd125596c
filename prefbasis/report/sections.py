"""The report's sections about the basis itself: curves, categories, map, topics, pElo.

Each `*_section(...)` returns `(html, drawn)`: the section's HTML, and False when the store does not
hold its data yet (the HTML then says which command fills it).

Example:
    >>> html, drawn = curves_section(ReportData(basis={"k": 2}, categories=pd.DataFrame()))
    >>> drawn
    False
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prefbasis.report import charts
from prefbasis.report import html as H
from prefbasis.report.data import ReportData


def pct(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{float(x):.1%}"


def num(x: Any, fmt: str = ".3f") -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else format(float(x), fmt)


CURVES = "Coverage and variation explained against k"
TOPICS = "Topic × preference category"
PELO = "pElo: models rated overall and per preference category"


def curves_section(d: ReportData) -> tuple[str, bool]:
    b = d.basis
    if d.curves.empty:
        return H.section(CURVES, H.missing("No curves stored for this basis (extract writes "
                                           "<code>basis_curves</code>)."), anchor="curves"), False
    target = (b.get("params") or {}).get("target") or (d.card.get("params") or {}).get("target")
    fig = charts.curves_figure(d.curves, int(b["k"]) if b.get("k") is not None else None,
                               float(target) if target is not None else None)
    note = ("Coverage: share of preference mentions within cosine τ of a chosen category. "
            "Variation explained: R² of each individual's preference vector projected on the span of "
            "the k category vectors; the dotted line is the best possible rank-k basis (PCA).")
    return H.section(CURVES, H.figure_div(fig, "curves"), note, "curves"), True


def category_table(d: ReportData, colors: dict[int, str]) -> str:
    cats = d.categories
    top = float(cats["share"].max() or 1) if len(cats) else 1.0
    rows = []
    for i, r in enumerate(cats.itertuples(index=False), 1):
        share = float(r.share) if pd.notna(r.share) else 0.0
        name = (f'<span class="swatch" style="background:{colors[int(r.category_id)]}"></span>'
                f"<b>{H.esc(r.name)}</b>"
                + (' <span class="flag" title="the name holds a content word of its own mentions">'
                   'content word in name</span>' if bool(r.name_flagged) else ""))
        bar = f'{share:.1%}<div class="bar" style="width:{100 * share / top:.0f}%"></div>'
        ex = "<ul class=\"ex\">" + "".join(f"<li>{H.esc(e)}</li>" for e in r.examples) + "</ul>"
        rows.append([i, name, bar, f"{int(r.size):,}", f"{int(r.comparisons):,}", ex, num(r.stability, ".2f"),
                     pct(r.top3_prompt_share)])
    table = H.html_table(rows, ["#", "category", "share", "descriptions", "comparisons",
                                "example descriptions", "stability", "top-3 prompt share"],
                         raw_cols=(1, 2, 5), num_cols=(0, 3, 4, 6, 7))
    note = ("Each category is a real description (its medoid), named by the preference phrase used most "
            "inside it. Share: its part of all preference mentions. Stability: mean cosine of the matched "
            "category over bootstrap refits (1 = always found again). Top-3 prompt share: the part of its "
            "mentions that come from its three most common prompts (near 1: a topic, not a preference). "
            "A flag marks a name holding a content word of its own mentions (docs/metrics.md, Leakage).")
    return H.section(f"The {len(cats)} categories", f'<div class="scroll">{table}</div>', note, "categories")


def map_section(store, d: ReportData, max_points: int, colors: dict[int, str]) -> tuple[str, bool]:
    from prefbasis.report.projection import project_2d

    assign = d.assignments
    if assign.empty:
        return H.section("Map of the descriptions", H.missing("No description assignments stored for this "
                                                              "basis."), anchor="map"), False
    if len(assign) > max_points:  # deterministic sample: by text hash order
        keys = pd.util.hash_pandas_object(assign["description"], index=False)
        assign = assign.loc[keys.sort_values(kind="stable").index[:max_points]].reset_index(drop=True)
    xy, how, axes = project_2d(assign["description"].tolist(), store, d.embedding_model, d.embedding_backend)
    names = dict(zip(d.categories["category_id"].astype(int), d.categories["name"]))
    fig = charts.map_figure(assign, xy, names, colors, axes)
    note = (f"{len(assign):,} distinct descriptions, coloured by category (grey: unassigned); hover for "
            f"the text, click a legend entry to hide it. Projection: {H.esc(how)}. The axes are the two "
            "directions in which the descriptions' embeddings vary most; near points mean similar "
            "statements, and the axes themselves have no preference meaning.")
    return H.section("Map of the descriptions", H.figure_div(fig, "map"), note, "map"), True


def topic_section(d: ReportData) -> tuple[str, bool]:
    mat = d.topic_matrix
    if mat.empty:
        return H.section(TOPICS, H.missing("No topics in the annotations or the basis."), anchor="topics"), False
    share = mat.div(mat.sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    fig = charts.heatmap_figure(share, title_x="preference category", title_y="topic",
                                value="share of topic", fmt=".1%")
    note = ("Rows: the 20 largest prompt topics (the basis's topic categories where extract made them, "
            "else the most frequent annotated topics); each row shows how that topic's comparisons split "
            "over the preference categories. Long names are cut; hover for the full name.")
    return H.section(TOPICS, H.figure_div(fig, "topics"), note, "topics"), True


SOURCES = "Sources: which pooled dataset uses which category"


def sources_section(d: ReportData) -> tuple[str, bool]:
    """For a basis pooled over several datasets (`extract --pool`): the lift of each category in
    each dataset; ("", False) for a one-dataset basis (nothing to compare, nothing missing)."""
    src = d.sources
    if src.empty:
        return "", False
    from prefbasis.store.catalog import basis_datasets

    order = [n for n in d.categories["name"] if n in set(src["category"])]
    shared = src.groupby("dataset")["dataset_id"].nunique()
    label = [n if shared[n] == 1 else f"{n} ({i})" for n, i in zip(src["dataset"], src["dataset_id"])]
    mat = src.assign(label=label).pivot_table(index="label", columns="category", values="lift",
                                              aggfunc="first")[order]
    fig = charts.heatmap_figure(mat, title_x="preference category", title_y="dataset", value="lift", fmt=".2f",
                                colorscale="RdBu", zmid=1.0)
    note = (f"The basis was fit on {len(basis_datasets(d.basis))} datasets pooled. Lift: a category's share of "
            "one dataset's tags divided by its share of all tags (1: as often as in the pool; 0: the "
            "dataset never uses it; 2: twice as often). Where datasets differ, their judges rewarded "
            "different things, or were asked to. Table: <code>prefbasis query -f category_by_dataset --param "
            f"basis={H.esc(d.basis['basis_id'])}</code>.")
    return H.section(SOURCES, H.figure_div(fig, "sources"), note, "sources"), True


def ratings_section(d: ReportData) -> tuple[str, bool]:
    r = d.ratings
    if r.empty or r["rating"].notna().sum() == 0:
        return H.section(PELO, H.missing(
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
            mat, title_x="preference category", title_y="model", value="pElo", fmt=".0f", colorscale="RdBu",
            zmid=float(np.nanmean(mat.to_numpy()))), "model-heatmap")
    overall = ("" if not (r["scope"] == "overall").any() else
               f"The menu opens on <b>{H.esc(d.overall_label)}</b>: all battles of that run, whatever the reason. ")
    note = (overall + "Bradley–Terry ratings on the Elo scale from the battles whose annotation falls in each "
            "category (ties half to each side); bars are bootstrap 95% intervals. Battles are tagged by "
            "the reason the winner won, so per-category ratings answer \"who wins when this is the "
            "reason\", not \"who is best at it\".")
    body = (f"<h3>Ratings with 95% intervals (pick a scope in the menu)</h3>{forest}"
            f"<h3>Model × category</h3>{heat}")
    return H.section(PELO, body, note, "pelo"), True

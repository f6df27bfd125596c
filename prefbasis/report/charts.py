"""Plotly figures for the report: curves, map, heatmaps, forest plot. Each takes frames, returns a Figure.

Example:
    >>> import pandas as pd
    >>> fig = curves_figure(pd.DataFrame({"k": [1, 2], "coverage": [0.5, 0.9]}), k=2, target=0.89)
    >>> len(fig.data) >= 1
    True
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
UNASSIGNED = "#b8bec6"


def palette(n: int) -> list[str]:
    """n distinct colours (Plotly's Alphabet + Dark24 palettes, cycled)."""
    import plotly.express as px

    base = px.colors.qualitative.Dark24 + px.colors.qualitative.Alphabet
    return [base[i % len(base)] for i in range(n)]


def _layout(fig, height: int, **kwargs):
    kwargs.setdefault("margin", dict(l=10, r=10, t=30, b=10))
    fig.update_layout(height=height, template="plotly_white", font=dict(family=FONT, size=12), **kwargs)
    return fig


def curves_figure(curves: pd.DataFrame, k: int | None, target: float | None):
    """Coverage and variation explained against k, the target line and the chosen k."""
    import plotly.graph_objects as go

    fig = go.Figure()
    styles = {"coverage": ("Coverage", "#1f77b4", "solid"),
              "variation_explained": ("Variation explained (basis)", "#d62728", "solid"),
              "pca_optimum": ("Rank-k PCA optimum", "#d62728", "dot"),
              "variation_pca": ("Rank-k PCA optimum", "#d62728", "dot"),
              "heldout_coverage": ("Held-out coverage", "#1f77b4", "dot"),
              "nmf_r2": ("NMF reconstruction R²", "#2ca02c", "dash")}
    for col, (label, color, dash) in styles.items():
        if col in curves.columns and curves[col].notna().any():
            fig.add_trace(go.Scatter(x=curves["k"], y=curves[col], name=label, mode="lines",
                                     line=dict(color=color, dash=dash, width=2.5 if dash == "solid" else 1.8),
                                     hovertemplate=f"k=%{{x}}<br>{label}: %{{y:.3f}}<extra></extra>"))
    # the target and the chosen k are legend entries, not text drawn over the curves
    if target is not None:
        fig.add_trace(go.Scatter(x=[curves["k"].min(), curves["k"].max()], y=[target, target], mode="lines",
                                 name=f"target coverage {target:.2f}", line=dict(color="#555", dash="dash", width=1),
                                 hoverinfo="skip"))
    if k is not None:
        fig.add_trace(go.Scatter(x=[k, k], y=[0, 1.02], mode="lines", name=f"chosen k = {k}",
                                 line=dict(color="#ff7f0e", width=1.5), hoverinfo="skip"))
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title="share")
    fig.update_xaxes(title="k (number of categories)")
    return _layout(fig, 380, legend=dict(orientation="h", y=-0.25))


def short(text: str, width: int = 28) -> str:
    """A tick label: at most `width` characters (the full text is in the hover)."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or " "


def map_figure(assign: pd.DataFrame, xy: np.ndarray, names: dict[int, str], colors: dict[int, str],
               axis_titles: tuple[str, str] = ("", "")):
    """Descriptions in 2-D, one trace per category (click the legend to toggle), text on hover."""
    import plotly.graph_objects as go

    fig = go.Figure()
    cat = assign["category_id"]
    groups = [(cid, names[cid], colors[cid]) for cid in names] + [(None, "unassigned", UNASSIGNED)]
    for cid, name, color in groups:
        mask = (cat.isna() if cid is None else (cat == cid).fillna(False)).to_numpy(dtype=bool)
        if not mask.any():
            continue
        sub = assign[mask]
        hover = [f"<b>{name}</b> (sim {s:.2f})<br>{_wrap(d)}" if pd.notna(s) else f"<b>{name}</b><br>{_wrap(d)}"
                 for d, s in zip(sub["description"], sub["similarity"])]
        fig.add_trace(go.Scatter(x=xy[mask, 0], y=xy[mask, 1], mode="markers", name=short(name, 40),
                                 marker=dict(size=5, color=color, opacity=0.45 if cid is None else 0.75),
                                 text=hover, hovertemplate="%{text}<extra></extra>"))
    fig.update_xaxes(showticklabels=False, zeroline=False, title=axis_titles[0])
    fig.update_yaxes(showticklabels=False, zeroline=False, title=axis_titles[1])
    return _layout(fig, 560, legend=dict(font=dict(size=10), itemsizing="constant"), hovermode="closest",
                   margin=dict(l=40, r=10, t=30, b=40))


def heatmap_figure(mat: pd.DataFrame, *, title_x: str, title_y: str, value: str, fmt: str,
                   colorscale: str = "Blues", zmid: float | None = None, height: int | None = None):
    """A labelled heatmap (rows × columns of `mat`). Column labels stand upright, one per column and
    at most 28 characters; row labels at most 36; full names in the hover. Cells are at least as
    tall and as wide as a label line, so no two labels overlap."""
    import plotly.graph_objects as go

    z = mat.to_numpy(dtype=float)
    cols, rows = [str(c) for c in mat.columns], [str(r) for r in mat.index]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(len(cols))), y=list(range(len(rows))), colorscale=colorscale, zmid=zmid,
        customdata=[[(r, c) for c in cols] for r in rows],
        hovertemplate=(f"{title_y}: %{{customdata[0]}}<br>{title_x}: %{{customdata[1]}}<br>"
                       f"{value}: %{{z:{fmt}}}<extra></extra>"),
        colorbar=dict(title=dict(text=value, side="right"), thickness=12)))
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(cols))), ticktext=[short(c) for c in cols],
                     tickangle=-90, tickfont=dict(size=10), automargin=True, title=title_x)
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(rows))), ticktext=[short(r, 36) for r in rows],
                     autorange="reversed", tickfont=dict(size=10), automargin=True, title=title_y)
    rows_px = max(18, 22 * len(rows))
    return _layout(fig, height or rows_px + 260, margin=dict(l=10, r=10, t=20, b=10))


def forest_figure(ratings: pd.DataFrame):
    """pElo with CIs, one panel per scope, switched by a dropdown (Overall first)."""
    import plotly.graph_objects as go

    rated = ratings[ratings["rating"].notna()]
    # overall first (its label may carry the run's filter, e.g. "Overall (judge human)")
    scopes = list(dict.fromkeys(list(rated.loc[rated["scope"] == "overall", "category"])
                                + list(rated.loc[rated["scope"] != "overall", "category"])))
    fig = go.Figure()
    n_models = 1
    for i, scope in enumerate(scopes):
        sub = rated[rated["category"] == scope].sort_values("rating")
        n_models = max(n_models, len(sub))
        has_ci = sub["ci_low"].notna() & sub["ci_high"].notna()
        err_plus = np.where(has_ci, sub["ci_high"] - sub["rating"], 0)
        err_minus = np.where(has_ci, sub["rating"] - sub["ci_low"], 0)
        custom = np.stack([sub["ci_low"].fillna(np.nan), sub["ci_high"].fillna(np.nan),
                           sub["rank"].fillna(-1), sub["battles"].fillna(0)], axis=1)
        fig.add_trace(go.Scatter(
            x=sub["rating"], y=sub["model"], mode="markers", visible=(i == 0), name=scope,
            marker=dict(size=9, color="#1f77b4"), customdata=custom,
            error_x=dict(type="data", array=err_plus, arrayminus=err_minus, thickness=1.5, width=4),
            hovertemplate="<b>%{y}</b><br>pElo %{x:.0f} [%{customdata[0]:.0f}, %{customdata[1]:.0f}]"
                          "<br>rank %{customdata[2]} · %{customdata[3]} battles<extra></extra>"))
    buttons = [dict(label=short(s, 48), method="update", args=[{"visible": [j == i for j in range(len(scopes))]}])
               for i, s in enumerate(scopes)]
    fig.update_layout(updatemenus=[dict(buttons=buttons, x=0.0, xanchor="left", y=1.02, yanchor="bottom",
                                        showactive=True, bgcolor="#fff", bordercolor="#c9d1d9")],
                      showlegend=False)
    fig.update_xaxes(title="pElo (95% bootstrap CI)")
    return _layout(fig, max(320, 30 * n_models + 140), margin=dict(l=10, r=10, t=60, b=10))


def accuracy_figure(evals: pd.DataFrame):
    """Preference accuracy of the base model and the tuned adapter per evaluated data set, with CIs
    (one row per data set: the category first, then the other categories)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    rows = evals[evals["variant"].isin(["base", "tuned"])].copy()
    rows["label"] = [short(f"{c or d} ({r})", 48) for c, d, r in zip(rows["category"], rows["data"], rows["role"])]
    for variant, color in (("base", "#8c96a3"), ("tuned", "#1f6feb")):
        sub = rows[rows["variant"] == variant]
        fig.add_trace(go.Scatter(
            x=sub["value"], y=sub["label"], mode="markers", name=variant, marker=dict(size=10, color=color),
            error_x=dict(type="data", array=sub["ci_high"] - sub["value"], arrayminus=sub["value"] - sub["ci_low"],
                         thickness=1.5, width=4),
            customdata=np.stack([sub["ci_low"], sub["ci_high"], sub["n"]], axis=1) if len(sub) else None,
            hovertemplate="%{y}<br>" + variant + " accuracy %{x:.3f} [%{customdata[0]:.3f}, "
                          "%{customdata[1]:.3f}] · %{customdata[2]} pairs<extra></extra>"))
    fig.add_trace(go.Scatter(x=[0.5, 0.5], y=[rows["label"].iloc[0], rows["label"].iloc[-1]] if len(rows) else [],
                             mode="lines", name="chance (0.5)", line=dict(color="#555", dash="dot", width=1),
                             hoverinfo="skip"))
    fig.update_xaxes(title="preference accuracy (95% bootstrap CI)", range=[0, 1])
    fig.update_yaxes(automargin=True, autorange="reversed")
    n = rows["label"].nunique()
    return _layout(fig, max(220, 40 * n + 150), legend=dict(orientation="h", y=-0.3))


def recovery_figure(spearman: pd.DataFrame):
    """Spearman of per-category pElo against the planted strengths, one bar per category."""
    import plotly.graph_objects as go

    rows = spearman.sort_values("value")
    fig = go.Figure(go.Bar(
        x=rows["value"], y=[short(c, 36) for c in rows["category"]], orientation="h", marker_color="#1f6feb",
        customdata=np.stack([rows["category"], rows["planted_category"], rows["n"]], axis=1),
        hovertemplate="%{customdata[0]}<br>planted: %{customdata[1]}<br>Spearman %{x:.3f} over "
                      "%{customdata[2]} models<extra></extra>"))
    fig.update_xaxes(title="Spearman(pElo, planted strength)", range=[min(0.0, float(rows["value"].min())), 1])
    fig.update_yaxes(automargin=True, tickfont=dict(size=10))
    return _layout(fig, max(240, 22 * len(rows) + 120))

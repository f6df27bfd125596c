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
    if target is not None:
        fig.add_hline(y=target, line=dict(color="#555", dash="dash", width=1),
                      annotation_text=f"target {target:.2f}", annotation_position="bottom right")
    if k is not None:
        fig.add_vline(x=k, line=dict(color="#ff7f0e", width=1.5),
                      annotation_text=f"chosen k = {k}", annotation_position="top left")
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title="share")
    fig.update_xaxes(title="k (number of categories)")
    return _layout(fig, 360, legend=dict(orientation="h", y=-0.22))


def _wrap(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or " "


def map_figure(assign: pd.DataFrame, xy: np.ndarray, names: dict[int, str], colors: dict[int, str]):
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
        fig.add_trace(go.Scatter(x=xy[mask, 0], y=xy[mask, 1], mode="markers", name=name,
                                 marker=dict(size=5, color=color, opacity=0.45 if cid is None else 0.75),
                                 text=hover, hovertemplate="%{text}<extra></extra>"))
    fig.update_xaxes(showticklabels=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, zeroline=False, title=None)
    return _layout(fig, 560, legend=dict(font=dict(size=10), itemsizing="constant"), hovermode="closest")


def heatmap_figure(mat: pd.DataFrame, *, title_x: str, title_y: str, value: str, fmt: str,
                   colorscale: str = "Blues", zmid: float | None = None, height: int | None = None):
    """A labelled heatmap (rows × columns of `mat`)."""
    import plotly.graph_objects as go

    z = mat.to_numpy(dtype=float)
    fig = go.Figure(go.Heatmap(
        z=z, x=[_wrap(c, 18) for c in mat.columns], y=list(mat.index), colorscale=colorscale, zmid=zmid,
        hovertemplate=f"{title_y}: %{{y}}<br>{title_x}: %{{x}}<br>{value}: %{{z:{fmt}}}<extra></extra>",
        colorbar=dict(title=dict(text=value, side="right"), thickness=12)))
    fig.update_xaxes(tickangle=-45, tickfont=dict(size=10))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=10))
    return _layout(fig, height or max(320, 26 * len(mat.index) + 170))


def forest_figure(ratings: pd.DataFrame):
    """pElo with CIs, one panel per scope, switched by a dropdown (Overall first)."""
    import plotly.graph_objects as go

    rated = ratings[ratings["rating"].notna()]
    scopes = list(dict.fromkeys(["Overall"] * bool((rated["category"] == "Overall").any())
                                + list(rated.loc[rated["category"] != "Overall", "category"])))
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
    buttons = [dict(label=s, method="update", args=[{"visible": [j == i for j in range(len(scopes))]}])
               for i, s in enumerate(scopes)]
    fig.update_layout(updatemenus=[dict(buttons=buttons, x=0.0, xanchor="left", y=1.02, yanchor="bottom",
                                        showactive=True, bgcolor="#fff", bordercolor="#c9d1d9")],
                      showlegend=False)
    fig.update_xaxes(title="pElo (95% bootstrap CI)")
    return _layout(fig, max(320, 30 * n_models + 140), margin=dict(l=10, r=10, t=60, b=10))

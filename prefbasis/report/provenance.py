"""The report's sections about what was done with the basis and how it was made: recovery of a
simulated truth, DPO (exports, training runs, evaluations), and the basis card.

Example:
    >>> from prefbasis.report.data import ReportData
    >>> html, drawn = dpo_section(ReportData(basis={}, categories=pd.DataFrame()))
    >>> drawn, "prefbasis export-dpo" in html
    (False, True)
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prefbasis.report import charts
from prefbasis.report import html as H
from prefbasis.report.data import ReportData
from prefbasis.report.sections import num

DPO = "DPO on a category: exports, training runs, evaluations"
RECOVERY = "Recovery of the planted truth (simulated data)"
COUNTS = {"replicates", "n_descriptions", "n_mentions", "k", "n_rows", "annotations", "comparisons"}


def show(v: Any, key: str = "") -> str:
    """A value for people: counts as integers, 4 significant digits for other floats, seconds for
    timestamps, JSON for the rest."""
    if isinstance(v, np.ndarray):   # a list column (bases.dataset_ids) read through pandas
        v = v.tolist()
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        counted = key in COUNTS or key.startswith("n_")
        return f"{int(v):,}" if counted and float(v).is_integer() else f"{float(v):.4g}"
    if isinstance(v, (pd.Timestamp, datetime)):
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def rows(df: pd.DataFrame) -> list[list[str]]:
    return [["" if v is None or (not isinstance(v, (list, dict)) and pd.isna(v)) else show(v, k)
             for k, v in zip(df.columns, row)] for row in df.itertuples(index=False)]


def _folder(path: Any) -> str:
    """The last part of a folder (the report never shows where on disk it lives)."""
    return Path(str(path)).name if path else ""


def recovery_section(d: ReportData) -> tuple[str, bool]:
    rec = d.recovery
    if rec.empty:
        return "", False
    ari = rec[rec["metric"] == "ari"]
    rho = rec[rec["metric"] == "spearman"]
    kpis = [("ARI vs planted categories", num(ari["value"].iloc[0]) if len(ari) else "—")]
    if len(rho):
        kpis += [("Spearman median", num(rho["value"].median())), ("Spearman min", num(rho["value"].min())),
                 ("categories matched", f"{len(rho)}")]
    chart = H.figure_div(charts.recovery_figure(rho), "recovery") if len(rho) else ""
    note = ("The data are simulated with planted preference categories and per-category model strengths "
            "(`prefbasis simulate`). ARI: adjusted Rand index between the basis's categories of the "
            "planted descriptions and their planted categories (1 = the same partition; unassigned "
            "descriptions count as one more group). Spearman: per basis category, the rank correlation "
            "of its pElo ratings with the planted strengths of the planted category it matches.")
    return H.section(RECOVERY, H.kpis(kpis) + chart, note, "recovery"), True


def dpo_section(d: ReportData) -> tuple[str, bool]:
    ex, runs, ev = d.exports, d.training_runs, d.evaluations
    if ex.empty and runs.empty and ev.empty:
        return H.section(DPO, H.missing(
            "No DPO data yet for this basis: <code>prefbasis export-dpo --category C --out DIR</code>, then "
            "<code>prefbasis train --data DIR --model M</code> and <code>prefbasis evaluate --adapter "
            "DIR-lora --data DIR</code>."), anchor="dpo"), False
    parts = []
    if not ex.empty:
        t = ex.assign(folder=ex["out"].map(_folder), subset=np.where(ex["complement"].fillna(False),
                                                                    "all other categories", "the category"))
        t = t[["category", "subset", "n_pairs", "n_train", "n_test", "folder", "created_at"]]
        parts.append(f"<h3>Exported subsets</h3><div class=\"xscroll\">{H.html_table(rows(t), list(t.columns))}</div>")
    if not runs.empty:
        t = runs.assign(adapter=runs["output_dir"].map(_folder), base=runs["base_model"].map(_folder))
        t = t[["category", "base", "adapter", "n_train", "steps", "final_loss", "reward_accuracy", "device"]]
        parts.append(f"<h3>Training runs (DPO + LoRA)</h3><div class=\"xscroll\">"
                     f"{H.html_table(rows(t), list(t.columns))}</div>")
    if not ev.empty:
        latest = ev[ev["adapter"] == ev.sort_values("created_at")["adapter"].iloc[-1]]
        parts.append("<h3>Preference accuracy, base vs tuned (newest evaluated adapter)</h3>"
                     + H.figure_div(charts.accuracy_figure(latest), "accuracy"))
        delta = latest[latest["variant"] == "delta"].assign(data=lambda f: f["data"].map(_folder))
        if len(delta):
            t = delta[["category", "role", "data", "value", "ci_low", "ci_high", "n"]].rename(
                columns={"value": "tuned − base", "n": "pairs"})
            parts.append(f"<div class=\"xscroll\">{H.html_table(rows(t), list(t.columns))}</div>")
    note = ("Export: the comparisons of one category as chosen/rejected pairs, split by prompt. Training: "
            "TRL DPO with a LoRA adapter on the export's train split. Evaluation: share of held-out pairs "
            "in which the model gives the chosen response a higher mean token log-probability than the "
            "rejected one; base = adapter disabled. 'category' rows are the trained category, 'other' rows "
            "the other categories (the control).")
    return H.section(DPO, "".join(parts), note, "dpo"), True


def _annotator_rows(ann: pd.DataFrame) -> pd.DataFrame:
    """The provenance table with its blanks explained (rule-based annotators use no LLM or prompt)."""
    ann = ann.copy()
    if "model" in ann:
        ann["model"] = [m if isinstance(m, str) and m.strip() else "none (no LLM)" for m in ann["model"]]
    if "template_hash" in ann:
        ann["template_hash"] = [h if isinstance(h, str) and h else "none (no prompt)" for h in ann["template_hash"]]
    return ann


def card_section(d: ReportData) -> str:
    b = d.basis
    items = {k: show(v, k) for k, v in b.items()
             if k not in {"params", "basis_id"} and v is not None and not (isinstance(v, float) and np.isnan(v))}
    items.update({f"param: {k}": show(v, k) for k, v in (b.get("params") or {}).items()
                  if k != "curves" and v is not None})
    for k, v in d.stability.items():
        items[f"bootstrap {k}"] = show(v, k) if k == "replicates" else num(v, ".3f")
    card = H.definition_list({"basis_id": b["basis_id"], **items})
    ann = d.annotators
    ann_html = (H.html_table(rows(_annotator_rows(ann)), list(ann.columns))
                if not ann.empty else H.missing("No annotations in the store."))
    ds = d.datasets
    ds_html = (H.html_table(rows(ds), list(ds.columns)) if not ds.empty else H.missing("No datasets."))
    body = (f'<div class="grid2 wide-right"><div><h3>Parameters and fingerprint</h3>{card}</div>'
            f'<div><h3>Annotator provenance</h3><div class="wrap">{ann_html}</div>'
            f'<h3>Data</h3><div class="wrap">{ds_html}</div></div></div>')
    return H.section("Basis card", body, "Everything needed to reproduce this basis.", "card")

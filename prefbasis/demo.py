"""The whole idea end to end in one call: `run_demo(store, DemoConfig(...)) -> DemoResult`.

Default (offline, no API key): simulate a dataset with 21 planted categories (written like any
ingested dataset, with the simulated judges' stated reasons as annotations) → embed (MiniLM) →
extract → pElo → export-dpo for the top category → HTML report, then score the basis against the
planted truth. With `data`/`format`/`annotator` the same chain runs on real data (no truth to score).

Example:
    >>> from prefbasis.store import Store
    >>> result = run_demo(Store.open("prefbasis-demo/prefbasis.duckdb"),
    ...                   DemoConfig(out="prefbasis-demo"))  # doctest: +SKIP
    >>> print(format_summary(result))  # doctest: +SKIP
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from prefbasis.encoders import EmbeddingOptions
from prefbasis.errors import ConfigError
from prefbasis.store import Store


@dataclass
class DemoConfig(EmbeddingOptions):
    """Options of `prefbasis demo`. Leave `data` unset for the simulated, offline default."""

    out: str | Path = "prefbasis-demo"
    seed: int = 0
    data: str | None = None              # real data: a source `prefbasis ingest` reads
    format: str | None = None            # its ingest format
    annotator: str = "rationale"         # real data: annotate backend (openai, transformers, rationale)
    annotator_model: str | None = None
    base_url: str | None = None
    limit: int | None = None             # annotate at most this many comparisons (real data)
    k: str = "auto"
    target: float = 0.89
    bootstrap: int = 100                 # pElo bootstrap rounds
    stability: int = 10                  # extract's bootstrap refits (category stability scores)
    min_battles: int = 50
    embedding_model: str | None = None
    simulation: dict[str, Any] = field(default_factory=dict)  # SimulationConfig overrides (smaller runs)
    quiet: bool | None = None

    def __post_init__(self) -> None:
        if self.data and not self.format:
            raise ConfigError("--data needs --format (one of the `prefbasis ingest` formats)")
        if self.format and not self.data:
            raise ConfigError("--format needs --data SOURCE")


@dataclass
class DemoResult:
    """What the chain produced, with the recovery scores when the data is simulated."""

    basis_id: str
    k: int
    coverage: float | None
    variation_explained: float | None
    pca_optimum: float | None
    report: Path
    dpo_dir: Path | None
    top_categories: pd.DataFrame
    top_models: pd.DataFrame
    ari: float | None = None
    spearman: pd.DataFrame | None = None     # per basis category: matched planted category, rho
    planted_k: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _step(timings: dict[str, float], name: str, say, fn, *args, **kwargs) -> Any:
    say(f"[demo] {name} ...")
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    timings[name] = time.perf_counter() - start
    say(f"[demo] {name} done in {timings[name]:.1f} s")
    return value


def _simulate(store: Store, cfg: DemoConfig) -> str:
    from prefbasis.simulate import SimulationConfig, simulate

    options = {"seed": cfg.seed, "n_categories": 21, **cfg.simulation}
    return simulate(store, SimulationConfig(**options)).dataset_id


def _ingest_and_annotate(store: Store, cfg: DemoConfig) -> str:
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.ingest import ingest

    dataset_id = ingest(store, cfg.data, cfg.format).dataset_id
    kwargs: dict[str, Any] = {"annotator": cfg.annotator, "dataset": dataset_id, "limit": cfg.limit,
                              "seed": cfg.seed, "quiet": cfg.quiet}
    if cfg.annotator_model:
        kwargs["model"] = cfg.annotator_model
    if cfg.base_url:
        kwargs["base_url"] = cfg.base_url
    annotate(store, AnnotateConfig(**kwargs))
    return dataset_id


def _descriptions(store: Store, dataset_id: str) -> list[str]:
    return store.df("select distinct a.description from annotations a join comparisons c using (comparison_id) "
                    "where c.dataset_id = ? order by 1", [dataset_id])["description"].tolist()


def _extract(store: Store, cfg: DemoConfig, dataset_id: str) -> str:
    from prefbasis.basis import ExtractConfig, extract

    k: Any = cfg.k if cfg.k == "auto" else int(cfg.k)
    kwargs: dict[str, Any] = {"k": k, "target": cfg.target, "seed": cfg.seed, "dataset": dataset_id,
                              "stability": cfg.stability, "quiet": cfg.quiet, "backend": cfg.backend,
                              "device": cfg.device}
    if cfg.embedding_model:
        kwargs["embedding_model"] = cfg.embedding_model
    return extract(store, ExtractConfig(**kwargs)).basis_id


def recovery_ari(store: Store, basis_id: str, dataset_id: str) -> tuple[float | None, pd.DataFrame]:
    """Adjusted Rand index of the basis's description categories vs the planted ones (unassigned = own label),
    over the descriptions of planted categories only (the simulator's one-off '(idiosyncratic)' reasons,
    which no category should cover, are left out), and the planted category each basis category matches."""
    from sklearn.metrics import adjusted_rand_score

    from prefbasis.embed import normalize_text

    planted = store.df("select description, planted_category from planted_descriptions where dataset_id = ? "
                       "and planted_category <> '(idiosyncratic)'", [dataset_id])
    if planted.empty:
        return None, pd.DataFrame()
    planted["description"] = planted["description"].map(normalize_text)
    planted = planted.drop_duplicates("description")
    assigned = store.df("select description, category_id from description_assignments "
                        "where basis_id = ? and kind = 'preference'", [basis_id])
    assigned["description"] = assigned["description"].map(normalize_text)
    both = planted.merge(assigned.drop_duplicates("description"), on="description", how="inner")
    if both.empty:
        return None, pd.DataFrame()
    found = both["category_id"].astype("Int64").astype(str).where(both["category_id"].notna(), "unassigned")
    ari = float(adjusted_rand_score(both["planted_category"], found))
    match = (both.dropna(subset=["category_id"]).groupby("category_id")["planted_category"]
             .agg(lambda s: s.value_counts().index[0]).rename("planted_category").reset_index())
    return ari, match


def recovery_spearman(store: Store, basis_id: str, dataset_id: str, match: pd.DataFrame) -> pd.DataFrame | None:
    """Spearman of per-category pElo vs the planted per-category model strengths."""
    from scipy.stats import spearmanr

    from prefbasis.report.data import table_columns

    if match.empty or "strength" not in table_columns(store, "planted_model_strengths"):
        return None
    strengths = store.df("select planted_category, model, strength from planted_model_strengths "
                         "where dataset_id = ?", [dataset_id])
    ratings = store.df("select category_id, model, rating from ratings where basis_id = ? "
                       "and scope = 'preference' and rating is not null", [basis_id])
    rows = []
    names = store.df("select category_id, name from categories where basis_id = ? and kind = 'preference'",
                     [basis_id]).set_index("category_id")["name"]
    for cid, planted in zip(match["category_id"], match["planted_category"]):
        r = ratings[ratings["category_id"] == cid].merge(
            strengths[strengths["planted_category"] == planted], on="model")
        if len(r) >= 3:
            rows.append({"category_id": int(cid), "category": names.get(cid), "planted_category": planted,
                         "models": len(r), "spearman": float(spearmanr(r["rating"], r["strength"]).statistic)})
    return pd.DataFrame(rows) if rows else None


def _top_models(store: Store, basis_id: str, categories: pd.DataFrame, n_models: int = 3) -> pd.DataFrame:
    ratings = store.df("select category_id, model, rating from ratings where basis_id = ? and scope = 'preference' "
                       "and rating is not null order by category_id, rating desc", [basis_id])
    rows = []
    for cid, name in zip(categories["category_id"], categories["name"]):
        top = ratings[ratings["category_id"] == cid].head(n_models)
        rows.append({"category": name, "top models": ", ".join(f"{m} ({r:.0f})" for m, r in
                                                               zip(top["model"], top["rating"])) or "—"})
    return pd.DataFrame(rows)


def run_demo(store: Store, config: DemoConfig | None = None) -> DemoResult:
    """Run the whole chain into `store` and `config.out`; returns the numbers the summary prints."""
    import sys

    from prefbasis.progress import quiet_default
    from prefbasis.ratings import PeloConfig, pelo
    from prefbasis.report import ReportConfig, build_report
    from prefbasis.train.config import ExportConfig
    from prefbasis.train.export import export_dpo

    cfg = config or DemoConfig()
    quiet = quiet_default() if cfg.quiet is None else cfg.quiet
    say = (lambda text: None) if quiet else (lambda text: print(text, file=sys.stderr))
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    t: dict[str, float] = {}
    if cfg.data:
        dataset_id = _step(t, "ingest + annotate", say, _ingest_and_annotate, store, cfg)
    else:
        dataset_id = _step(t, "simulate (ingest + judges' stated reasons as annotations)", say,
                           _simulate, store, cfg)
    from prefbasis.embed import embed_texts

    _step(t, "embed", say, embed_texts, _descriptions(store, dataset_id), store=store,
          model=cfg.embedding_model, backend=cfg.backend, device=cfg.device, quiet=quiet)
    basis_id = _step(t, "extract", say, _extract, store, cfg, dataset_id)
    _step(t, "pelo", say, pelo, store, PeloConfig(basis=basis_id, bootstrap=cfg.bootstrap,
                                                  min_battles=cfg.min_battles, seed=cfg.seed))
    basis = store.df("select * from bases where basis_id = ?", [basis_id]).iloc[0]
    cats = store.df("select category_id, name, share from categories where basis_id = ? and kind = 'preference' "
                    "order by share desc, category_id", [basis_id])
    notes: list[str] = []
    dpo_dir = out / "dpo-top-category"
    try:
        _step(t, "export-dpo", say, export_dpo, store,
              ExportConfig(category=str(int(cats["category_id"].iloc[0])), basis=basis_id, out=str(dpo_dir),
                           seed=cfg.seed))
    except Exception as exc:  # noqa: BLE001 - a too-small subset is reported, not fatal to the demo
        notes.append(f"export-dpo skipped: {exc}")
        dpo_dir = None
    report = _step(t, "report", say, build_report, store,
                   ReportConfig(basis=basis_id, out=out / "report.html")).path
    ari, match = recovery_ari(store, basis_id, dataset_id)
    spearman = recovery_spearman(store, basis_id, dataset_id, match) if ari is not None else None
    planted_k = store.scalar("select count(distinct planted_category) from planted_descriptions "
                             "where dataset_id = ? and planted_category <> '(idiosyncratic)'", [dataset_id]) or None

    def num(name: str) -> float | None:
        v = basis.get(name)
        return None if v is None or pd.isna(v) else float(v)

    return DemoResult(basis_id=basis_id, k=int(basis["k"]), coverage=num("coverage"),
                      variation_explained=num("variation_explained"), pca_optimum=num("pca_optimum"),
                      report=report, dpo_dir=dpo_dir, top_categories=cats.head(5),
                      top_models=_top_models(store, basis_id, cats.head(5)), ari=ari, spearman=spearman,
                      planted_k=planted_k, timings=t, notes=notes)


def format_summary(r: DemoResult) -> str:
    """The short text `prefbasis demo` prints."""
    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    lines = [f"basis {r.basis_id}: k = {r.k}" + (f" (planted {r.planted_k})" if r.planted_k else ""),
             f"coverage {pct(r.coverage)} · variation explained {pct(r.variation_explained)}"
             + (f" (rank-{r.k} PCA optimum {pct(r.pca_optimum)})" if r.pca_optimum is not None else "")]
    if r.ari is not None:
        lines.append(f"recovery vs planted truth: ARI {r.ari:.3f}")
    if r.spearman is not None and len(r.spearman):
        rho = r.spearman["spearman"]
        lines.append(f"pElo vs planted strengths: Spearman median {rho.median():.3f}, min {rho.min():.3f} "
                     f"over {len(rho)} categories")
    lines.append("top categories:")
    lines += [f"  {s:6.1%}  {n}" for n, s in zip(r.top_categories["name"], r.top_categories["share"])]
    lines.append("top models per category (pElo):")
    lines += [f"  {c}: {m}" for c, m in zip(r.top_models["category"], r.top_models["top models"])]
    if r.dpo_dir:
        lines.append(f"DPO data for the top category: {r.dpo_dir}")
    lines += r.notes
    lines.append("timings: " + ", ".join(f"{k.split(' ')[0]} {v:.1f}s" for k, v in r.timings.items())
                 + f" (total {sum(r.timings.values()):.1f}s)")
    lines.append(f"report: {r.report}")
    return "\n".join(lines)

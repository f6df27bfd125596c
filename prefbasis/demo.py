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
from typing import TYPE_CHECKING, Any

from prefbasis.basis.config import DEFAULT_TARGET, check_k, parse_k
from prefbasis.encoders import EmbeddingOptions
from prefbasis.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.annotate.backends.rationale import RationaleAnnotator

    from prefbasis.store import Store


# the demo's simulated data: smaller than `prefbasis simulate`'s default (20,000 comparisons) so that
# the whole chain, the description stage included, runs in well under a minute; still k 21, ARI >= 0.9
DEMO_SIMULATION = {"n_comparisons": 10_000, "n_distinct": 2_500, "n_judges": 80}


@dataclass
class DemoConfig(EmbeddingOptions):
    """Options of `prefbasis demo`. Leave `data` unset for the simulated, offline default."""

    out: str | Path = field(default="prefbasis-demo", metadata={
        "aliases": ["-o"], "help": "folder for the report and the DPO data"})
    seed: int = field(default=0, metadata={"help": "seed of every step"})
    data: str | None = field(default=None, metadata={
        "help": "real data: a source `prefbasis ingest` reads (file, folder, HF id)"})
    format: str | None = field(default=None, metadata={"help": "its ingest format (see `prefbasis ingest --help`)"})
    annotator: str = field(default="rationale", metadata={
        "help": "annotate backend for real data: openai, transformers, rationale"})
    annotator_model: str | None = field(default=None, metadata={"help": "model for the annotator backend"})
    base_url: str | None = field(default=None, metadata={"help": "OpenAI-compatible server for --annotator openai"})
    limit: int | None = field(default=None, metadata={"help": "annotate at most this many comparisons (real data)"})
    k: int | str = field(default="auto", metadata={"parse": parse_k, "help": "number of categories, or auto"})
    target: float = field(default=DEFAULT_TARGET, metadata={"help": "coverage target for --k auto"})
    bootstrap: int = field(default=100, metadata={"help": "pElo bootstrap rounds"})
    stability: int = field(default=10, metadata={"help": "extract's bootstrap refits (category stability scores)"})
    min_battles: int = field(default=50, metadata={"help": "pElo: fewer battles are reported insufficient"})
    embedding_model: str | None = field(default=None, metadata={
        "help": "sentence-transformers model (default all-MiniLM-L6-v2, offline)"})
    real_example: bool = field(default=True, metadata={
        "negate": "no-real-example",
        "help": "with simulated data, also fit the bundled real dataset (PRD's GPT-4 reviews of the Vicuna-80 "
                "answers) from its reviews and show its basis (names, shares, leakage); "
                "--no-real-example skips it"})
    simulation: dict[str, Any] = field(default_factory=dict, metadata={
        "cli": False, "help": "SimulationConfig overrides (smaller runs)"})
    quiet: bool | None = field(default=None, metadata={"cli": False, "help": "no progress or chatter"})

    def __post_init__(self) -> None:
        self.k = check_k(self.k)
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
    leakage: dict[str, Any] = field(default_factory=dict)   # the basis's leakage metrics (docs/metrics.md)
    real: "RealBasis | None" = None                        # the bundled real dataset's basis
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class RealBasis:
    """The basis of the bundled real dataset, fit from its judges' reviews (the description stage)."""

    basis_id: str
    dataset: str
    annotated: int
    comparisons: int                # comparisons with a review (a rationale), ties left out
    k: int
    target_reached: bool | None
    coverage: float
    leakage: dict[str, Any]
    categories: "pd.DataFrame"      # name, share (all of them, largest first)
    report: Path | None = None


def _leakage_of(store: "Store", basis_id: str) -> dict[str, Any]:
    """The leakage metrics stored on the basis, how many category names are flagged, and the line
    `prefbasis show` prints for them (`text`)."""
    from prefbasis.basis.show import leakage_line
    from prefbasis.store.catalog import basis_row

    basis = basis_row(store, basis_id)
    keys = ("content_leakage", "topic_leakage", "effective_categories", "separation")
    out = {k: (None if basis.get(k) is None else float(basis[k])) for k in keys}
    out["flagged_names"] = int(store.scalar("select count(*) from categories where basis_id = ? and kind = "
                                            "'preference' and name_flagged", [basis_id]) or 0)
    out["text"] = leakage_line(store, basis_id, basis)
    return out


def _step(timings: dict[str, float], name: str, say, fn, *args, **kwargs) -> Any:
    say(f"[demo] {name} ...")
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    timings[name] = time.perf_counter() - start
    say(f"[demo] {name} done in {timings[name]:.1f} s")
    return value


def _simulation_options(cfg: DemoConfig) -> dict[str, Any]:
    return {"seed": cfg.seed, "n_categories": 21, **DEMO_SIMULATION, **cfg.simulation}


def _simulate(store: "Store", options: dict[str, Any]) -> str:
    """Simulated judges write rationales (several reference styles, some naming the prompt's
    subject); the rationale backend turns them into descriptions, as it does for real judges."""
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.simulate import SimulationConfig, simulate

    dataset_id = simulate(store, SimulationConfig(**options)).dataset_id
    annotate(store, AnnotateConfig(annotator="rationale", dataset=dataset_id, quiet=True))
    return dataset_id


@dataclass
class _RealData:
    """The bundled real dataset, ingested, and the annotator prepared on its reviews."""

    dataset_id: str
    annotator: "RationaleAnnotator"
    comparisons: list


def _ingest_real_data(store: "Store") -> _RealData:
    """Ingest the bundled PRD Vicuna-80 reviews and prepare the rationale annotator on them (its
    vocabulary); `run_demo` starts their descriptions later (`describe_ahead`), and `_real_example`
    annotates with the same annotator."""
    from prefbasis.annotate.backends.rationale import RationaleAnnotator
    from prefbasis.annotate.select import dataset_corpus, select_comparisons
    from prefbasis.ingest import IngestConfig, ingest

    dataset_id = ingest(store, IngestConfig(example="prd-vicuna80")).dataset_id
    annotator = RationaleAnnotator()
    comparisons, _ = select_comparisons(store, dataset=dataset_id, needs_text=False)
    annotator.prepare(dataset_corpus(store, comparisons))
    return _RealData(dataset_id, annotator, comparisons)


def _real_example(store: "Store", cfg: DemoConfig, out: Path, real: _RealData) -> RealBasis:
    """Annotate the bundled PRD Vicuna-80 reviews (taking the descriptions `describe_ahead`
    started), fit and report."""
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.basis import ExtractConfig, extract
    from prefbasis.report import ReportConfig, build_report
    from prefbasis.store.catalog import categories

    dataset_id = real.dataset_id
    annotate(store, AnnotateConfig(annotator="rationale", dataset=dataset_id, quiet=True), real.annotator)
    res = extract(store, ExtractConfig(k=cfg.k, target=cfg.target, seed=cfg.seed, dataset=dataset_id,
                                       annotator="rationale", heldout=False, quiet=True,
                                       embedding_model=cfg.embedding_model, backend=cfg.backend,
                                       device=cfg.device))
    cats = categories(store, res.basis_id, "preference").sort_values(["share", "category_id"],
                                                                     ascending=[False, True])
    report = build_report(store, ReportConfig(basis=res.basis_id, out=out / "report-real.html")).path
    n = store.scalar("select count(*) from comparisons where dataset_id = ? and winner <> 'tie' "
                     "and nullif(trim(rationale), '') is not null", [dataset_id])
    # annotated now or by an earlier run into this store (the report's cache hits count failures too)
    annotated = store.scalar("select count(distinct a.comparison_id) from annotations a join comparisons c "
                             "using (comparison_id) where c.dataset_id = ? and a.annotator = ?",
                             [dataset_id, real.annotator.name])
    return RealBasis(basis_id=res.basis_id, dataset="prd-vicuna80 (GPT-4 reviews, bundled)",
                     annotated=int(annotated), comparisons=int(n), k=res.k,
                     target_reached=res.target_reached, coverage=res.coverage, leakage=_leakage_of(store, res.basis_id),
                     categories=cats[["name", "share"]].reset_index(drop=True), report=report)


def _ingest_and_annotate(store: "Store", cfg: DemoConfig) -> str:
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.ingest import ingest

    dataset_id = ingest(store, cfg.data, cfg.format).dataset_id
    options: dict[str, Any] = {"annotator": cfg.annotator, "dataset": dataset_id, "limit": cfg.limit,
                               "seed": cfg.seed, "quiet": cfg.quiet, "model": cfg.annotator_model,
                               "base_url": cfg.base_url}
    annotate(store, AnnotateConfig(**{k: v for k, v in options.items() if v is not None}))
    return dataset_id


def _descriptions(store: "Store", dataset_id: str, annotator: str | None) -> list[str]:
    """The distinct descriptions extract will fit on (one annotator's, when given)."""
    return store.df("select distinct a.description from annotations a join comparisons c using (comparison_id) "
                    "where c.dataset_id = ? and (? is null or a.annotator = ?) order by 1",
                    [dataset_id, annotator, annotator])["description"].tolist()


def _extract(store: "Store", cfg: DemoConfig, dataset_id: str) -> str:
    from prefbasis.basis import ExtractConfig, extract

    options: dict[str, Any] = {"k": cfg.k, "target": cfg.target, "seed": cfg.seed, "dataset": dataset_id,
                               "stability": cfg.stability, "quiet": cfg.quiet,
                               "annotator": None if cfg.data else "rationale",
                               "embedding_model": cfg.embedding_model, "backend": cfg.backend,
                               "device": cfg.device}
    return extract(store, ExtractConfig(**options)).basis_id


def _top_models(store: "Store", basis_id: str, categories: "pd.DataFrame", n_models: int = 3) -> "pd.DataFrame":
    import pandas as pd

    ratings = store.df("select category_id, model, rating from ratings where basis_id = ? and scope = 'preference' "
                       "and rating is not null order by category_id, rating desc", [basis_id])
    rows = []
    for cid, name in zip(categories["category_id"], categories["name"]):
        top = ratings[ratings["category_id"] == cid].head(n_models)
        rows.append({"category": name, "top models": ", ".join(f"{m} ({r:.0f})" for m, r in
                                                               zip(top["model"], top["rating"])) or "—"})
    return pd.DataFrame(rows)


def run_demo(store: "Store", config: DemoConfig | None = None) -> DemoResult:
    """Run the whole chain into `store` and `config.out`; returns the numbers the summary prints."""
    import sys

    from prefbasis.annotate.backends.rationale import warm_workers
    from prefbasis.embed import embed_texts
    from prefbasis.progress import quiet_default
    from prefbasis.ratings import PeloConfig, pelo
    from prefbasis.report import ReportConfig, build_report
    from prefbasis.simulate.recovery import save_recovery
    from prefbasis.store.catalog import basis_row, categories
    from prefbasis.train.config import ExportConfig
    from prefbasis.train.export import TooFewPairsError, export_dpo

    cfg = config or DemoConfig()
    quiet = quiet_default() if cfg.quiet is None else cfg.quiet
    say = (lambda text: None) if quiet else (lambda text: print(text, file=sys.stderr))
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    t: dict[str, float] = {}
    real_data = None
    if cfg.data:
        dataset_id = _step(t, "ingest + annotate", say, _ingest_and_annotate, store, cfg)
    else:
        options = _simulation_options(cfg)
        # the description stage's workers start and load their word tables while this process
        # ingests the real data
        warm_workers(options["n_comparisons"])
        if cfg.real_example:
            real_data = _step(t, "real data: ingest", say, _ingest_real_data, store)
        dataset_id = _step(t, "simulate (judges' rationales) + annotate (rationale backend)", say,
                           _simulate, store, options)
        if real_data is not None:
            # the real data's descriptions run on one worker beside the steps below, which mostly
            # leave a core idle (embed's start, extract … report); the simulated data's had both
            real_data.annotator.describe_ahead(real_data.comparisons, at_once=1)
    _step(t, "embed", say, embed_texts, _descriptions(store, dataset_id, None if cfg.data else "rationale"), store=store,
          model=cfg.embedding_model, backend=cfg.backend, device=cfg.device, quiet=quiet)
    basis_id = _step(t, "extract", say, _extract, store, cfg, dataset_id)
    _step(t, "pelo", say, pelo, store, PeloConfig(basis=basis_id, bootstrap=cfg.bootstrap,
                                                  min_battles=cfg.min_battles, seed=cfg.seed))
    basis = basis_row(store, basis_id)
    cats = categories(store, basis_id, "preference").sort_values(["share", "category_id"], ascending=[False, True])
    notes: list[str] = []
    dpo_dir: Path | None = out / "dpo-top-category"
    try:
        _step(t, "export-dpo", say, export_dpo, store,
              ExportConfig(category=str(int(cats["category_id"].iloc[0])), basis=basis_id, out=str(dpo_dir),
                           seed=cfg.seed))
    except TooFewPairsError as exc:  # a too-small subset is reported, not fatal to the demo
        notes.append(f"export-dpo skipped: {exc}")
        dpo_dir = None
    ari, spearman, planted_k = save_recovery(store, basis_id, dataset_id)   # the report shows them
    report = _step(t, "report", say, build_report, store,
                   ReportConfig(basis=basis_id, out=out / "report.html")).path

    real = None
    if real_data is not None:
        real = _step(t, "real basis (bundled PRD Vicuna-80 GPT-4 reviews)", say, _real_example, store, cfg, out,
                     real_data)

    def num(name: str) -> float | None:
        v = basis.get(name)
        return None if v is None or v != v else float(v)

    return DemoResult(basis_id=basis_id, k=int(basis["k"]), coverage=num("coverage"),
                      variation_explained=num("variation_explained"), pca_optimum=num("pca_optimum"),
                      report=report, dpo_dir=dpo_dir, top_categories=cats.head(5),
                      top_models=_top_models(store, basis_id, cats.head(5)), ari=ari, spearman=spearman,
                      planted_k=planted_k, leakage=_leakage_of(store, basis_id), real=real, timings=t, notes=notes)


def _short(step: str) -> str:
    """A step's name in the timings line: its first word ("real data: …" → "real-data")."""
    return "real-data" if step.startswith("real data") else step.split(" ")[0]


def format_summary(r: DemoResult) -> str:
    """The short text `prefbasis demo` prints."""
    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    lines = [f"basis {r.basis_id}: k = {r.k}" + (f" (planted {r.planted_k})" if r.planted_k else ""),
             f"coverage {pct(r.coverage)} · variation explained {pct(r.variation_explained)}"
             + (f" (rank-{r.k} PCA optimum {pct(r.pca_optimum)})" if r.pca_optimum is not None else "")]
    if r.leakage.get("content_leakage") is not None:
        lines.append("  " + r.leakage["text"] + "  (docs/metrics.md)")
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
    if r.real is not None:
        b = r.real
        reached = "" if b.target_reached is None else (" (target reached)" if b.target_reached else
                                                         " (target NOT reached: the largest k tried)")
        lines += [f"real data, {b.dataset}: {b.annotated} of its {b.comparisons} reviewed comparisons annotated "
                  f"from the reviews; basis {b.basis_id}: k = {b.k}{reached}, coverage {pct(b.coverage)}",
                  "  " + b.leakage["text"] + "  (docs/metrics.md)", "  categories (share):"]
        lines += [f"  {s:6.1%}  {n}" for n, s in zip(b.categories["name"], b.categories["share"])]
        if b.report:
            lines.append(f"  report: {b.report}")
    lines.append("timings: " + ", ".join(f"{_short(k)} {v:.1f}s" for k, v in r.timings.items())
                 + f" (total {sum(r.timings.values()):.1f}s)")
    lines.append(f"report: {r.report}")
    return "\n".join(lines)

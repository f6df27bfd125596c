"""Benchmark: the whole pipeline at Chatbot Arena size, stage by stage, with a projection to 1M.

Data: the simulator (`prefbasis.simulate.generate`, 21 planted categories) at Arena size: 140,000
comparisons, 60 models, 600 judges, ~2.85 stated reasons a comparison (`extra_reason_prob` 0.95:
≈ 400,000 preference mentions). The simulator's phrase bank makes at most ~32,000 planted
paraphrases (+ one-off idiosyncratic reasons), fewer than Arena's annotators write, so every
mention gets one of `--variants` content-free qualifiers ("…, especially in the second half")
drawn with a seed: ≥ 100,000 distinct descriptions, each still a paraphrase of its planted
category. The data is written with the simulator's own `write` (the ingest writer), then every
stage runs as the CLI verb in its own process (wall time and peak RSS are that process's):

    ingest (generate + write) → embed → extract → pelo → export-dpo (top category) → report

No LLM calls (the simulated judges' stated reasons are the annotations). With several `--sizes`
(the largest runs first and embeds everything; the smaller ones start from its embedding cache)
the per-stage growth exponent between the two largest sizes projects each stage to 1M
comparisons; embedding from the largest run's throughput and the growth of distinct descriptions.

Run: .venv/bin/python benchmarks/arena_scale.py [--sizes 35000,70000,140000] [--backend auto]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _proc import run_process as run  # noqa: E402

CLI = "from prefbasis.cli import entry; entry()"
QUALIFIERS = ["especially in the opening lines", "especially in the second half", "throughout the answer",
              "in its closing summary", "in the middle section", "right from the first sentence",
              "in almost every paragraph", "where it matters most", "in the key step", "in its examples",
              "in the final recommendation", "compared with the other one"]
STAGES = ["ingest", "embed", "extract", "pelo", "export-dpo", "report"]


def write_dataset(db: str, n_comparisons: int, variants: int, seed: int) -> dict:
    """Child process: generate the Arena-sized simulation, diversify its descriptions, write it."""
    import numpy as np

    from prefbasis.simulate import SimulationConfig, generate, write
    from prefbasis.store import Store

    cfg = SimulationConfig(seed=seed, n_comparisons=n_comparisons, n_models=60, n_judges=600,
                           n_distinct=100_000, extra_reason_prob=0.95, name=f"arena-scale-{n_comparisons}")
    data = generate(cfg)
    rng = np.random.default_rng(seed + 1)
    ann = data.annotations
    pick = rng.integers(0, variants + 1, size=len(ann))  # 0: the paraphrase as it is
    suffix = np.array([""] + [f", {q}" for q in QUALIFIERS[:variants]], dtype=object)[pick]
    ann["description"] = [d.rstrip(".") + s + "." if s else d for d, s in zip(ann["description"], suffix)]
    seen = set(data.descriptions["description"])
    extra = ann.loc[~ann["description"].isin(seen), ["description", "planted_category"]].drop_duplicates("description")
    data.descriptions = data.descriptions.__class__(
        {"description": list(data.descriptions["description"]) + list(extra["description"]),
         "planted_category": list(data.descriptions["planted_category"]) + list(extra["planted_category"])})
    with Store.open(db) as store:
        res = write(store, data)
    return {"comparisons": res.n_comparisons, "mentions": int(len(ann)),
            "distinct_descriptions": int(ann["description"].nunique()), "models": cfg.n_models}


def prefill(db: str, source: str) -> int:
    """Copy the embedding cache of an earlier (larger) run into `db`; the rows copied."""
    import duckdb

    con = duckdb.connect(db)
    try:
        con.execute("attach ? as src (read_only)", [source])
        con.execute("insert or ignore into embeddings select * from src.embeddings")
        return con.execute("select count(*) from embeddings").fetchone()[0]
    finally:
        con.close()


def one_size(n: int, work: Path, backend: str, variants: int, seed: int, cache_from: str | None = None) -> dict:
    db = str(work / f"arena-{n}.duckdb")
    cli = [sys.executable, "-c", CLI, "--db", db]
    rows: dict[str, dict] = {}

    def stage(name: str, args: list[str]) -> str:
        seconds, peak, out = run(args)
        rows[name] = {"seconds": round(seconds, 1), "peak_rss_mib": round(peak), "load": round(os.getloadavg()[0], 2)}
        print(json.dumps({"comparisons": n, "stage": name, **rows[name]}), flush=True)
        return out

    info = json.loads(stage("ingest", [sys.executable, __file__, "--child-write", db, "--n", str(n),
                                       "--variants", str(variants), "--seed", str(seed)]).strip().splitlines()[-1])
    if cache_from:  # a smaller size of the projection: most of its texts were embedded by the largest run
        info["embedding_cache_prefilled"] = prefill(db, cache_from)
    out = stage("embed", [*cli, "embed", "--backend", backend])
    info["texts_embedded"] = int(out.strip().splitlines()[-1])
    basis_id = stage("extract", [*cli, "extract", "--backend", backend, "--seed", str(seed)]).strip().splitlines()[-1]
    stage("pelo", [*cli, "pelo", "--basis", basis_id, "--bootstrap", "100", "--format", "csv",
                   "--out", str(work / f"pelo-{n}.csv")])
    top = run([*cli, "query", f"select category_id from categories where basis_id = '{basis_id}' and kind = "
                              "'preference' order by share desc limit 1", "--format", "csv"])[2].split()[-1]
    stage("export-dpo", [*cli, "export-dpo", "--basis", basis_id, "--category", top,
                         "--out", str(work / f"dpo-{n}")])
    stage("report", [*cli, "report", "--basis", basis_id, "--out", str(work / f"report-{n}.html")])
    basis = json.loads(run([*cli, "query", "select k, coverage, n_descriptions, n_mentions from bases "
                                            f"where basis_id = '{basis_id}'", "--format", "json"])[2])
    total = sum(r["seconds"] for r in rows.values())
    summary = {"comparisons": n, **info, "basis": basis, "total_s": round(total, 1),
               "peak_rss_mib": max(r["peak_rss_mib"] for r in rows.values()), "stages": rows}
    print(json.dumps({"size_summary": summary}), flush=True)
    return summary


def project(results: list[dict], target: int = 1_000_000) -> dict:
    """Per stage: time and memory at `target` comparisons from the growth between the two largest sizes.

    Embedding time is projected from the largest run's throughput (texts/s, the only run that
    embedded everything) times the distinct descriptions projected from their own growth."""
    if len(results) < 2:
        return {}
    a, b = sorted(results, key=lambda r: r["comparisons"])[-2:]
    ratio = math.log(target / b["comparisons"])
    grow = math.log(b["comparisons"] / a["comparisons"])
    ed = math.log(b["distinct_descriptions"] / a["distinct_descriptions"]) / grow
    distinct = b["distinct_descriptions"] * math.exp(ed * ratio)
    out: dict = {"distinct_descriptions": {"exponent": round(ed, 2), "projected": round(distinct)}}
    for s in STAGES:
        ta, tb = a["stages"][s]["seconds"], b["stages"][s]["seconds"]
        ma, mb = a["stages"][s]["peak_rss_mib"], b["stages"][s]["peak_rss_mib"]
        et = math.log(tb / ta) / math.log(b["comparisons"] / a["comparisons"]) if ta > 0 else 1.0
        em = math.log(mb / ma) / math.log(b["comparisons"] / a["comparisons"]) if ma > 0 else 1.0
        out[s] = {"time_exponent": round(et, 2), "projected_s": round(tb * math.exp(et * ratio)),
                  "memory_exponent": round(em, 2), "projected_peak_rss_mib": round(mb * math.exp(em * ratio))}
    rate = b["texts_embedded"] / b["stages"]["embed"]["seconds"]
    out["embed"] |= {"time_exponent": None, "projected_s": round(distinct / rate), "texts_per_s": round(rate, 1)}
    out["total_projected_s"] = sum(v["projected_s"] for k, v in out.items() if k in STAGES)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="35000,70000,140000")
    ap.add_argument("--backend", default="auto", help="embedding backend (default: the product default, auto)")
    ap.add_argument("--variants", type=int, default=12, help="qualifiers per paraphrase (0..12)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default=None, help="folder for the stores (default: a temporary one)")
    ap.add_argument("--child-write", default=None)
    ap.add_argument("--n", type=int, default=140_000)
    args = ap.parse_args()
    if args.child_write:
        print(json.dumps(write_dataset(args.child_write, args.n, args.variants, args.seed)))
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="pb-arena-"))
    work.mkdir(parents=True, exist_ok=True)
    print(json.dumps({"load_average": os.getloadavg(), "cpus": os.cpu_count(), "work": str(work)}), flush=True)
    sizes = sorted((int(n) for n in args.sizes.split(",")), reverse=True)  # the largest first, embedding all
    results = [one_size(sizes[0], work, args.backend, args.variants, args.seed)]
    results += [one_size(n, work, args.backend, args.variants, args.seed, cache_from=str(work / f"arena-{sizes[0]}.duckdb"))
                for n in sizes[1:]]
    print(json.dumps({"projection_to_1M": project(results)}, indent=1))
    print(json.dumps({"load_average_end": os.getloadavg()}))


if __name__ == "__main__":
    main()

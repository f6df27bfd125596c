"""Benchmark: time and peak memory of `extract` with embeddings cached, for 5k / 20k / 100k distinct
descriptions, and BERTopic (`BERTopic().fit_transform` with the same 5k embeddings) as a reference.

Embeddings are synthetic 384-d unit vectors with cluster structure (21 categories × 8 sub-clusters),
written into a real DuckDB store's embedding cache together with a dataset of comparisons and
annotations (1–3 mentions per description, 200 judges, 30 topics). Two regimes (`--regime`):
`reaching` (noise 0.02: cosine to the sub-centre ≈ 0.93, so a category's descriptions lie within
τ 0.62 of one representative and `--k auto` reaches the 0.89 target near k = 18–21) and `k-max`
(noise 0.03, the earlier data: ≈ 0.86, so at τ 0.62 only sub-clusters are covered and extract runs
to k = 50 without reaching the target). Each size runs in its own subprocess, so peak RSS
(ru_maxrss) is that size's alone; `cold` is the first extract in that process (lazy imports of
scipy/sklearn included), `warm` a second one right after it (same store, same result).
BERTopic likewise: `cold` is its first fit in a fresh process (numba compiles UMAP), `warm` the
second fit in that process.

Run: .venv/bin/python benchmarks/extract.py [--sizes 5000,20000,100000] [--regime reaching|k-max]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODEL = "bench-synthetic-384"


NOISE = {"reaching": 0.02, "k-max": 0.03}


def vectors(n: int, seed: int = 0, d: int = 384, k: int = 21, sub: int = 8,
            noise: float = NOISE["reaching"]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    subs = centres[:, None, :] + rng.normal(scale=noise, size=(k, sub, d))
    subs = (subs / np.linalg.norm(subs, axis=2, keepdims=True)).reshape(k * sub, d)
    share = rng.dirichlet(np.full(k, 30.0))
    cat = rng.choice(k, size=n, p=share)
    lab = cat * sub + rng.integers(0, sub, size=n)
    x = subs[lab] + rng.normal(scale=noise, size=(n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), cat


def build_store(path: Path, n: int, seed: int = 0, noise: float = NOISE["reaching"]):
    import pandas as pd

    from prefbasis.embed import _write_cache
    from prefbasis.store import Store

    x, _ = vectors(n, seed, noise=noise)
    rng = np.random.default_rng(seed + 1)
    texts = [f"synthetic description {i:06d}" for i in range(n)]
    reps = rng.integers(1, 4, size=n)
    desc_idx = np.repeat(np.arange(n), reps)
    m = len(desc_idx)
    topics = [f"synthetic topic {t:02d}" for t in range(30)]
    store = Store.open(path)
    comp = pd.DataFrame({"comparison_id": [f"c{i:07d}" for i in range(m)], "dataset_id": "bench",
                         "winner": "a", "judge": [f"judge-{j}" for j in rng.integers(0, 200, size=m)]})
    ann = pd.DataFrame({"annotation_id": [f"a{i:07d}" for i in range(m)], "comparison_id": comp["comparison_id"],
                        "preference": [f"pref {i % 97}" for i in desc_idx],
                        "description": [texts[i] for i in desc_idx],
                        "topic": [topics[i % 30] for i in desc_idx], "annotator": "bench"})
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) "
                    "values ('bench', 'bench', 'synthetic', 'table', ?)", [m])
        con.register("_c", comp)
        con.execute("insert into comparisons(comparison_id, dataset_id, winner, judge) select * from _c")
        con.register("_a", ann)
        con.execute("insert into annotations(annotation_id, comparison_id, preference, description, topic, "
                    "annotator) select * from _a")
    _write_cache(store, MODEL, texts, x, backend="torch")
    tv = np.random.default_rng(seed + 2).normal(size=(30, 384)).astype(np.float32)
    _write_cache(store, MODEL, topics, tv / np.linalg.norm(tv, axis=1, keepdims=True), backend="torch")
    return store, m


def run_one(n: int, noise: float) -> dict:
    """Child process: build the store, then time extract twice (embeddings cached): cold, warm."""
    from prefbasis.basis import ExtractConfig, extract

    out: dict = {"n_distinct": n}
    with tempfile.TemporaryDirectory() as tmp:
        store, m = build_store(Path(tmp) / "bench.duckdb", n, noise=noise)
        out["n_mentions"] = m
        for run in ("cold", "warm"):
            t0, c0 = time.perf_counter(), time.process_time()
            res = extract(store, ExtractConfig(embedding_model=MODEL, backend="torch", quiet=True))
            out[f"{run}_s"] = round(time.perf_counter() - t0, 2)
            out[f"{run}_cpu_s"] = round(time.process_time() - c0, 2)
        store.close()
    out |= {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "k": res.k,
            "coverage": round(res.coverage, 4), "heldout_coverage": round(res.heldout_coverage, 4),
            "topic_k": res.topic_k}
    return out


def bertopic_reference(n: int = 5000, seed: int = 0, noise: float = NOISE["reaching"]) -> dict:
    """BERTopic's own `fit_transform` (defaults: UMAP 5-d cosine + HDBSCAN + c-TF-IDF) on the same
    vectors (given as embeddings, so no sentence model runs), twice in one process: cold, warm."""
    from bertopic import BERTopic

    x, _ = vectors(n, seed, noise=noise)
    docs = [f"synthetic description {i:06d}" for i in range(n)]
    out: dict = {"n_distinct": n}
    for run in ("cold", "warm"):
        model = BERTopic(embedding_model=None)  # default UMAP/HDBSCAN/vectorizer
        model.umap_model.random_state = seed
        t0, c0 = time.perf_counter(), time.process_time()
        topics, _ = model.fit_transform(docs, embeddings=x)
        out[f"{run}_s"] = round(time.perf_counter() - t0, 2)
        out[f"{run}_cpu_s"] = round(time.process_time() - c0, 2)
    topics = np.asarray(topics)
    return out | {"clusters": int(topics.max() + 1), "outlier_share": round(float(np.mean(topics < 0)), 4)}


def validate_simulator(path: str, seed: int = 0, stability: int = 5) -> dict:
    """simulate(21 planted) → extract --k auto and --k 21 (MiniLM, cached after the first run) → scores."""
    from sklearn.metrics import adjusted_rand_score

    from prefbasis.basis import ExtractConfig, extract
    from prefbasis.basis.store_adapter import load_basis
    from prefbasis.embed import normalize_text
    from prefbasis.simulate import SimulationConfig, simulate
    from prefbasis.store import Store

    store = Store.open(path)
    if not store.scalar("select count(*) from planted_descriptions"):
        simulate(store, SimulationConfig(seed=seed, n_categories=21))
    planted = store.df("select description, planted_category from planted_descriptions")
    truth = dict(zip([normalize_text(d) for d in planted["description"]], planted["planted_category"]))
    out = {}
    for k in ("auto", 21):
        res = extract(store, ExtractConfig(k=k, seed=seed, stability=stability if k == "auto" else 0, quiet=True))
        a = store.df("select description, category_id from description_assignments where basis_id = ? "
                     "and kind = 'preference' order by description", [res.basis_id])
        y = [truth[d] for d in a["description"]]
        nearest = load_basis(store, res.basis_id).transform(list(a["description"])).argmax(axis=1)
        lab = a["category_id"].fillna(-1).astype(int).to_numpy()
        out[str(k)] = {"k": res.k, "coverage": round(res.coverage, 4),
                       "variation_explained": round(res.variation_explained, 4),
                       "pca_optimum": round(res.pca_optimum, 4), "heldout_coverage": round(res.heldout_coverage, 4),
                       "stability_cosine": res.stability, "ari_nearest": round(adjusted_rand_score(y, nearest), 4),
                       "ari_unassigned_as_cluster": round(adjusted_rand_score(y, lab), 4),
                       "ari_assigned_only": round(adjusted_rand_score([t for t, v in zip(y, lab) if v >= 0],
                                                                      lab[lab >= 0]), 4),
                       "planted_categories_with_a_medoid": len({truth[m] for m in store.df(
                           "select medoid from categories where basis_id = ? and kind = 'preference'",
                           [res.basis_id])["medoid"]}),
                       "n_distinct": len(a), "topic_k": res.topic_k}
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="5000,20000,100000")
    ap.add_argument("--regime", choices=sorted(NOISE), default="reaching")
    ap.add_argument("--child", type=int, default=None)
    ap.add_argument("--bertopic", action="store_true")
    ap.add_argument("--validate-simulator", metavar="STORE", default=None,
                    help="score extract against the simulator's planted truth (store created if new)")
    args = ap.parse_args()
    if args.validate_simulator:
        print(json.dumps(validate_simulator(args.validate_simulator), indent=1))
        return
    noise = NOISE[args.regime]
    if args.child:
        print(json.dumps(run_one(args.child, noise)))
        return
    if args.bertopic:
        print(json.dumps(bertopic_reference(noise=noise)))
        return
    import os

    print(json.dumps({"regime": args.regime, "load_average": os.getloadavg()}), flush=True)
    rows = []
    five = None
    for n in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--regime", args.regime],
                             capture_output=True, text=True, check=True, env={"PREFBASIS_QUIET": "1", **os.environ})
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1] | {"load": round(os.getloadavg()[0], 2)}), flush=True)
        if n == 5000:  # BERTopic right after ours, on the same vectors
            five = rows[-1]
            out = subprocess.run([sys.executable, __file__, "--bertopic", "--regime", args.regime],
                                 capture_output=True, text=True, check=True)
            ref = json.loads(out.stdout.strip().splitlines()[-1])
            ref |= {f"ratio_{r}": round(ref[f"{r}_s"] / five[f"{r}_s"], 2) for r in ("cold", "warm")}
            print(json.dumps({"bertopic_fit_transform": ref, "load": round(os.getloadavg()[0], 2)}), flush=True)


if __name__ == "__main__":
    main()

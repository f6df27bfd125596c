"""Benchmark: whole-process `prefbasis embed` throughput per backend, against today's code, same texts.

The texts are the default simulation's (21 planted categories: ~5,000 descriptions + topics). One
store is simulated with the code before embedding backends (`--before REV`, extracted with `git
archive`); every run embeds a fresh copy of it in its own process: `before` (that code: plain
sentence-transformers fp32), then this code with `--backend torch`, `onnx`,
`onnx-int8`, `torch-bf16` and `auto` (the default; what it resolves to is printed), in rotating
order for `--rounds` rounds. Wall time covers the whole
process (imports, model load, store open and write); peak RSS is the child's own (wait4). The ONNX
export is made once beforehand (its one-time cost is printed separately). Then the vectors are
compared with torch fp32, and `extract` (k = 21 and auto) runs on each backend's vectors to show the
coverage change against the planted truth.

Run: .venv/bin/python benchmarks/embed.py [--rounds 3] [--before 1c41f56]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _proc  # noqa: E402
from _proc import REPO, RUN, checkout, run_process  # noqa: E402

BACKENDS = ["auto", "torch", "onnx", "onnx-int8", "torch-bf16"]


def run_cli(src: Path, db: Path, *args: str) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one `prefbasis` process from source tree `src`."""
    return run_process([sys.executable, "-c", RUN, str(src), "--db", str(db), *args])


def vectors(db: Path, backend: str):
    import numpy as np

    from prefbasis.store import Store

    with Store.open(db, read_only=True) as store:
        rows = store.execute("select text, vector from embeddings where backend = ? order by text",
                             [backend]).fetchall()
    return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype="<f4") for r in rows])


def coverage_on_simulator(db: Path, backend: str) -> dict:
    """extract at k 21 and auto on this backend's cached vectors, scored against the planted truth."""
    from prefbasis.basis import ExtractConfig, extract
    from prefbasis.simulate.recovery import recovery_ari
    from prefbasis.store import Store

    out = {}
    with Store.open(db) as store:
        dataset = store.scalar("select dataset_id from datasets limit 1")
        for k in (21, "auto"):
            res = extract(store, ExtractConfig(k=k, seed=0, backend=backend, topics=False, heldout=False, quiet=True))
            out[f"k{k}"] = {"k": res.k, "coverage": round(res.coverage, 4),
                            "ari_vs_planted": round(recovery_ari(store, res.basis_id, dataset)[0], 4)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--before", default="1c41f56", help="git revision of 'today's' code")
    ap.add_argument("--backends", default=",".join(BACKENDS))
    args = ap.parse_args()
    backends = args.backends.split(",")
    work = Path(tempfile.mkdtemp(prefix="pb-embed-bench-"))
    print(f"load average at start: {os.getloadavg()}", flush=True)
    before = checkout(args.before, work / "before")
    base = work / "base.duckdb"
    subprocess.run([sys.executable, "-c", RUN, str(before), "--db", str(base), "simulate", "--seed", "0"],
                   check=True, capture_output=True, env={**os.environ, "PREFBASIS_QUIET": "1"})
    t0 = time.perf_counter()
    from prefbasis.encoders import resolve_backend

    resolved = {b: resolve_backend("all-MiniLM-L6-v2", b) for b in ("onnx", "onnx-int8", "auto", *backends)}
    print(json.dumps({"onnx_export_and_verify_s (one time, or 0 if cached)": round(time.perf_counter() - t0, 1),
                      "resolved": resolved}), flush=True)
    from prefbasis.basis import ExtractConfig  # noqa: F401  (everything the analysis needs, imported now)
    from prefbasis.simulate.recovery import recovery_ari  # noqa: F401
    runs: dict[str, list[tuple[float, float, float]]] = {"before": [], **{b: [] for b in backends}}
    order = ["before", *backends]
    texts = None
    for r in range(args.rounds):
        for name in order[r % len(order):] + order[: r % len(order)]:
            db = work / f"{name}-{r}.duckdb"
            shutil.copy(base, db)
            src, extra = (before, []) if name == "before" else (REPO, ["--backend", name])
            seconds, peak, out = run_cli(src, db, "embed", *extra)
            texts = int(out.strip().splitlines()[-1])
            runs[name].append((seconds, peak, _proc.LAST_CPU_S[0]))
            print(json.dumps({"round": r, "run": name, "texts": texts, "seconds": round(seconds, 2),
                              "cpu_s": round(_proc.LAST_CPU_S[0], 2), "texts_per_s": round(texts / seconds, 1),
                              "peak_rss_mib": round(peak), "load": round(os.getloadavg()[0], 2)}), flush=True)
    med = {n: statistics.median(s for s, _, _ in v) for n, v in runs.items()}
    cpu = {n: statistics.median(c for _, _, c in v) for n, v in runs.items()}
    reference = work / "torch-0.duckdb"
    if not reference.exists():   # torch fp32 not among --backends: embed once for the cosines (not timed)
        shutil.copy(base, reference)
        run_cli(REPO, reference, "embed", "--backend", "torch")
    names, ref = vectors(reference, "torch")
    summary = {}
    for name in runs:
        row = {"median_s": round(med[name], 2), "texts_per_s": round(texts / med[name], 1),
               "speedup_vs_before": round(med["before"] / med[name], 2),
               "median_cpu_s": round(cpu[name], 2), "cpu_speedup_vs_before": round(cpu["before"] / cpu[name], 2),
               "speedups_per_round": [round(b[0] / x[0], 2) for b, x in zip(runs["before"], runs[name])],
               "peak_rss_mib": round(max(p for _, p, _ in runs[name]))}
        if name != "before":
            got_names, got = vectors(work / f"{name}-0.duckdb", resolved[name])  # auto: what it resolved to
            assert got_names == names
            cos = (got.astype("float64") * ref).sum(axis=1)
            row |= {"cosine_to_torch_min": round(float(cos.min()), 6), "cosine_to_torch_mean": round(float(cos.mean()), 6)}
        summary[name] = row
    print(json.dumps({"summary": summary}, indent=1), flush=True)
    quality = {b: coverage_on_simulator(work / f"{b}-0.duckdb", resolved[b]) for b in backends}
    print(json.dumps({"extract_on_each_backend": quality}, indent=1), flush=True)
    print(f"load average at end: {os.getloadavg()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

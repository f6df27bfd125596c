"""Benchmark: cold start of `prefbasis query "select 1"` and `prefbasis --help`, today's code (`--before
REV`, extracted with `git archive`) against this checkout, with DuckDB alone as the floor.

Each measurement is a fresh `python` process (wall time, median of `--repeats`, the variants
interleaved so that load changes hit all of them alike). The heavy modules each command imports
are listed too.

Run: .venv/bin/python benchmarks/startup.py [--repeats 15] [--before 1c41f56]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _proc import RUN, checkout  # noqa: E402

HEAVY = ("numpy", "pandas", "duckdb", "scipy", "sklearn", "torch", "pyarrow")
PROBE = ("import sys, runpy; sys.path.insert(0, sys.argv[1]); sys.argv = ['prefbasis'] + sys.argv[2:]; "
         "from prefbasis.cli import main\ntry: main(sys.argv[1:])\nexcept SystemExit: pass\n"
         "print(sorted({m.split('.')[0] for m in sys.modules} & set(%r)), file=sys.stderr)" % (HEAVY,))


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--before", default="1c41f56")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pb-startup-"))
    before, after = checkout(args.before, work / "before"), Path(__file__).resolve().parents[1]
    db = work / "store.duckdb"
    subprocess.run([sys.executable, "-c", RUN, str(before), "--db", str(db), "query", "select 1"], capture_output=True)
    subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(db)], check=True)
    variants = {
        "duckdb alone (connect read-only, select 1)": [sys.executable, "-c", "import duckdb, sys; "
                                                       "duckdb.connect(sys.argv[1], read_only=True).execute('select 1')"
                                                       ".fetchall()", str(db)],
        "python -c pass": [sys.executable, "-c", "pass"]}
    for name, src in (("before", before), ("after", after)):
        variants[f"{name}: query \"select 1\""] = [sys.executable, "-c", RUN, str(src), "--db", str(db), "query",
                                                   "select 1"]
        variants[f"{name}: --help"] = [sys.executable, "-c", RUN, str(src), "--help"]
    print(json.dumps({"load_average": os.getloadavg()}), flush=True)
    times: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.repeats):
        for name, cmd in variants.items():
            times[name].append(timed(cmd))
    out = {name: round(statistics.median(v), 3) for name, v in times.items()}
    for name, src in (("before", before), ("after", after)):
        for what, extra in (("query", ["--db", str(db), "query", "select 1"]), ("--help", ["--help"])):
            res = subprocess.run([sys.executable, "-c", PROBE, str(src), *extra], capture_output=True, text=True)
            out[f"{name}: {what} imports"] = res.stderr.strip().splitlines()[-1]
    out["query speedup"] = round(out['before: query "select 1"'] / out['after: query "select 1"'], 2)
    print(json.dumps(out, indent=1))
    print(json.dumps({"load_average_end": os.getloadavg()}))


if __name__ == "__main__":
    main()

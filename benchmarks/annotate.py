"""Client overhead of `annotate --annotator openai`: annotations/s against a local server that
answers instantly (tests/fault_server.py in its own process), at concurrency 1, 8 and 64.

Everything real: HTTP on localhost, schema validation, the DuckDB store and its commits.

    flock /tmp/prefbasis-bench.lock .venv/bin/python benchmarks/annotate.py
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500, help="comparisons per run (concurrency 1 uses n/5)")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    args = ap.parse_args()
    os.environ["PREFBASIS_QUIET"] = "1"
    from annotate_helpers import add_comparisons
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.store import Store

    port = free_port()
    server = subprocess.Popen([sys.executable, str(REPO / "tests" / "fault_server.py"), "--port", str(port)],
                              stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    for _ in range(50):
        try:
            urllib.request.urlopen(url.replace("/v1", "/health"), timeout=1)
        except urllib.error.HTTPError:
            break  # the server answers (it has no /health route)
        except OSError:
            time.sleep(0.1)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for c in args.concurrency:
                n = args.n if c > 1 else max(50, args.n // 5)
                store = Store.open(Path(tmp) / f"bench{c}.duckdb")
                add_comparisons(store, n, dataset=f"bench{c}")
                cfg = AnnotateConfig(annotator="openai", base_url=url, model="fake-model", concurrency=c,
                                     api_key_env="PB_BENCH_NO_KEY", quiet=True)
                t0 = time.perf_counter()
                rep = annotate(store, cfg)
                dt = time.perf_counter() - t0
                again = annotate(store, cfg)
                store.close()
                assert rep.annotated == n and again.requests == 0, (rep, again)
                print(f"concurrency {c:3d}: {n} annotations in {dt:.2f} s = {n / dt:.0f} annotations/s "
                      f"({rep.requests} requests; rerun: {again.requests} requests)", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

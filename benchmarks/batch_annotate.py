"""Benchmark: `annotate --batch` of 10,000 comparisons against the fake Batch API server, killed with
SIGKILL at several points and resumed; the store must end exact (0 lost, 0 duplicated).

The server (tests/fake_batch_server.py, a real HTTP server in this process) speaks /v1/files,
/v1/batches and /v1/chat/completions; its plans make the first batch lose every 5th request (HTTP
500 lines) and the third expire half-way, so later runs must also resubmit what failed. Each run
is `prefbasis annotate --batch` in its own process (batches of 2,500); the kills come from inside
the server at a chosen request (after the server did the work, before the client hears back), or
from here once the store's write-ahead log shows results being committed.

Run: .venv/bin/python benchmarks/batch_annotate.py [--n 10000]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from annotate_helpers import add_comparisons  # noqa: E402
from fake_batch_server import FakeBatchServer  # noqa: E402

CLI = "from prefbasis.cli import entry; entry()"

# (what kills the run, server event, nth occurrence from the run's start)
KILLS = [("after the first request file is uploaded, before its id is stored", "upload", 1),
         ("after a batch is created, before its id is stored", "create", 2),
         ("while listing batches to find the one created before the last kill", "list", 1),
         ("while polling", "get", 4),
         ("while downloading a batch's results", "content", 1),
         ("while storing a batch's results (first commit seen in the WAL)", "wal", 1),
         ("while storing another batch's results", "wal", 1)]


def counts(db: Path) -> dict:
    from prefbasis.store import Store

    with Store.open(db, read_only=True) as store:
        q = store.scalar
        return {"cache_rows": q("select count(*) from annotate_cache"),
                "comparisons_finished": q("select count(distinct comparison_id) from annotate_cache"),
                "annotations": q("select count(*) from annotations"),
                "annotation_cache_keys": q("select count(distinct cache_key) from annotations"),
                "comparisons_with_2+_cache_rows": q("select count(*) from (select comparison_id from annotate_cache "
                                                    "group by 1 having count(*) > 1)"),
                "submissions": q("select count(*) from annotate_batches"),
                "open_submissions": q("select count(*) from annotate_batches where collected_at is null")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--batch-requests", type=int, default=2_500)
    args = ap.parse_args()
    from prefbasis.store import Store

    print(json.dumps({"load_average": os.getloadavg()}), flush=True)
    work = Path(tempfile.mkdtemp(prefix="pb-batch-bench-"))
    db = work / "store.duckdb"
    with Store.open(db) as store:
        add_comparisons(store, args.n)
    server = FakeBatchServer(plans=["partial", "ok", "expire"]).start()
    cmd = [sys.executable, "-c", CLI, "--db", str(db), "--quiet", "annotate", "--batch", "--base-url", server.url,
           "--model", "gpt-4o-mini", "--poll-interval", "0.05", "--batch-max-requests", str(args.batch_requests),
           "--json"]
    env = {**os.environ, "PREFBASIS_QUIET": "1"}
    wal = db.with_name(db.name + ".wal")
    start = time.perf_counter()
    runs = []
    for what, event, nth in KILLS:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if event == "wal":
            before = server.events["content"]
            while server.events["content"] == before and proc.poll() is None:
                time.sleep(0.005)
            size = wal.stat().st_size if wal.exists() else 0
            while proc.poll() is None and (wal.stat().st_size if wal.exists() else 0) <= size:
                time.sleep(0.005)
            proc.kill()
        else:
            server.arm(event, proc.pid, nth)  # 'list' happens while recovering the 'create' kill's batch
        proc.wait(timeout=600)
        server.armed.clear()
        c = counts(db)
        runs.append({"killed": what, "returncode": proc.returncode, **{k: c[k] for k in ("cache_rows", "annotations")}})
        print(json.dumps(runs[-1]), flush=True)
    for _ in range(3):  # then run to the end: failed and expired requests need one more submission
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        report = json.loads(out.stdout.strip().splitlines()[0]) if out.returncode == 0 else {}
        runs.append({"killed": None, "returncode": out.returncode, "annotated": report.get("annotated"),
                     "transport_errors": report.get("transport_errors"), **counts(db)})
        print(json.dumps(runs[-1]), flush=True)
        if runs[-1]["cache_rows"] == args.n:
            break
    final = counts(db)
    answered = Counter(server.answered)
    result = {"comparisons": args.n, "runs": len(runs), "kills": sum(r["returncode"] == -9 for r in runs),
              "seconds": round(time.perf_counter() - start, 1), **final,
              "lost": args.n - final["comparisons_finished"],
              "duplicated_annotations": final["annotations"] - final["annotation_cache_keys"],
              "server_batches": len(server.batches),
              "server_requests_answered_twice": sum(v > 1 for v in answered.values()),
              "server_request_lines": sum(len([ln for ln in server.files[b["input_file_id"]]["content"].splitlines()])
                                          for b in server.batches.values()),
              "load_average_end": os.getloadavg()}
    print(json.dumps({"result": result}, indent=1))
    server.stop()


if __name__ == "__main__":
    main()

"""Ingest throughput: N generated `arena`-format rows (default 200,000) into a fresh DuckDB store.

Run: flock /tmp/prefbasis-bench.lock .venv/bin/python benchmarks/ingest.py [--rows N] [--seed S]
Prints rows/s for the ingest (parse + hash + bulk insert, one transaction), a re-ingest (all
duplicates), the CPU time of the process (all threads), the machine's load average, and the
process's peak resident memory.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path

MODELS = ["vicuna-13b", "koala-13b", "alpaca-13b", "chatglm-6b", "oasst-pythia-12b", "gpt-4",
          "claude-v1", "gpt-3.5-turbo", "llama-13b", "dolly-v2-12b"]
WINNERS = ["model_a"] * 35 + ["model_b"] * 35 + ["tie"] * 15 + ["tie (bothbad)"] * 15
MODERATION = {"categories": {"harassment": False, "hate": False, "sexual": False, "violence": False},
              "category_scores": {"harassment": 1e-4, "hate": 2e-5, "sexual": 3e-5, "violence": 1e-5},
              "flagged": False}


def generate(path: Path, n: int, seed: int) -> None:
    """n rows in the lmsys/chatbot_arena_conversations schema; ~10% multi-turn, ~8% non-English."""
    rng = random.Random(seed)
    words = "the of model answer question python data time explain write code list story why how".split()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            turns = 2 if rng.random() < 0.1 else 1
            a, b = rng.sample(MODELS, 2)
            conv_a, conv_b = [], []
            for _ in range(turns):
                q = " ".join(rng.choices(words, k=rng.randint(6, 30))) + "?"
                conv_a += [{"role": "user", "content": q},
                           {"role": "assistant", "content": " ".join(rng.choices(words, k=rng.randint(20, 120)))}]
                conv_b += [{"role": "user", "content": q},
                           {"role": "assistant", "content": " ".join(rng.choices(words, k=rng.randint(20, 120)))}]
            row = {"question_id": f"{seed:04d}{i:012d}", "model_a": a, "model_b": b,
                   "winner": rng.choice(WINNERS), "judge": f"arena_user_{rng.randint(1, 5000)}",
                   "conversation_a": conv_a, "conversation_b": conv_b, "turn": turns,
                   "anony": rng.random() < 0.8, "language": "English" if rng.random() < 0.92 else "German",
                   "tstamp": 1682351591.0 + i, "openai_moderation": MODERATION,
                   "toxic_chat_tag": {"roberta-large": {"flagged": False, "probability": 0.001}}}
            fh.write(json.dumps(row) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.environ.setdefault("PREFBASIS_QUIET", "1")
    from prefbasis.ingest import ingest
    from prefbasis.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "arena.jsonl"
        t0 = time.perf_counter()
        generate(data, args.rows, args.seed)
        gen_s = time.perf_counter() - t0
        store = Store.open(Path(tmp) / "bench.duckdb")
        load_before = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        report = ingest(store, str(data), "arena")
        first_s, first_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        again = ingest(store, str(data), "arena")
        second_s, second_cpu = time.perf_counter() - t0, time.process_time() - c0
        load_after = os.getloadavg()[0]
        stored = store.scalar("select count(*) from comparisons")
        store.close()
        size_mb = data.stat().st_size / 2**20
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows: {args.rows} arena rows ({size_mb:.0f} MiB JSONL, generated in {gen_s:.1f} s)")
    print(f"ingest: {first_s:.2f} s wall ({args.rows / first_s:,.0f} rows/s), {first_cpu:.2f} s CPU "
          f"(all threads), added {report.added}, stored {stored}")
    print(f"re-ingest: {second_s:.2f} s wall ({args.rows / second_s:,.0f} rows/s), {second_cpu:.2f} s CPU, "
          f"added {again.added}, duplicates {again.duplicates}")
    print(f"load average (1 min) before / after: {load_before:.1f} / {load_after:.1f} on {os.cpu_count()} cores")
    print(f"peak memory (max RSS of the process): {peak_mb:,.0f} MiB")


if __name__ == "__main__":
    main()

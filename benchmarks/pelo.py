"""Benchmark pElo: 1,000,000 battles, 50 models, 21 categories, 200 bootstrap rounds, end to end
(with the default 400-Elo prior, as `prefbasis pelo` runs).

Beside it, the naive approach of the original Chatbot Arena notebook (refit an unpenalized
LogisticRegression on rows resampled with replacement, once per round, ties as duplicated rows) on a
100,000-battle sample, against ours on the same sample, as a ratio.

Run: flock /tmp/prefbasis-bench.lock .venv/bin/python benchmarks/pelo.py [--naive-rounds 10]
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("PREFBASIS_QUIET", "1")


def naive_arena_round(a: np.ndarray, b: np.ndarray, winner: np.ndarray, m: int, rng) -> np.ndarray:
    """One bootstrap round as the 2023 Arena notebook did it: sample rows, duplicate, refit sklearn."""
    from sklearn.linear_model import LogisticRegression

    idx = rng.integers(0, len(a), len(a))             # battles.sample(frac=1.0, replace=True)
    a, b, w = a[idx], b[idx], winner[idx]
    a2, b2, w2 = np.concatenate([a, a]), np.concatenate([b, b]), np.concatenate([w, w])
    n = len(a2)
    X = np.zeros((n, m))
    X[np.arange(n), a2] = math.log(10)
    X[np.arange(n), b2] = -math.log(10)
    y = (w2 == "a").astype(float)
    tie = w2 == "tie"
    tie[n // 2:] = False                               # one tie => one A win + one B win
    y[tie] = 1.0
    lr = LogisticRegression(fit_intercept=False, C=np.inf, tol=1e-6)   # C=inf: penalty=None
    lr.fit(X, y)
    return 400 * lr.coef_[0] + 1000


def recovery(n_comparisons: int, n_models: int) -> None:
    """Simulator recovery: planted categories as the basis, Spearman(rating, planted strength)."""
    from scipy.stats import spearmanr

    from prefbasis.ratings import PeloConfig, pelo
    from prefbasis.simulate.planted_basis import planted_basis
    from prefbasis.simulate import SimulationConfig, simulate
    from prefbasis.store import Store

    store = Store.open(":memory:")
    simulate(store, SimulationConfig(seed=0, n_comparisons=n_comparisons, n_models=n_models))
    planted_basis(store)
    t = time.perf_counter()
    table = pelo(store, PeloConfig(bootstrap=200, min_battles=50, scopes=("preference",)))
    took = time.perf_counter() - t
    truth = store.df("select model, planted_category as category, strength from planted_model_strengths")
    joined = table.merge(truth, on=["model", "category"])
    rho = joined.groupby("category").apply(lambda g: spearmanr(g.rating, g.strength).statistic)
    battles = joined.groupby("category").battles.sum() // 2
    print(f"recovery: simulator seed 0, {n_comparisons:,} comparisons, {n_models} models, "
          f"{rho.size} planted categories ({battles.min()}-{battles.max()} battles each); pelo {took:.1f} s")
    print(f"  Spearman per category: min {rho.min():.3f}, median {rho.median():.3f}; "
          f">= 0.9 in {(rho >= 0.9).sum()}/{rho.size}")


def main() -> None:
    from prefbasis.ratings import PeloConfig, pelo
    from prefbasis.ratings.bootstrap import bootstrap_ratings
    from prefbasis.ratings.bradley_terry import aggregate_outcomes
    from prefbasis.ratings.synthetic import simulate_battles, to_store
    from prefbasis.store import Store

    ap = argparse.ArgumentParser()
    ap.add_argument("--battles", type=int, default=1_000_000)
    ap.add_argument("--models", type=int, default=50)
    ap.add_argument("--categories", type=int, default=21)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--sample", type=int, default=100_000)
    ap.add_argument("--naive-rounds", type=int, default=10, help="timed naive rounds (extrapolated)")
    ap.add_argument("--recovery", type=int, default=0, metavar="N",
                    help="also score recovery on N simulated comparisons (12 models)")
    args = ap.parse_args()
    if args.recovery:
        recovery(args.recovery, 12)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; date {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")

    strengths = np.random.default_rng(0).normal(0, 0.8, (args.categories, args.models))
    t = time.perf_counter()
    bt = simulate_battles(strengths, args.battles, tie_rate=0.1, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.duckdb")
        to_store(store, bt, models=[f"model-{i:02d}" for i in range(args.models)])
        print(f"setup: simulate + write {args.battles:,} battles to DuckDB: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        table = pelo(store, PeloConfig(bootstrap=args.rounds, min_battles=50, seed=0))
        total = time.perf_counter() - t
        store.close()
    scopes = table.groupby(["scope", "category_id"], dropna=False).ngroups
    print(f"pelo end to end (read counts, {scopes} scopes x (MLE + {args.rounds} bootstrap rounds), "
          f"write {len(table)} rows): {total:.2f} s   [target < 60 s]")

    # naive vs ours on the same sample, overall scope
    m = args.models
    rng = np.random.default_rng(2)
    sample = rng.choice(args.battles, args.sample, replace=False)
    a, b, w = bt.model_a[sample], bt.model_b[sample], bt.winner[sample]
    t = time.perf_counter()
    pairs, counts = aggregate_outcomes(a, b, w, n_models=m)
    boot = bootstrap_ratings(pairs, counts, m, rounds=args.rounds, seed=0)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    naive = np.array([naive_arena_round(a, b, w, m, rng) for _ in range(args.naive_rounds)])
    per_round = (time.perf_counter() - t) / args.naive_rounds
    naive_total = per_round * args.rounds
    print(f"sample of {args.sample:,} battles, {args.rounds} rounds: ours {ours:.3f} s; naive row refit "
          f"{per_round:.2f} s/round x {args.rounds} = {naive_total:.0f} s (timed {args.naive_rounds} rounds)")
    print(f"speed-up: {naive_total / ours:,.0f}x")
    spread = np.abs(naive.std(axis=0) - boot.samples.std(axis=0)).max()
    print(f"check: max |bootstrap SD naive - ours| = {spread:.2f} Elo (naive from {args.naive_rounds} rounds)")


if __name__ == "__main__":
    main()

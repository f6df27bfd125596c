"""Bootstrap confidence intervals for Bradley–Terry ratings, on aggregated outcome counts.

Resampling N battles with replacement and then aggregating them is the same in distribution as
drawing the aggregated outcome table (pair x {first wins, second wins, tie}) from a multinomial
with N trials and the observed cell frequencies. So each round is one multinomial draw of a
length-3P vector, and all rounds are fitted together by the batched Newton solver: no row copies.

Example:
    >>> import numpy as np
    >>> pairs = np.array([[0, 1], [1, 2], [0, 2]])
    >>> counts = np.array([[60, 40, 0], [55, 45, 0], [70, 30, 0]], dtype=float)
    >>> boot = bootstrap_ratings(pairs, counts, n_models=3, rounds=50, seed=0)
    >>> boot.samples.shape, bool((boot.low < boot.high).all())
    ((50, 3), True)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from prefbasis.errors import ConfigError
from prefbasis.ratings.bradley_terry import counts_to_wins, newton_bt, to_elo

MEMORY_SHARE = 0.5  # the bootstrap may take at most this share of the memory available now


def available_memory() -> int | None:
    """Bytes of memory available now (Linux `MemAvailable`, else free pages), None if unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import os

        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_bootstrap_memory(rounds: int, bytes_per_round: int, available: int | None = None) -> None:
    """`ConfigError` when `rounds` bootstrap rounds would need more than `MEMORY_SHARE` of the
    available memory, naming the largest number of rounds that fits.

    >>> check_bootstrap_memory(100_000_000, 1000, available=8 << 30)
    Traceback (most recent call last):
    ...
    prefbasis.errors.ConfigError: --bootstrap 100000000 needs about 93.1 GiB here (1000 bytes a round), more than half the 8.0 GiB of memory available: use --bootstrap 4294967 or fewer
    """
    available = available_memory() if available is None else available
    if available is None or rounds <= 0:
        return
    need = rounds * bytes_per_round
    if need > MEMORY_SHARE * available:
        fits = int(MEMORY_SHARE * available // bytes_per_round)
        raise ConfigError(f"--bootstrap {rounds} needs about {need / 2**30:.1f} GiB here ({bytes_per_round} "
                          f"bytes a round), more than half the {available / 2**30:.1f} GiB of memory "
                          f"available: use --bootstrap {fits} or fewer")


@dataclass(frozen=True)
class BootstrapResult:
    """Per-round ratings (`samples`, rounds x models) and the percentile interval bounds."""

    samples: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float


def resample_counts(counts: np.ndarray, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """(P, 3) outcome counts -> (rounds, P, 3) multinomial resamples with the same total."""
    counts = np.asarray(counts, dtype=float)
    total = int(round(counts.sum()))
    flat = counts.ravel() / counts.sum()
    draws = rng.multinomial(total, flat, size=rounds)
    return draws.reshape(rounds, *counts.shape).astype(float)


def bootstrap_ratings(pairs: np.ndarray, counts: np.ndarray, n_models: int, *, rounds: int = 200,
                      seed: int = 0, level: float = 0.95, anchor: tuple[int, float] | None = None,
                      l2: float = 0.0, chunk: int | None = None,
                      init: np.ndarray | None = None) -> BootstrapResult:
    """Percentile CIs from `rounds` multinomial resamples of `counts` (P, 3), fitted in batches.

    Rounds are fitted `chunk` at a time (default: as many as keep the Hessians under ~160 MB),
    each starting from `init` (the full-data logits, when given: fewer Newton steps).
    """
    check_bootstrap_memory(rounds, 16 * np.size(counts) + 40 * n_models)  # draws (int + float), samples
    rng = np.random.default_rng(seed)
    draws = resample_counts(counts, rounds, rng)
    chunk = chunk or max(1, min(rounds, 20_000_000 // max(1, n_models * n_models)))
    thetas = []
    for start in range(0, rounds, chunk):
        wins, n = counts_to_wins(draws[start:start + chunk])
        theta, _, _ = newton_bt(pairs, wins, n, n_models, l2=l2, tol=1e-8, init=init)
        thetas.append(theta)
    samples = to_elo(np.concatenate(thetas, axis=0), anchor)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(samples, [alpha, 1.0 - alpha], axis=0)
    return BootstrapResult(samples=samples, low=low, high=high, level=level)


def ci_rank(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Rank = 1 + number of models whose lower bound exceeds this model's upper bound.

    >>> ci_rank(np.array([10.0, 5.0, 0.0]), np.array([12.0, 11.0, 4.0])).tolist()
    [1, 1, 3]
    """
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return 1 + (low[None, :] > high[:, None]).sum(axis=1)


def point_rank(ratings: np.ndarray) -> np.ndarray:
    """Without intervals: 1 + number of models with a strictly higher rating."""
    r = np.asarray(ratings, dtype=float)
    return 1 + (r[None, :] > r[:, None]).sum(axis=1)

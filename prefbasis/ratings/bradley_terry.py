"""Bradley–Terry maximum likelihood on aggregated pair outcome counts, on the Elo scale.

The model: P(i beats j) = sigmoid(theta_i - theta_j). The data are, for each unordered pair
(i, j), the number of battles n_ij and the wins of i, w_ij (a tie counts half to each side). The
log-likelihood  sum_ij  w_ij log s(d_ij) + (n_ij - w_ij) log s(-d_ij)  is concave; Newton's method
with the sum-to-zero constraint converges in a handful of steps. When a model (almost) never loses
the MLE does not exist (quasi-separation: theta runs off to infinity); an optional Gaussian prior
theta_i ~ N(0, sigma^2), i.e. the ridge penalty l2/2 ||theta||^2 with l2 = 1/sigma^2
(`prior_l2(prior_sd_elo)`), makes the optimum (the posterior mode, MAP) unique and finite.
Everything is vectorized over a leading "rounds" axis, so 200 bootstrap fits are one batched solve
per Newton step.

Example:
    >>> import numpy as np
    >>> pairs = np.array([[0, 1], [1, 2], [0, 2]])
    >>> fit = fit_bradley_terry(pairs, wins=np.array([60.0, 60.0, 70.0]),
    ...                         n=np.array([100.0, 100.0, 100.0]), n_models=3)
    >>> bool(fit.ratings[0] > fit.ratings[1] > fit.ratings[2]), round(float(fit.ratings.mean()))
    (True, 1000)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ELO_SCALE = 400.0 / math.log(10.0)   # Elo points per logit
BASE_RATING = 1000.0                 # default anchor: the mean rating


def prior_l2(prior_sd: float | None) -> float:
    """Ridge strength for a N(0, sd^2) prior on every rating, `sd` in Elo points (None / 0: no prior).

    One logit is ELO_SCALE = 400/ln 10 Elo points, so sd Elo = sd/ELO_SCALE logits and
    l2 = 1/sigma^2 = (ELO_SCALE/sd)^2 = (400 / (ln 10 * sd))^2; the default 400 Elo gives 1/ln(10)^2.

    >>> round(prior_l2(400.0), 4), prior_l2(None), prior_l2(0)
    (0.1886, 0.0, 0.0)
    """
    if prior_sd is None or prior_sd == 0:
        return 0.0
    if not math.isfinite(prior_sd) or prior_sd < 0:
        raise ValueError(f"prior_sd must be a positive number of Elo points (or 0 / None), got {prior_sd}")
    return (ELO_SCALE / prior_sd) ** 2


@dataclass(frozen=True)
class BTFit:
    """A fitted Bradley–Terry model. `theta` in logits (sum zero), `ratings` on the Elo scale."""

    theta: np.ndarray
    ratings: np.ndarray
    iterations: int
    converged: bool


def to_elo(theta: np.ndarray, anchor: tuple[int, float] | None = None) -> np.ndarray:
    """Logits -> Elo points (last axis = models): mean 1000, or model `anchor[0]` fixed at `anchor[1]`.

    >>> to_elo(np.array([0.0, math.log(10.0) / 400 * 100])).round(1).tolist()
    [950.0, 1050.0]
    """
    theta = np.asarray(theta, dtype=float)
    if anchor is None:
        return BASE_RATING + ELO_SCALE * (theta - theta.mean(axis=-1, keepdims=True))
    idx, value = anchor
    return value + ELO_SCALE * (theta - theta[..., idx:idx + 1])


def newton_bt(pairs: np.ndarray, wins: np.ndarray, n: np.ndarray, n_models: int, *,
              l2: float = 0.0, max_iter: int = 100, tol: float = 1e-10,
              max_step: float = 4.0, init: np.ndarray | None = None) -> tuple[np.ndarray, int, bool]:
    """Batched Newton for BT. `wins`, `n`: (P,) or (R, P). Returns theta (…, n_models), iters, converged.

    `l2` adds a ridge penalty l2/2 * ||theta||^2 (0 = plain MLE). Steps are clipped to `max_step`
    logits per coordinate, which keeps the iteration stable when a model won (almost) everything.
    `init` (n_models,) starts every round there (bootstrap rounds start at the full-data fit).
    """
    pairs = np.asarray(pairs, dtype=np.int64)
    wins, n = np.asarray(wins, dtype=float), np.asarray(n, dtype=float)
    single = wins.ndim == 1
    if single:
        wins, n = wins[None, :], n[None, :]
    pairs, wins, n = _unique_pairs(pairs, wins, n, n_models)
    rounds, m = wins.shape[0], n_models
    i, j = pairs[:, 0], pairs[:, 1]
    incidence = np.zeros((len(pairs), m))
    incidence[np.arange(len(pairs)), i] = 1.0
    incidence[np.arange(len(pairs)), j] = -1.0
    theta = np.zeros((rounds, m)) if init is None else np.tile(np.asarray(init, dtype=float), (rounds, 1))
    ones = np.ones((m, m)) / m   # + 1 1^T / m makes the Laplacian invertible (sum-zero direction)
    converged, it = False, 0
    for it in range(1, max_iter + 1):
        p = 1.0 / (1.0 + np.exp(-(theta[:, i] - theta[:, j])))
        resid = wins - n * p                                   # d loglik / d (theta_i - theta_j)
        grad = resid @ incidence - l2 * theta
        v = n * p * (1.0 - p)
        hess = np.zeros((rounds, m, m))                        # negative Hessian (a Laplacian)
        hess[:, i, j] = -v                                     # pairs are unique: plain assignment
        hess[:, j, i] = -v
        diag = -hess.sum(axis=2)
        hess[:, np.arange(m), np.arange(m)] = diag + l2 + 1e-12
        step = np.linalg.solve(hess + ones, grad[..., None])[..., 0]
        step -= step.mean(axis=1, keepdims=True)
        step = np.clip(step, -max_step, max_step)
        theta += step
        if np.max(np.abs(step)) < tol:
            converged = True
            break
    theta -= theta.mean(axis=1, keepdims=True)
    return (theta[0] if single else theta), it, converged


def _unique_pairs(pairs: np.ndarray, wins: np.ndarray, n: np.ndarray, m: int):
    """Orient every pair as i < j and merge duplicates (so the Hessian scatter is a plain write)."""
    i, j = pairs[:, 0], pairs[:, 1]
    if np.any(i == j) or np.any(pairs < 0) or np.any(pairs >= m):
        raise ValueError("pairs must hold two different model indices in [0, n_models)")
    flip = i > j
    wins = np.where(flip, n - wins, wins)
    key = np.minimum(i, j) * m + np.maximum(i, j)
    uniq, inv = np.unique(key, return_inverse=True)
    if len(uniq) == len(key) and not flip.any():
        return pairs, wins, n
    w2 = np.zeros((wins.shape[0], len(uniq)))
    n2 = np.zeros_like(w2)
    for r in range(wins.shape[0]):
        w2[r] = np.bincount(inv, weights=wins[r], minlength=len(uniq))
        n2[r] = np.bincount(inv, weights=n[r], minlength=len(uniq))
    return np.stack([uniq // m, uniq % m], axis=1), w2, n2


def fit_bradley_terry(pairs: np.ndarray, wins: np.ndarray, n: np.ndarray, n_models: int, *,
                      anchor: tuple[int, float] | None = None, l2: float = 0.0,
                      max_iter: int = 100, tol: float = 1e-10) -> BTFit:
    """Fit BT on aggregated counts: `pairs` (P, 2) model indices, `wins` of the first, `n` battles.

    `l2` = 0 is the exact MLE; `l2 = prior_l2(sd)` the MAP under a N(0, sd^2 Elo^2) prior per model.
    """
    theta, iters, ok = newton_bt(pairs, wins, n, n_models, l2=l2, max_iter=max_iter, tol=tol)
    return BTFit(theta=theta, ratings=to_elo(theta, anchor), iterations=iters, converged=ok)


def aggregate_outcomes(model_a: np.ndarray, model_b: np.ndarray, winner: np.ndarray,
                       weight: np.ndarray | None = None, n_models: int | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Rows -> (pairs (P, 2) with i < j, counts (P, 3) = [i wins, j wins, ties]).

    `model_a`, `model_b` are integer codes, `winner` in {'a', 'b', 'tie'} (or 0, 1, 2), `weight`
    an optional count per row (rows already grouped).

    >>> pairs, c = aggregate_outcomes(np.array([1, 0, 0]), np.array([0, 1, 1]), np.array(["a", "a", "tie"]))
    >>> pairs.tolist(), c.tolist()
    ([[0, 1]], [[1.0, 1.0, 1.0]])
    """
    a, b = np.asarray(model_a, dtype=np.int64), np.asarray(model_b, dtype=np.int64)
    w = np.asarray(winner)
    if w.dtype.kind in "UO":
        code = np.select([w == "a", w == "b"], [0, 1], 2)
    else:
        code = w.astype(np.int64)
    weight = np.ones(len(a)) if weight is None else np.asarray(weight, dtype=float)
    m = int(n_models if n_models is not None else max(a.max(initial=-1), b.max(initial=-1)) + 1)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    swapped = a > b                                  # the first model of the pair is b
    outcome = np.where(code == 2, 2, np.where((code == 0) ^ swapped, 0, 1))
    key = (lo * m + hi) * 3 + outcome
    keep = a != b
    flat = np.bincount(key[keep], weights=weight[keep], minlength=m * m * 3).reshape(m * m, 3)
    present = np.flatnonzero(flat.sum(axis=1) > 0)
    pairs = np.stack([present // m, present % m], axis=1)
    return pairs, flat[present]


def counts_to_wins(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(…, P, 3) outcome counts -> (wins of the first model with ties half, battles)."""
    counts = np.asarray(counts, dtype=float)
    return counts[..., 0] + 0.5 * counts[..., 2], counts.sum(axis=-1)

"""Style control, as Chatbot Arena does it: Bradley–Terry plus style-difference covariates.

logit P(a beats b) = theta_a - theta_b + beta . z_ab, where z_ab holds, per style feature f
(response length in words; markdown headers, list items, bold spans), the normalized difference
(f_a - f_b) / (f_a + f_b + 1), standardized over the battles. The ratings are the thetas: model
strength with the style effects held fixed. The fit runs on rows (the covariates are
per battle), by Newton's method; a bootstrap round reweights rows with a multinomial draw.

Example:
    >>> style_features(["# Title\\n- one\\n- two **bold**"]).tolist()
    [[7.0, 1.0, 2.0, 1.0]]
"""
from __future__ import annotations

import re

import numpy as np

from prefbasis.ratings.bootstrap import check_bootstrap_memory
from prefbasis.ratings.bradley_terry import to_elo

FEATURES = ("length", "headers", "lists", "bold")
_HEADER = re.compile(r"^\s{0,3}#{1,6}\s", re.M)
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_BOLD = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__")


def style_features(texts) -> np.ndarray:
    """(n, 4) counts per response: words, markdown headers, list items, bold spans (None -> 0)."""
    out = np.zeros((len(texts), len(FEATURES)))
    for r, t in enumerate(texts):
        t = t if isinstance(t, str) else ""
        out[r] = (len(t.split()), len(_HEADER.findall(t)), len(_LIST.findall(t)), len(_BOLD.findall(t)))
    return out


def style_covariates(features_a: np.ndarray, features_b: np.ndarray) -> np.ndarray:
    """Normalized differences (a - b) / (a + b + 1), standardized; constant columns become 0."""
    diff = (features_a - features_b) / (features_a + features_b + 1.0)
    std = diff.std(axis=0)
    z = (diff - diff.mean(axis=0)) / np.where(std > 0, std, 1.0)
    z[:, std == 0] = 0.0
    return z


def fit_style_bt(a: np.ndarray, b: np.ndarray, y: np.ndarray, z: np.ndarray, n_models: int, *,
                 weight: np.ndarray | None = None, l2: float = 0.0, max_iter: int = 100,
                 tol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Newton fit on rows. `y` = 1 (a won), 0 (b won), 0.5 (tie). Returns (theta, beta).

    theta is centred (sum zero); beta holds one coefficient per column of `z` (0 for a constant
    column). `l2` is the ridge penalty on theta (the Gaussian prior of `prior_l2`; beta is not
    penalized). When the covariates are collinear with each other or with model identity, the step
    falls back to the minimum-norm least-squares solution.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    y, z_all = np.asarray(y, dtype=float), np.asarray(z, dtype=float)
    active = np.flatnonzero(np.any(z_all != 0, axis=0))
    z = z_all[:, active]
    w = np.ones(len(a)) if weight is None else np.asarray(weight, dtype=float)
    m, k = n_models, z.shape[1]
    theta, beta = np.zeros(m), np.zeros(k)
    centre = np.zeros((m + k, m + k))
    centre[:m, :m] = 1.0 / m                      # fixes the sum-zero direction of theta
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(theta[a] - theta[b] + z @ beta)))
        r, v = w * (y - p), w * p * (1.0 - p)
        grad = np.concatenate([np.bincount(a, r, m) - np.bincount(b, r, m) - l2 * theta, z.T @ r])
        hess = np.zeros((m + k, m + k))
        lap = np.bincount(a * m + b, v, m * m).reshape(m, m)
        lap = lap + lap.T
        hess[:m, :m] = np.diag(lap.sum(axis=1) + l2) - lap
        vz = v[:, None] * z
        cross = np.stack([np.bincount(a, vz[:, c], m) - np.bincount(b, vz[:, c], m)
                          for c in range(k)], axis=1) if k else np.zeros((m, 0))
        hess[:m, m:], hess[m:, :m] = cross, cross.T
        hess[m:, m:] = z.T @ vz
        try:
            step = np.linalg.solve(hess + centre, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess + centre, grad, rcond=None)[0]
        step[:m] -= step[:m].mean()
        step = np.clip(step, -4.0, 4.0)
        theta, beta = theta + step[:m], beta + step[m:]
        if np.max(np.abs(step)) < tol:
            break
    full = np.zeros(z_all.shape[1])
    full[active] = beta
    return theta - theta.mean(), full


def bootstrap_style_bt(a, b, y, z, n_models: int, *, rounds: int, seed: int,
                       anchor: tuple[int, float] | None = None, level: float = 0.95,
                       l2: float = 0.0, progress_bar=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-level multinomial bootstrap of the style-controlled fit: (samples, low, high) in Elo.

    Every round uses the same prior `l2` as the point fit.
    """
    check_bootstrap_memory(rounds, 24 * n_models)  # samples, and the copy the quantiles make
    rng = np.random.default_rng(seed)
    n = len(a)
    samples = np.empty((rounds, n_models))
    iterator = progress_bar(range(rounds)) if progress_bar else range(rounds)
    for r in iterator:
        weight = rng.multinomial(n, np.full(n, 1.0 / n)).astype(float)
        theta, _ = fit_style_bt(a, b, y, z, n_models, weight=weight, l2=l2)
        samples[r] = to_elo(theta, anchor)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(samples, [alpha, 1.0 - alpha], axis=0)
    return samples, low, high

"""Bradley–Terry core, bootstrap and style control, checked against independent references."""
from __future__ import annotations

import numpy as np
import pytest

from prefbasis.ratings.bootstrap import bootstrap_ratings, ci_rank
from prefbasis.ratings.bradley_terry import (ELO_SCALE, aggregate_outcomes, counts_to_wins,
                                             fit_bradley_terry, to_elo)
from prefbasis.ratings.style import fit_style_bt, style_covariates, style_features
from prefbasis.ratings.synthetic import simulate_battles


def _rows_design(a, b, winner, m):
    """The Arena-notebook design: one +1/-1 row per battle; a tie becomes two half-weight rows."""
    x = np.zeros((len(a), m))
    x[np.arange(len(a)), a] = 1.0
    x[np.arange(len(a)), b] = -1.0
    tie = winner == "tie"
    y = (winner == "a").astype(int)
    X = np.vstack([x, x[tie]])
    Y = np.concatenate([y, np.zeros(tie.sum(), dtype=int)])
    Y[np.flatnonzero(tie)] = 1
    w = np.ones(len(X))
    w[np.flatnonzero(tie)] = 0.5
    w[len(a):] = 0.5
    return X, Y, w


@pytest.fixture(scope="module")
def battles():
    strengths = np.random.default_rng(1).normal(0, 0.8, (1, 10))
    return strengths[0], simulate_battles(strengths, 6000, tie_rate=0.15, seed=2)


def test_matches_sklearn_unpenalized_logistic_regression(battles):
    """C=inf is sklearn 1.9's spelling of penalty=None (no regularization)."""
    from sklearn.linear_model import LogisticRegression

    _, bt = battles
    m = 10
    pairs, counts = aggregate_outcomes(bt.model_a, bt.model_b, bt.winner, n_models=m)
    ours = fit_bradley_terry(pairs, *counts_to_wins(counts), m)
    X, Y, w = _rows_design(bt.model_a, bt.model_b, bt.winner, m)
    ref = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12, max_iter=10_000)
    ref.fit(X, Y, sample_weight=w)
    ref_elo = to_elo(ref.coef_[0])
    assert ours.converged
    assert np.max(np.abs(ours.ratings - ref_elo)) < 1.0
    assert np.max(np.abs(ours.ratings - ref_elo)) < 0.01   # in fact far closer


def test_matches_statsmodels_logit_with_reference_model(battles):
    import statsmodels.api as sm

    _, bt = battles
    m = 10
    pairs, counts = aggregate_outcomes(bt.model_a, bt.model_b, bt.winner, n_models=m)
    ours = fit_bradley_terry(pairs, *counts_to_wins(counts), m, anchor=(0, 1000.0))
    X, Y, w = _rows_design(bt.model_a, bt.model_b, bt.winner, m)
    res = sm.GLM(Y, X[:, 1:], family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-12)
    ref = 1000.0 + ELO_SCALE * np.concatenate([[0.0], res.params])
    assert np.max(np.abs(ours.ratings - ref)) < 1.0


def test_recovers_planted_strengths_and_default_anchor(battles):
    from scipy.stats import spearmanr

    truth, bt = battles
    pairs, counts = aggregate_outcomes(bt.model_a, bt.model_b, bt.winner, n_models=10)
    fit = fit_bradley_terry(pairs, *counts_to_wins(counts), 10)
    assert spearmanr(fit.ratings, truth).statistic > 0.95
    assert fit.ratings.mean() == pytest.approx(1000.0)
    anchored = fit_bradley_terry(pairs, *counts_to_wins(counts), 10, anchor=(3, 1200.0))
    assert anchored.ratings[3] == pytest.approx(1200.0)
    np.testing.assert_allclose(np.diff(anchored.ratings), np.diff(fit.ratings), atol=1e-8)


def test_a_tie_counts_half_to_each_side():
    pairs = np.array([[0, 1], [1, 2], [0, 2]])
    with_ties = np.array([[30, 10, 20], [25, 25, 10], [40, 20, 0]], dtype=float)
    as_halves = with_ties[:, :2] + with_ties[:, 2:] / 2
    a = fit_bradley_terry(pairs, *counts_to_wins(with_ties), 3)
    b = fit_bradley_terry(pairs, as_halves[:, 0], as_halves.sum(axis=1), 3)
    np.testing.assert_allclose(a.ratings, b.ratings, atol=1e-9)
    # and the Elo scale: a 10:1 odds gap is 400 points
    two = fit_bradley_terry(np.array([[0, 1]]), np.array([100.0]), np.array([110.0]), 2)
    assert two.ratings[0] - two.ratings[1] == pytest.approx(400.0)


def test_aggregation_orients_pairs_and_merges_duplicates():
    pairs, counts = aggregate_outcomes(np.array([2, 0, 0, 1]), np.array([0, 2, 2, 1]),
                                       np.array(["a", "b", "tie", "a"]))
    assert pairs.tolist() == [[0, 2]]          # the self-battle is dropped
    assert counts.tolist() == [[0.0, 2.0, 1.0]]
    # the solver merges repeated / reversed pairs itself
    fit1 = fit_bradley_terry(np.array([[0, 1], [1, 0]]), np.array([6.0, 2.0]), np.array([10.0, 10.0]), 2)
    fit2 = fit_bradley_terry(np.array([[0, 1]]), np.array([14.0]), np.array([20.0]), 2)
    np.testing.assert_allclose(fit1.ratings, fit2.ratings)


def test_multinomial_bootstrap_matches_row_bootstrap(battles):
    """Resampling the aggregated table equals resampling rows, in distribution: same CI widths."""
    _, bt = battles
    m = 10
    pairs, counts = aggregate_outcomes(bt.model_a, bt.model_b, bt.winner, n_models=m)
    boot = bootstrap_ratings(pairs, counts, m, rounds=300, seed=0)
    rng = np.random.default_rng(1)
    naive = []
    for _ in range(300):
        idx = rng.integers(0, len(bt.model_a), len(bt.model_a))
        p, c = aggregate_outcomes(bt.model_a[idx], bt.model_b[idx], bt.winner[idx], n_models=m)
        naive.append(fit_bradley_terry(p, *counts_to_wins(c), m).ratings)
    naive = np.array(naive)
    width_ours = boot.high - boot.low
    width_rows = np.quantile(naive, 0.975, axis=0) - np.quantile(naive, 0.025, axis=0)
    assert np.all(np.abs(width_ours / width_rows - 1) < 0.3)
    assert abs(width_ours.mean() / width_rows.mean() - 1) < 0.1
    assert np.allclose(boot.samples.mean(axis=0), naive.mean(axis=0), atol=3.0)
    # same seed, same intervals
    again = bootstrap_ratings(pairs, counts, m, rounds=300, seed=0)
    np.testing.assert_array_equal(again.low, boot.low)


def test_ci_rank_counts_models_clearly_above():
    low = np.array([1100.0, 1090.0, 1000.0, 900.0])
    high = np.array([1150.0, 1120.0, 1095.0, 950.0])
    assert ci_rank(low, high).tolist() == [1, 1, 2, 4]


def test_style_control_removes_a_pure_length_advantage():
    """Two equal models; model 0 writes longer answers and raters like length."""
    rng = np.random.default_rng(5)
    n, m = 6000, 3
    a = rng.integers(0, m, n)
    b = (a + rng.integers(1, m, n)) % m
    length = lambda mdl: np.where(mdl == 0, 300, 100) * rng.uniform(0.5, 1.5, n)
    la, lb = length(a), length(b)
    fa = np.stack([la, np.zeros(n), np.zeros(n), np.zeros(n)], axis=1)
    fb = np.stack([lb, np.zeros(n), np.zeros(n), np.zeros(n)], axis=1)
    z = style_covariates(fa, fb)
    p = 1 / (1 + np.exp(-1.2 * (la - lb) / (la + lb + 1) * 2))
    y = (rng.random(n) < p).astype(float)
    pairs, counts = aggregate_outcomes(a, b, np.where(y == 1, "a", "b"), n_models=m)
    plain = fit_bradley_terry(pairs, *counts_to_wins(counts), m).ratings
    theta, beta = fit_style_bt(a, b, y, z, m)
    styled = to_elo(theta)
    assert plain[0] - plain[1:].mean() > 100          # length shows up as strength ...
    assert abs(styled[0] - styled[1:].mean()) < 25    # ... and style control takes it out
    assert beta[0] > 0 and np.allclose(beta[1:], 0)

    from sklearn.linear_model import LogisticRegression
    x = np.zeros((n, m))
    x[np.arange(n), a], x[np.arange(n), b] = 1.0, -1.0
    ref = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12, max_iter=10_000)
    ref.fit(np.hstack([x, z[:, :1]]), y)
    assert np.max(np.abs(to_elo(ref.coef_[0][:m]) - styled)) < 1.0


def test_style_features_count_length_and_markdown():
    text = "## Plan\n1. first\n2. second\n* third with **bold** and __more__\nplain words here"
    assert style_features([text, None]).tolist() == [[15.0, 1.0, 3.0, 2.0], [0.0, 0.0, 0.0, 0.0]]


def test_prior_is_the_l2_logistic_regression_with_the_documented_mapping(battles):
    """--prior-sd S Elo == sklearn's L2 logistic regression with C = 1/l2, l2 = (400 / (ln10 * S))^2."""
    from sklearn.linear_model import LogisticRegression

    from prefbasis.ratings.bradley_terry import prior_l2

    _, bt = battles
    m, sd = 10, 400.0
    l2 = prior_l2(sd)
    assert l2 == pytest.approx(1.0 / np.log(10.0) ** 2) == pytest.approx((ELO_SCALE / sd) ** 2)
    pairs, counts = aggregate_outcomes(bt.model_a, bt.model_b, bt.winner, n_models=m)
    ours = fit_bradley_terry(pairs, *counts_to_wins(counts), m, l2=l2)
    X, Y, w = _rows_design(bt.model_a, bt.model_b, bt.winner, m)
    ref = LogisticRegression(C=1.0 / l2, fit_intercept=False, tol=1e-12, max_iter=10_000).fit(X, Y, sample_weight=w)
    assert ours.converged
    assert np.max(np.abs(ours.ratings - to_elo(ref.coef_[0]))) < 0.01
    assert abs(ref.coef_[0].mean()) < 1e-6            # the MAP is centred by itself (the prior's mean 0)
    mle = fit_bradley_terry(pairs, *counts_to_wins(counts), m)
    assert 0 < np.max(np.abs(ours.ratings - mle.ratings)) < 1.0   # weak: shrinks 6,000 battles by < 1 Elo


def _all_wins_table():
    """4 models; model 0 won all of its 60 battles against each other model; the rest are close."""
    pairs = np.array([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
    counts = np.array([[60, 0, 0], [60, 0, 0], [60, 0, 0], [35, 25, 0], [33, 27, 0], [30, 30, 0]], dtype=float)
    return pairs, counts


def test_prior_gives_an_all_wins_model_a_finite_rating_and_ci():
    from prefbasis.ratings.bradley_terry import prior_l2

    pairs, counts = _all_wins_table()
    mle = fit_bradley_terry(pairs, *counts_to_wins(counts), 4)
    assert mle.ratings[0] - mle.ratings[1] > 5000     # separation: no MLE; Newton runs until p rounds to 1
    l2 = prior_l2(400.0)
    fit = fit_bradley_terry(pairs, *counts_to_wins(counts), 4, l2=l2)
    boot = bootstrap_ratings(pairs, counts, 4, rounds=200, seed=0, l2=l2, init=fit.theta)
    assert fit.converged and np.isfinite(fit.ratings).all()
    assert 1300 < fit.ratings[0] < 1900 and fit.ratings[0] - fit.ratings[1:].max() > 400
    assert np.isfinite(boot.samples).all()
    assert boot.low[0] <= fit.ratings[0] <= boot.high[0] and boot.high[0] - boot.low[0] < 400
    assert np.all(boot.high[1:] - boot.low[1:] < 300)      # the other models' CIs do not blow up either


def test_style_fit_takes_the_same_prior():
    """All-wins model through the row-level (style control) fit: finite and equal to the count fit."""
    from prefbasis.ratings.bradley_terry import prior_l2

    pairs, counts = _all_wins_table()
    a, b, y = [], [], []
    for (i, j), (wi, wj, _) in zip(pairs, counts):
        a += [i] * int(wi + wj)
        b += [j] * int(wi + wj)
        y += [1.0] * int(wi) + [0.0] * int(wj)
    z = np.zeros((len(a), 4))                            # no style variation: theta alone
    theta, _ = fit_style_bt(np.array(a), np.array(b), np.array(y), z, 4, l2=prior_l2(400.0))
    count_fit = fit_bradley_terry(pairs, *counts_to_wins(counts), 4, l2=prior_l2(400.0))
    np.testing.assert_allclose(to_elo(theta), count_fit.ratings, atol=1e-6)

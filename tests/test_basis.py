"""PreferenceBasis on synthetic unit vectors with planted clusters (fast, no model)."""
from __future__ import annotations

import numpy as np
import pytest

from prefbasis.basis.estimator import PreferenceBasis
from prefbasis.basis.metrics import choose_k, coverage_curve, pca_optimum_curve, variation_curve, centred
from prefbasis.basis.selection import greedy_max_coverage
from prefbasis.errors import ConfigError, InputError


def make_clusters(n: int = 600, k: int = 6, d: int = 32, noise: float = 0.12, seed: int = 0):
    """n unit vectors around k random centres (cosine to the centre about 0.7), with texts and weights."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.arange(n) % k
    x = centres[labels] + rng.normal(scale=noise, size=(n, d))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    texts = [f"category {lab} paraphrase {i:04d}" for i, lab in enumerate(labels)]
    weights = rng.integers(1, 4, size=n)
    return texts, weights, x.astype(np.float32), labels


def test_recovers_planted_clusters():
    from sklearn.metrics import adjusted_rand_score

    texts, w, x, labels = make_clusters()
    pb = PreferenceBasis(k="auto", target=0.89, tau=0.5, seed=0).fit(texts, sample_weight=w, embeddings=x)
    assert pb.k_ == 6
    assert pb.coverage_ >= 0.89
    truth = np.array([int(t.split()[1]) for t in pb.descriptions_])
    assert adjusted_rand_score(truth, pb.labels_) > 0.95
    # every category is a real description, and curves are monotone
    assert all(m in pb.descriptions_ for m in pb.category_medoids_)
    assert np.all(np.diff(pb.coverage_curve_) >= -1e-12)
    assert np.all(pb.variation_curve_ <= pb.pca_curve_ + 1e-9)
    assert abs(pb.unassigned_share_ - (1 - pb.coverage_)) < 1e-12


def test_same_basis_for_any_input_order():
    texts, w, x, _ = make_clusters(seed=1)
    perm = np.random.default_rng(5).permutation(len(texts))
    a = PreferenceBasis(k=6, tau=0.5, seed=3).fit(texts, sample_weight=w, embeddings=x)
    b = PreferenceBasis(k=6, tau=0.5, seed=3).fit([texts[i] for i in perm], sample_weight=w[perm], embeddings=x[perm])
    assert a.category_medoids_ == b.category_medoids_
    assert np.array_equal(a.labels_, b.labels_)
    assert np.allclose(a.coverage_curve_, b.coverage_curve_)


def test_predict_reproduces_fit_assignments_and_fixed_k():
    texts, w, x, _ = make_clusters(seed=2)
    pb = PreferenceBasis(k=4, tau=0.5).fit(texts, sample_weight=w, embeddings=x)
    assert pb.k_ == 4 and pb.category_vectors_.shape == (4, 32)
    labels, sims = pb.assign(pb.descriptions_, embeddings=pb.embeddings_)
    assert np.array_equal(labels, pb.labels_) and np.array_equal(sims, pb.similarity_)
    assert pb.transform(pb.descriptions_[:3], embeddings=pb.embeddings_[:3]).shape == (3, 4)


def test_duplicates_merge_and_weights_add():
    x = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    pb = PreferenceBasis(k="auto", tau=0.9).fit(["Short.", "short", "Long"], sample_weight=[2, 3, 1], embeddings=x)
    assert pb.descriptions_ == ["long", "short"]
    assert pb.weights_.tolist() == [1.0, 5.0]
    assert pb.coverage_curve_[0] == pytest.approx(5 / 6)


def test_greedy_is_weighted_max_coverage():
    # candidate 0 covers {0, 1}, candidate 1 covers {1, 2, 3}: weights make 0 the better first pick
    x = np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 1, 0], [0, 0.8, 0.6]], dtype=np.float32)
    cand = np.array([[0.95, 0.31, 0], [0, 1, 0]], dtype=np.float32)
    order, gains = greedy_max_coverage(cand, x, np.array([10.0, 1.0, 1.0, 1.0]), tau=0.75, k_max=2)
    assert order.tolist() == [0, 1] and gains.tolist() == [11.0, 2.0]


def test_metrics_formulas():
    assert choose_k(np.array([0.5, 0.9, 0.95]), 0.89) == 2
    assert choose_k(np.array([0.5, 0.6]), 0.89) == 2
    assert coverage_curve(np.array([1.0]), total=2.0, k_max=3).tolist() == [0.5, 0.5, 0.5]
    rng = np.random.default_rng(0)
    v, total = centred(rng.normal(size=(50, 5)))
    pca = pca_optimum_curve(v, total, 5)
    assert pca[-1] == pytest.approx(1.0)
    # the top principal directions reach the PCA optimum exactly
    _, _, vt = np.linalg.svd(v, full_matrices=False)
    assert variation_curve(v, total, vt[:2], 2)[-1] == pytest.approx(pca[1])


def test_nmf_side_by_side_and_method_nmf():
    texts, w, x, _ = make_clusters(seed=3)
    rng = np.random.default_rng(0)
    # 40 individuals, each mentioning descriptions of mostly one cluster
    ind = np.zeros((40, len(texts)))
    for i in range(40):
        ind[i, rng.choice(np.flatnonzero(np.arange(len(texts)) % 6 == i % 6), 20)] += 1
    pb = PreferenceBasis(k=6, tau=0.5, method="nmf").fit(texts, sample_weight=w, individuals=ind, embeddings=x)
    assert 0.0 < pb.nmf_["r2"] <= 1.0 and len(pb.nmf_["top_atoms"]) == 6
    assert pb.k_ == 6 and len(set(pb.category_medoids_)) >= 5


def test_bad_parameters_raise():
    texts, w, x, _ = make_clusters(n=60)
    with pytest.raises(ConfigError):
        PreferenceBasis(k=0).fit(texts, sample_weight=w, embeddings=x)
    with pytest.raises(ConfigError):
        PreferenceBasis(method="kmeans").fit(texts, sample_weight=w, embeddings=x)
    with pytest.raises(InputError):
        PreferenceBasis().fit(texts, sample_weight=w, embeddings=x[:10])
    with pytest.raises(InputError):
        PreferenceBasis().fit(["ok", "  "], embeddings=x[:2])


def test_bootstrap_stability_and_heldout():
    from prefbasis.basis.stability import bootstrap, heldout_coverage

    texts, w, x, _ = make_clusters(seed=4)
    pb = PreferenceBasis(k=6, tau=0.5).fit(texts, sample_weight=w, embeddings=x)
    rep = bootstrap(pb, 3, seed=0)
    # medoids are single descriptions (cosine ~0.7 to their centre here), so matched cosine < 1
    assert len(rep.ari) == 3 and rep.mean_cosine > 0.6 and rep.mean_ari > 0.9
    groups = np.arange(len(texts)) // 2
    cov = heldout_coverage({"k": 6, "tau": 0.5}, texts, groups, x, seed=0)
    assert cov > 0.85

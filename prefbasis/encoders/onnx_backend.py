"""The ONNX Runtime backends (`onnx`, `onnx-int8`): tokenizers + an ORT session, no torch import.

A session is trusted only after its embeddings of the probe texts match torch's stored reference
(minimum cosine >= `THRESHOLDS[backend]`); the result is recorded per ONNX Runtime version in the
export folder (`verified.json`), and checked again every time an encoder loads.

Example:
    >>> ok, why = onnx_status("all-MiniLM-L6-v2", EmbeddingBackend.ONNX, "cpu")  # doctest: +SKIP
    >>> enc = OnnxEncoder.load("all-MiniLM-L6-v2", EmbeddingBackend.ONNX, "cpu")  # doctest: +SKIP
    >>> enc.encode(["shorter answer"], batch_size=64).shape  # doctest: +SKIP
    (1, 384)
"""
from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from prefbasis.encoders import EmbeddingBackend
from prefbasis.encoders.onnx_export import (FP32, INT8, PROBE, UnsupportedModel, export_dir, export_model,
                                            model_folder, read_layout)

# onnx must reproduce torch (the bar); int8 is approximate by design, this only catches a
# broken quantization (measured on MiniLM: minimum 0.986, mean 0.992 over the probe texts).
THRESHOLDS = {EmbeddingBackend.ONNX: 0.9999, EmbeddingBackend.ONNX_INT8: 0.97}


class OnnxUnverified(Exception):
    """This ONNX backend cannot be used for this model here (the message says why)."""


def _providers(device: str) -> list[str]:
    import onnxruntime as ort

    if device == "cpu":
        return ["CPUExecutionProvider"]
    if device.startswith("cuda") and "CUDAExecutionProvider" in ort.get_available_providers():
        return ["CUDAExecutionProvider", "CPUExecutionProvider"]
    raise OnnxUnverified(f"ONNX Runtime has no execution provider for {device} here "
                         "(for CUDA install onnxruntime-gpu, or use --backend torch)")


def _export_for(model: str) -> Path:
    if importlib.util.find_spec("onnxruntime") is None:
        raise OnnxUnverified("onnxruntime is not installed (pip install onnxruntime)")
    try:
        layout = read_layout(model_folder(model))
    except UnsupportedModel as exc:
        raise OnnxUnverified(f"cannot export {model!r} to ONNX: {exc}") from None
    dest = export_dir(layout)
    if not (dest / "meta.json").exists():
        try:
            export_model(model, layout, dest)
        except Exception as exc:  # noqa: BLE001 - any export failure means: use torch
            raise OnnxUnverified(f"ONNX export of {model!r} failed: {type(exc).__name__}: {exc}") from None
    return dest


def _record(folder: Path) -> dict:
    path = folder / "verified.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _save_record(folder: Path, ort_version: str, backend: EmbeddingBackend | str, min_cos: float | None, ok: bool,
                 why: str) -> None:
    rec = _record(folder)
    key = backend.value if isinstance(backend, EmbeddingBackend) else backend
    rec.setdefault(ort_version, {})[key] = {"min_cosine": min_cos, "ok": ok, "why": why}
    tmp = folder / f"verified.json.tmp-{os.getpid()}"
    tmp.write_text(json.dumps(rec, indent=1), encoding="utf-8")
    tmp.replace(folder / "verified.json")


def onnx_status(model: str, backend: EmbeddingBackend, device: str) -> tuple[bool, str]:
    """(usable, why not) for an ONNX backend: exports and verifies once, then reads the record."""
    try:
        folder = _export_for(model)
        _providers(device)
        import onnxruntime as ort

        entry = _record(folder).get(ort.__version__, {}).get(backend.value)
        if entry is None:
            OnnxEncoder(folder, backend, device)  # verifies and records
            return True, ""
        return bool(entry["ok"]), entry.get("why", "")
    except OnnxUnverified as exc:
        return False, str(exc)


class OnnxEncoder:
    """Tokenize with `tokenizers`, run the ORT session, sort by length to pad little."""

    def __init__(self, folder: Path, backend: EmbeddingBackend, device: str = "cpu") -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder, self.backend = folder, backend.value
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        file = folder / (INT8 if backend is EmbeddingBackend.ONNX_INT8 else FP32)
        if not file.exists():
            raise OnnxUnverified(f"no {file.name} in {folder} (int8 quantization failed at export)")
        layout = meta["layout"]
        self.max_len, self.lower = int(layout["max_seq_length"]), bool(layout["do_lower_case"])
        self.input_names = list(meta["input_names"])
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(max_length=self.max_len)
        self.tok.enable_padding(pad_id=meta["pad_id"], pad_token=meta["pad_token"])
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # no busy-waiting between ops: on a shared 2-core machine spinning threads steal the tokenizer's core
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(file), opts, providers=_providers(device))
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 0)
        self._verify(folder, backend, ort.__version__)

    @classmethod
    def load(cls, model: str, backend: EmbeddingBackend, device: str = "cpu") -> "OnnxEncoder":
        return cls(_export_for(model), backend, device)

    def _verify(self, folder: Path, backend: EmbeddingBackend, ort_version: str) -> None:
        ref = np.load(folder / "reference.npy")
        got = self.encode(PROBE, batch_size=len(PROBE))
        got /= np.linalg.norm(got, axis=1, keepdims=True)
        min_cos = float(np.min(np.sum(got.astype(np.float64) * ref, axis=1)))
        ok = min_cos >= THRESHOLDS[backend]
        why = "" if ok else (f"its embeddings of the probe texts reach cosine {min_cos:.6f} to torch, "
                             f"below {THRESHOLDS[backend]}")
        _save_record(folder, ort_version, backend, min_cos, ok, why)
        self.probe_min_cosine = min_cos
        if not ok:
            raise OnnxUnverified(why)

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        texts = [t.strip().lower() if self.lower else t.strip() for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), batch_size):
            idx = order[start:start + batch_size]
            enc = self.tok.encode_batch([texts[i] for i in idx])
            feeds = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                     "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                     "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64)}
            out[idx] = self.session.run(None, {n: feeds[n] for n in self.input_names})[0]
        return out

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

from prefbasis.cpus import usable_cores
from prefbasis.encoders import EmbeddingBackend
from prefbasis.encoders.exported import ExportTokens, probe_min_cosine, read_meta, share_out
from prefbasis.encoders.onnx_export import (FP32, INT8, UnsupportedModel, export_dir, export_model, model_folder,
                                            read_layout)

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


def _cpu_sessions() -> list[int]:
    """Threads of each session on the CPU: a session per core this process may use, at most 4
    (each holds its own copy of the model); more cores are shared out among them as threads."""
    cores = usable_cores()
    n = min(cores, 4)
    return [cores // n + (1 if i < cores % n else 0) for i in range(n)]


def _session_options(ort, threads: int = 0):
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads  # 0: ONNX Runtime's default (a thread per physical core)
    # no busy-waiting between ops: on a shared 2-core machine spinning threads steal the tokenizer's core
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return opts


class OnnxEncoder:
    """Tokenize with the export's tokenizer (length-sorted batches), run the ORT session(s)."""

    def __init__(self, folder: Path, backend: EmbeddingBackend, device: str = "cpu") -> None:
        import onnxruntime as ort

        self.folder, self.backend = folder, backend.value
        meta = read_meta(folder)
        file = folder / (INT8 if backend is EmbeddingBackend.ONNX_INT8 else FP32)
        if not file.exists():
            raise OnnxUnverified(f"no {file.name} in {folder} (int8 quantization failed at export)")
        self.tokens = ExportTokens(folder, meta)
        providers = _providers(device)
        # On the CPU: one single-threaded session per core, each running whole batches (alternate ones),
        # instead of one session splitting every op across the cores. Short texts make small ops,
        # whose per-op thread hand-offs cost more than they share out (measured on 2 cores: 1.1-1.25x).
        threads = _cpu_sessions() if device == "cpu" else [0]
        # small batches keep a layer's activations in the core's cache: 8 per batch embedded the
        # simulator's 5,126 texts 1.17x faster than 64 (whole `embed --backend onnx-int8`, 2 cores)
        self.batch_size = 8 if device == "cpu" else 64
        self.sessions = [ort.InferenceSession(str(file), _session_options(ort, t), providers=providers)
                         for t in threads]
        self.session = self.sessions[0]
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 0)
        self._verify(folder, backend, ort.__version__)

    @classmethod
    def load(cls, model: str, backend: EmbeddingBackend, device: str = "cpu") -> "OnnxEncoder":
        return cls(_export_for(model), backend, device)

    def _verify(self, folder: Path, backend: EmbeddingBackend, ort_version: str) -> None:
        min_cos = probe_min_cosine(self.encode, folder)
        ok = min_cos >= THRESHOLDS[backend]
        why = "" if ok else (f"its embeddings of the probe texts reach cosine {min_cos:.6f} to torch, "
                             f"below {THRESHOLDS[backend]}")
        _save_record(folder, ort_version, backend, min_cos, ok, why)
        self.probe_min_cosine = min_cos
        if not ok:
            raise OnnxUnverified(why)

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings, plan = self.tokens.plan(texts, batch_size)
        names = self.tokens.input_names

        def run(j: int, mine: list[np.ndarray]) -> None:  # ONNX Runtime releases the GIL
            for idx in mine:
                out[idx] = self.sessions[j].run(None, dict(zip(names, self.tokens.arrays(encodings, idx))))[0]

        share_out(plan, min(len(self.sessions), len(plan)), run)
        return out

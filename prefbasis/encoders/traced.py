"""`torch-bf16` without sentence-transformers: a TorchScript trace of the pooled model under bf16 autocast.

Why: on CPUs with AMX / AVX512-BF16 (and on GPUs), bf16 autocast runs MiniLM about 2.2x faster than
fp32 (ONNX Runtime or torch) while its sentence vectors stay within cosine 0.9999 of torch fp32
(measured: minimum 0.99997 over 2,000 simulated descriptions). What eats the gain for one `embed`
process is importing sentence-transformers and transformers (6-8 s). So the transformer with its
pooling is traced once (`torch.jit.trace`, fp32 weights) into the export folder (`model.pt`, beside
the ONNX files and the tokenizer), and loaded with torch alone (about 2 s with the import).

A traced encoder is checked against torch's stored reference on the probe texts every time it
loads (`verify`); the result is recorded per torch version in the export folder's `verified.json`.
The default backend (`auto`) uses bf16 only where the device has bf16 in hardware *and* that check
reaches cosine 0.9999.

Example:
    >>> enc = TracedEncoder.load("all-MiniLM-L6-v2", "cpu")  # doctest: +SKIP
    >>> enc.encode(["shorter answer"], batch_size=64).shape, enc.probe_min_cosine >= 0.9999  # doctest: +SKIP
    ((1, 384), True)
"""
from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from prefbasis.encoders.onnx_export import PROBE, ModelLayout, _Pooled

TRACED = "model.pt"
BF16_THRESHOLD = 0.9999   # what `auto` requires of bf16 (the same bar as onnx)
RECORD_KEY = "torch-bf16-traced"


class TracedUnavailable(Exception):
    """No traced model for this model here (the message says why)."""


def trace_model(folder: Path) -> Path:
    """Trace the export folder's model into `folder/model.pt` once (atomically); returns its path."""
    dest = folder / TRACED
    if dest.exists():
        return dest
    import torch
    from transformers import AutoModel, AutoTokenizer

    from prefbasis.progress import hush_library_bars

    hush_library_bars()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    layout = ModelLayout(**meta["layout"])
    names = list(meta["input_names"])
    tok = AutoTokenizer.from_pretrained(layout.transformer_dir)
    model = AutoModel.from_pretrained(layout.transformer_dir).eval()
    sample = tok(["a short text", "a somewhat longer text for tracing the model"], padding=True, return_tensors="pt")
    tmp = folder / f"{TRACED}.tmp-{os.getpid()}"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings (python branches on shapes), TorchScript's deprecation
        traced = torch.jit.trace(_Pooled(model, layout.pooling, names), tuple(sample[n] for n in names),
                                 check_trace=False)
        torch.jit.save(traced, str(tmp))
    tmp.replace(dest)
    return dest


class TracedEncoder:
    """Tokenize with `tokenizers`, run the traced module under `torch.autocast(bfloat16)`."""

    backend = "torch-bf16"

    def __init__(self, folder: Path, device: str = "cpu") -> None:
        import torch
        from tokenizers import Tokenizer

        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        layout = meta["layout"]
        self.folder, self.device = folder, device
        self.lower = bool(layout["do_lower_case"])
        self.input_names = list(meta["input_names"])
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(max_length=int(layout["max_seq_length"]))
        self.tok.enable_padding(pad_id=meta["pad_id"], pad_token=meta["pad_token"])
        try:
            with warnings.catch_warnings():
                # torch 2.13 deprecates TorchScript in favour of torch.export, whose load takes ~4 s here
                # against 0.14 s (measured); if TorchScript goes away, this falls back to sentence-transformers
                warnings.simplefilter("ignore", DeprecationWarning)
                self.module = torch.jit.load(str(trace_model(folder)), map_location=device).eval()
        except Exception as exc:  # noqa: BLE001 - a model the tracer cannot handle: sentence-transformers runs
            raise TracedUnavailable(f"cannot trace the model: {type(exc).__name__}: {exc}") from None
        self.dim = int(meta.get("hidden_size") or 0)
        self.probe_min_cosine = self.verify()

    @classmethod
    def load(cls, model: str, device: str = "cpu") -> "TracedEncoder":
        from prefbasis.encoders.onnx_backend import OnnxUnverified, _export_for

        try:
            return cls(_export_for(model), device)
        except OnnxUnverified as exc:  # the export folder (tokenizer, reference) could not be made
            raise TracedUnavailable(str(exc)) from None

    def verify(self) -> float:
        """Minimum cosine to torch fp32 over the probe texts; recorded in `verified.json`."""
        import torch

        from prefbasis.encoders.onnx_backend import _save_record

        ref = np.load(self.folder / "reference.npy")
        got = self.encode(PROBE, batch_size=len(PROBE))
        got /= np.linalg.norm(got, axis=1, keepdims=True)
        min_cos = float(np.min(np.sum(got.astype(np.float64) * ref, axis=1)))
        ok = min_cos >= BF16_THRESHOLD
        why = "" if ok else f"bf16 embeddings of the probe texts reach cosine {min_cos:.6f} to fp32, below {BF16_THRESHOLD}"
        _save_record(self.folder, f"torch-{torch.__version__}-{self.device}", RECORD_KEY, min_cos, ok, why)
        return min_cos

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        import torch

        texts = [t.strip().lower() if self.lower else t.strip() for t in texts]
        dim = self.dim or None
        out: np.ndarray | None = np.zeros((len(texts), dim), dtype=np.float32) if dim else None
        order = np.argsort([len(t) for t in texts], kind="stable")
        with torch.inference_mode(), torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16):
            for start in range(0, len(texts), batch_size):
                idx = order[start:start + batch_size]
                enc = self.tok.encode_batch([texts[i] for i in idx])
                feeds = {"input_ids": [e.ids for e in enc], "attention_mask": [e.attention_mask for e in enc],
                         "token_type_ids": [e.type_ids for e in enc]}
                inputs = [torch.tensor(feeds[n], dtype=torch.long, device=self.device) for n in self.input_names]
                vectors = self.module(*inputs).float().cpu().numpy()
                if out is None:
                    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
                out[idx] = vectors
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def traced_status(model: str, device: str) -> tuple[bool, str]:
    """(usable for `auto`, why not): bf16 in hardware, and the traced model verified at 0.9999."""
    from prefbasis.encoders.onnx_backend import _record
    from prefbasis.encoders.torch_backend import bf16_supported

    ok, why = bf16_supported(device)
    if not ok:
        return False, why
    try:
        import torch

        from prefbasis.encoders.onnx_backend import _export_for

        folder = _export_for(model)
        entry = _record(folder).get(f"torch-{torch.__version__}-{device}", {}).get(RECORD_KEY)
        if entry is None:
            enc = TracedEncoder(folder, device)
            return enc.probe_min_cosine >= BF16_THRESHOLD, "" if enc.probe_min_cosine >= BF16_THRESHOLD else \
                f"bf16 reaches cosine {enc.probe_min_cosine:.6f} to fp32 on the probe texts"
        return bool(entry["ok"]), entry.get("why", "")
    except Exception as exc:  # noqa: BLE001 - anything in the way means: not bf16 by default
        return False, str(exc)

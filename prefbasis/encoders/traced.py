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

import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from prefbasis.cpus import usable_cores
from prefbasis.encoders.exported import ExportTokens, probe_min_cosine, read_meta, share_out
from prefbasis.encoders.onnx_export import ModelLayout, _Pooled

TRACED = "model.pt"
BF16_THRESHOLD = 0.9999   # what `auto` requires of bf16 (the same bar as onnx)
RECORD_KEY = "torch-bf16-traced"


def _record_version(device: str) -> str:
    """The key of this torch and device's checks in `verified.json`. The version comes from the
    installed package's metadata, so that reading a check on record (`traced_status`: every
    `extract` resolves its backend, even when all its vectors are cached) imports no torch (1.2 s)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        torch_version = version("torch")
    except PackageNotFoundError:   # torch from a source tree
        import torch

        torch_version = torch.__version__
    return f"torch-{torch_version}-{device}"


_ONE_THREAD_OPS = threading.Lock()   # held while torch runs single-threaded ops (`TracedEncoder.encode`)


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
    meta = read_meta(folder)
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
    batch_size = 64  # bf16 matrix units want large products: 16 per batch is 1.3x slower (whole `embed`, 2 cores)

    def __init__(self, folder: Path, device: str = "cpu") -> None:
        import torch

        meta = read_meta(folder)
        self.folder, self.device = folder, device
        self.dim = int(meta.get("hidden_size") or 0)   # mean or CLS pooling: the hidden size
        if not self.dim:
            raise TracedUnavailable(f"no hidden size in {folder / 'meta.json'}")
        self.tokens = ExportTokens(folder, meta)
        try:
            with warnings.catch_warnings():
                # torch 2.13 deprecates TorchScript in favour of torch.export, whose load takes ~4 s here
                # against 0.14 s (measured); if TorchScript goes away, this falls back to sentence-transformers
                warnings.simplefilter("ignore", DeprecationWarning)
                self.module = torch.jit.load(str(trace_model(folder)), map_location=device).eval()
        except Exception as exc:  # noqa: BLE001 - a model the tracer cannot handle: sentence-transformers runs
            raise TracedUnavailable(f"cannot trace the model: {type(exc).__name__}: {exc}") from None
        self.probe_min_cosine = self.verify()

    @classmethod
    def load(cls, model: str, device: str = "cpu") -> "TracedEncoder":
        from prefbasis.encoders.onnx_backend import OnnxUnverified, _export_for

        try:
            folder = _export_for(model)
            return _CHECKED.pop((str(folder), device), None) or cls(folder, device)
        except OnnxUnverified as exc:  # the export folder (tokenizer, reference) could not be made
            raise TracedUnavailable(str(exc)) from None

    def verify(self) -> float:
        """Minimum cosine to torch fp32 over the probe texts; recorded in `verified.json`."""
        from prefbasis.encoders.onnx_backend import _save_record

        min_cos = probe_min_cosine(self.encode, self.folder)
        ok = min_cos >= BF16_THRESHOLD
        why = "" if ok else f"bf16 embeddings of the probe texts reach cosine {min_cos:.6f} to fp32, below {BF16_THRESHOLD}"
        _save_record(self.folder, _record_version(self.device), RECORD_KEY, min_cos, ok, why)
        return min_cos

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Vectors of `texts` (in order). On the CPU, a thread per usable core runs alternate
        batches, each op single-threaded: short texts make small ops, whose hand-offs between
        torch's intra-op threads cost more than they share out (the demo's 4,217 descriptions on 2
        cores: 3.6–4.4 s and 6.8–8.5 CPU-s, against 4.9–6.3 s and 9.6–12.4 CPU-s with 2 intra-op
        threads; `benchmarks/RESULTS.md`). torch releases the GIL inside the module."""
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings, plan = self.tokens.plan(texts, batch_size)
        kind = self.device.split(":")[0]

        def run(_: int, mine: list[np.ndarray]) -> None:
            # autocast and inference mode are per thread
            with torch.inference_mode(), torch.autocast(kind, dtype=torch.bfloat16):
                for idx in mine:
                    arrays = self.tokens.arrays(encodings, idx)
                    out[idx] = self.module(*(torch.from_numpy(a).to(self.device) for a in arrays)).float().cpu().numpy()

        n = min(usable_cores(), len(plan)) if kind == "cpu" else 1
        if n <= 1:
            run(0, plan)
            return out
        with _ONE_THREAD_OPS:   # torch's thread count is process-wide: one such encode at a time
            intra = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                share_out(plan, n, run)
            finally:
                torch.set_num_threads(intra)
        return out


_CHECKED: dict[tuple[str, str], TracedEncoder] = {}   # encoders `traced_status` loaded to decide


def traced_status(model: str, device: str) -> tuple[bool, str]:
    """(usable for `auto`, why not): bf16 in hardware, and the traced model verified at 0.9999."""
    from prefbasis.encoders.onnx_backend import _record
    from prefbasis.encoders.torch_backend import bf16_supported

    ok, why = bf16_supported(device)
    if not ok:
        return False, why
    try:
        from prefbasis.encoders.onnx_backend import _export_for

        folder = _export_for(model)
        key = _record_version(device)
        entry = _record(folder).get(key, {}).get(RECORD_KEY)   # an earlier run's check
        if entry is None:
            checked = TracedEncoder(folder, device)             # checks and records
            entry = _record(folder)[key][RECORD_KEY]
            if entry["ok"]:
                _CHECKED[(str(folder), device)] = checked   # for the `load` that follows: no second load and check
        return bool(entry["ok"]), entry.get("why", "")
    except Exception as exc:  # noqa: BLE001 - anything in the way means: not bf16 by default
        return False, str(exc)

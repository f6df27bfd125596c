"""Sentence-embedding backends: `auto` (the default), `torch` (sentence-transformers), `torch-bf16`, `onnx`, `onnx-int8`.

`resolve_backend` turns the requested backend into the one that will really run (the *effective*
backend, which keys the embedding cache). `auto` is the fastest backend that reproduces torch fp32
here (cosine >= 0.9999 on a fixed probe set): `torch-bf16` where the device has bfloat16 in
hardware (AMX / AVX512-BF16 CPUs, most GPUs) and its traced model passes that check, else `onnx`
where its export is verified, else `torch`. Asked for by name, `onnx` is used only where verified
(else torch with a warning), `torch-bf16` only where the device supports bfloat16.
`load_encoder` returns a callable texts -> unit vectors for an effective backend.

Example:
    >>> EmbeddingBackend("onnx-int8").is_onnx
    True
    >>> resolve_backend("all-MiniLM-L6-v2", "torch", "cpu")
    'torch'
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Protocol

from prefbasis.errors import ConfigError

_DEVICE = re.compile(r"^(cpu|cuda(:\d+)?|mps)$")


class EmbeddingBackend(str, Enum):
    """How sentence embeddings are computed (`--backend`)."""

    AUTO = "auto"              # the fastest of torch-bf16 / onnx / torch that reproduces torch fp32 here
    TORCH = "torch"            # sentence-transformers, fp32 (the reference)
    TORCH_BF16 = "torch-bf16"  # the same under torch.autocast(bfloat16), where the device supports it
    ONNX = "onnx"              # ONNX Runtime, fp32, fused graph; verified against torch
    ONNX_INT8 = "onnx-int8"    # ONNX Runtime, int8 dynamic quantization (fastest, approximate)

    @property
    def is_onnx(self) -> bool:
        return self in (EmbeddingBackend.ONNX, EmbeddingBackend.ONNX_INT8)


DEFAULT_BACKEND = EmbeddingBackend.AUTO
DEFAULT_DEVICE = "cpu"


@dataclass
class EmbeddingOptions:
    """`--backend` and `--device`, declared once: the configs of embed, extract and demo inherit them."""

    backend: EmbeddingBackend = field(default=DEFAULT_BACKEND, metadata={
        "help": "embedding backend: auto (default: the fastest that reproduces torch fp32 here, cosine >= 0.9999: "
                "torch-bf16 on bf16 hardware, else onnx, else torch), onnx (verified against torch, else torch "
                "with a warning), torch, torch-bf16 (bf16 autocast where the CPU/GPU supports it), "
                "onnx-int8 (fast, approximate)",
        "choices": [b.value for b in EmbeddingBackend]})
    device: str = field(default=DEFAULT_DEVICE, metadata={"help": "embedding device: cpu (default), cuda, cuda:N"})


class EmbeddingBackendWarning(UserWarning):
    """A requested backend could not be used; another one ran instead (the message says which)."""


class Encoder(Protocol):
    """texts -> (n, dim) float32 vectors (not necessarily unit norm); `backend` is what ran;
    `batch_size` the texts per batch it runs fastest with, used when the caller gives none."""

    backend: str
    dim: int
    batch_size: int

    def encode(self, texts: Sequence[str], batch_size: int) -> "object": ...


def check_device(device: str | None) -> str:
    """'cpu' (default), 'cuda', 'cuda:N' or 'mps'; anything else is a ConfigError."""
    device = device or DEFAULT_DEVICE
    if not _DEVICE.match(device):
        raise ConfigError(f"--device must be cpu, cuda, cuda:N or mps, got {device!r}")
    return device


def parse_backend(backend: str | EmbeddingBackend | None) -> EmbeddingBackend:
    if backend is None:
        return DEFAULT_BACKEND
    try:
        return EmbeddingBackend(backend)
    except ValueError:
        choices = ", ".join(b.value for b in EmbeddingBackend)
        raise ConfigError(f"--backend must be one of {choices}, got {backend!r}") from None


def fall_back(requested: str, to: str, why: str) -> str:
    """Warn that `requested` cannot run and `to` runs instead; returns `to`."""
    warnings.warn(f"embedding backend {requested!r} not used, {to!r} instead: {why}",
                  EmbeddingBackendWarning, stacklevel=3)
    return to


def resolve_backend(model: str, backend: str | EmbeddingBackend | None = None, device: str | None = None) -> str:
    """The backend that will run for `model` on `device` (the value that keys the cache).

    Cheap after the first call per model: ONNX exports and their verification are cached on disk.
    """
    return _resolve(model, parse_backend(backend).value, check_device(device))


@lru_cache(maxsize=16)
def _resolve(model: str, backend: str, device: str) -> str:
    wanted = EmbeddingBackend(backend)
    if wanted is EmbeddingBackend.AUTO:
        return _auto(model, device)
    if wanted is EmbeddingBackend.TORCH:
        return backend
    if wanted is EmbeddingBackend.TORCH_BF16:
        from prefbasis.encoders.torch_backend import bf16_supported

        ok, why = bf16_supported(device)
        return backend if ok else fall_back(backend, "torch", why)
    from prefbasis.encoders.onnx_backend import onnx_status

    ok, why = onnx_status(model, wanted, device)
    if ok:
        return backend
    return fall_back(backend, "torch", why)


def _auto(model: str, device: str) -> str:
    """torch-bf16 where bf16 is in hardware and verified at 0.9999, else onnx where verified, else torch."""
    from prefbasis.encoders.onnx_backend import onnx_status
    from prefbasis.encoders.traced import traced_status

    if traced_status(model, device)[0]:
        return EmbeddingBackend.TORCH_BF16.value
    if onnx_status(model, EmbeddingBackend.ONNX, device)[0]:
        return EmbeddingBackend.ONNX.value
    return EmbeddingBackend.TORCH.value


def load_encoder(model: str, backend: str, device: str | None = None) -> Encoder:
    """An encoder for an *effective* backend (see `resolve_backend`); loaded once per process.

    An ONNX encoder checks its outputs against the stored torch reference when it loads; if that
    fails, a torch encoder is returned (with a warning), and its `backend` says so.
    """
    return _load(model, EmbeddingBackend(backend).value, check_device(device))


@lru_cache(maxsize=4)
def _load(model: str, backend: str, device: str) -> Encoder:
    wanted = EmbeddingBackend(backend)
    if wanted.is_onnx:
        from prefbasis.encoders.onnx_backend import OnnxEncoder, OnnxUnverified

        try:
            return OnnxEncoder.load(model, wanted, device)
        except OnnxUnverified as exc:
            _resolve.cache_clear()
            fall_back(backend, "torch", str(exc))
            return _load(model, EmbeddingBackend.TORCH.value, device)
    if wanted is EmbeddingBackend.AUTO:
        return _load(model, _auto(model, device), device)
    if wanted is EmbeddingBackend.TORCH_BF16:
        from prefbasis.encoders.traced import TracedEncoder, TracedUnavailable

        try:
            return TracedEncoder.load(model, device)
        except TracedUnavailable:  # no export for this model: the same autocast through sentence-transformers
            pass
    from prefbasis.encoders.torch_backend import TorchEncoder

    return TorchEncoder(model, device, bf16=wanted is EmbeddingBackend.TORCH_BF16)


__all__ = ["DEFAULT_BACKEND", "DEFAULT_DEVICE", "EmbeddingBackend", "EmbeddingBackendWarning", "EmbeddingOptions", "Encoder",
           "check_device", "load_encoder", "parse_backend", "resolve_backend"]

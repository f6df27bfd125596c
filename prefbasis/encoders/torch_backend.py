"""The torch backends: sentence-transformers in fp32 (the reference), or under bf16 autocast.

Example:
    >>> enc = TorchEncoder("all-MiniLM-L6-v2", "cpu")  # doctest: +SKIP
    >>> enc.encode(["shorter answer"], batch_size=64).shape  # doctest: +SKIP
    (1, 384)
"""
from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from prefbasis.errors import ConfigError
from prefbasis.models import resolve_embedding_model

_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def bf16_supported(device: str) -> tuple[bool, str]:
    """(supported, why not): bfloat16 matmuls in hardware on this device."""
    if device.startswith("cuda"):
        import torch

        ok = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        return ok, "" if ok else "this CUDA device has no bfloat16 support"
    if device != "cpu":
        return False, f"bf16 autocast is only used on cpu and cuda, not {device}"
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False, "cannot read /proc/cpuinfo to check for AVX512-BF16 / AMX"
    ok = any(f in flags.split() for f in _BF16_FLAGS)
    return ok, "" if ok else "this CPU has neither AVX512-BF16 nor AMX-BF16 (bf16 would be emulated, slower)"


def load_sentence_transformer(model: str | None, device: str = "cpu"):
    """A SentenceTransformer for a name or path; the default resolves to the offline MiniLM."""
    from sentence_transformers import SentenceTransformer

    from prefbasis.progress import hush_library_bars

    hush_library_bars()  # no "Loading weights" bars from transformers in our logs
    try:
        return SentenceTransformer(resolve_embedding_model(model), device=device)
    except Exception as exc:  # unknown name offline, bad path, no such device ...
        raise ConfigError(f"cannot load embedding model {model!r} on {device}: {exc}") from exc


class TorchEncoder:
    """sentence-transformers `encode`, optionally inside `torch.autocast(bfloat16)`."""

    batch_size = 64

    def __init__(self, model: str, device: str = "cpu", *, bf16: bool = False) -> None:
        self.st = load_sentence_transformer(model, device)
        self.device, self.bf16 = device, bf16
        self.backend = "torch-bf16" if bf16 else "torch"
        dim_of = getattr(self.st, "get_embedding_dimension", None) or self.st.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        ctx = contextlib.nullcontext()
        if self.bf16:
            import torch

            ctx = torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16)
        with ctx:
            out = self.st.encode(list(texts), batch_size=batch_size, show_progress_bar=False,
                                 convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(out, dtype=np.float32)

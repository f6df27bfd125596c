"""DPO + LoRA on a preference category: `export_dpo`, `train`, `evaluate`, and their configs.

Names are loaded lazily (trl / peft / torch are imported on first use only).

Example:
    >>> from prefbasis.train import train, load_train_config
    >>> cfg = load_train_config(["--data", "dpo-concise", "--model", "m"])  # doctest: +SKIP
    >>> result = train(cfg)  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"export_dpo": "export", "ExportResult": "export", "train": "trainer", "TrainResult": "trainer",
         "evaluate": "evaluate", "EvalResult": "evaluate", "ExportConfig": "config",
         "EvalConfig": "config", "TrainConfig": "config", "ExportStyle": "config", "Probe": "config",
         "make_parser": "config", "load_train_config": "config", "build_tiny_model": "tiny"}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

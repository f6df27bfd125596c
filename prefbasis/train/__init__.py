"""DPO + LoRA on a preference category: `export_dpo`, `train`, `evaluate`, and their configs.

Names are loaded lazily (trl / peft / torch are imported on first use only).

Example:
    >>> from prefbasis.train import train, load_train_config
    >>> cfg = load_train_config(["--data", "dpo-concise", "--model", "m"])  # doctest: +SKIP
    >>> result = train(cfg)  # doctest: +SKIP
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

_LAZY = {"export_dpo": "export", "ExportResult": "export", "train": "trainer", "TrainResult": "trainer",
         "evaluate": "evaluation", "EvalResult": "evaluation", "ExportConfig": "config",
         "EvalConfig": "config", "TrainConfig": "config", "ExportStyle": "config", "Probe": "config",
         "make_parser": "config", "load_train_config": "config", "build_tiny_model": "tiny"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

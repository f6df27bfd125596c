"""DPO + LoRA on a preference category: export (`export_dpo`), `train`, `evaluate`, configs.

`prefbasis.train` is both this package and the training function: once the package is imported
it shadows `prefbasis.train` the function, so the package itself is callable and calls
`prefbasis.train.trainer.train`.

Example:
    >>> import prefbasis
    >>> result = prefbasis.train(cfg)  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_LAZY = {"export_dpo": "export", "ExportResult": "export", "train": "trainer", "TrainResult": "trainer",
         "evaluate": "evaluate", "EvalResult": "evaluate", "ExportConfig": "config",
         "EvalConfig": "config", "TrainConfig": "config", "ExportStyle": "config", "Probe": "config",
         "make_parser": "config", "load_train_config": "config", "build_tiny_model": "tiny"}


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any):
        from prefbasis.train.trainer import train

        return train(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


sys.modules[__name__].__class__ = _CallablePackage

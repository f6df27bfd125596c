"""Basis extraction: the `PreferenceBasis` estimator and the `extract` pipeline over a store.

Example:
    >>> from prefbasis.basis import PreferenceBasis
    >>> PreferenceBasis(k=21).k
    21
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "PreferenceBasis": "prefbasis.basis.estimator",
    "Category": "prefbasis.basis.estimator",
    "Method": "prefbasis.basis.estimator",
    "DEFAULT_TAU": "prefbasis.basis.estimator",
    "extract": "prefbasis.basis.pipeline",
    "ExtractConfig": "prefbasis.basis.pipeline",
    "ExtractResult": "prefbasis.basis.pipeline",
    "load_basis": "prefbasis.basis.store_adapter",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'prefbasis.basis' has no attribute {name!r}")

"""Basis extraction: the `PreferenceBasis` estimator and the `extract` pipeline over a store.

Example:
    >>> from prefbasis.basis import PreferenceBasis
    >>> PreferenceBasis(k=21).k
    21
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

_LAZY = {
    "PreferenceBasis": "prefbasis.basis.estimator",
    "Category": "prefbasis.basis.estimator",
    "Method": "prefbasis.basis.config",
    "DEFAULT_TAU": "prefbasis.basis.config",
    "extract": "prefbasis.basis.pipeline",
    "ExtractConfig": "prefbasis.basis.config",
    "ExtractResult": "prefbasis.basis.pipeline",
    "load_basis": "prefbasis.basis.store_adapter",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

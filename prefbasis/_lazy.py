"""Lazy re-exports for package `__init__` modules, so importing a package stays cheap.

Example:
    >>> getattr_, dir_ = lazy_exports("prefbasis", {"Store": "prefbasis.store"})
    >>> getattr_("Store").__name__
    'Store'
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, names: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`(__getattr__, __dir__)` for `package`: `names` maps an exported name to the module that
    defines it (absolute, or relative to `package` when it has no dot). A name resolved once is
    cached on the package."""
    def module_of(name: str) -> str:
        target = names[name]
        return target if "." in target else f"{package}.{target}"

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(module_of(name)), name)
            # cache it on the package: later lookups skip this hook
            setattr(importlib.import_module(package), name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(importlib.import_module(package).__dict__) | set(names))

    return __getattr__, __dir__

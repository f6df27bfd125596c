"""Annotator registry: built-in backends and plug-ins, by name.

A plug-in is a factory `(AnnotateConfig) -> Annotator`, registered in code or through the
entry-point group `prefbasis.annotators` of an installed package.

Example:
    >>> "rationale" in available_annotators()
    True
"""
from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from prefbasis.errors import ConfigError

if TYPE_CHECKING:
    from prefbasis.annotate.base import Annotator

Factory = Callable[[Any], "Annotator"]


def _openai(cfg: Any) -> "Annotator":
    from prefbasis.annotate.backends.openai import OpenAIAnnotator

    return OpenAIAnnotator(cfg)


def _transformers(cfg: Any) -> "Annotator":
    from prefbasis.annotate.backends.hf import TransformersAnnotator, TransformersConfig

    model = cfg.model
    if not model:
        from prefbasis.models import smollm2_checkpoint
        model = str(smollm2_checkpoint())
    return TransformersAnnotator(TransformersConfig(model=model, max_new_tokens=cfg.max_tokens,
                                                    batch_size=cfg.batch_size, seed=cfg.seed))


def _rationale(cfg: Any) -> "Annotator":
    from prefbasis.annotate.backends.rationale import RationaleAnnotator

    return RationaleAnnotator(workers=getattr(cfg, "workers", None))


_REGISTRY: dict[str, Factory] = {"openai": _openai, "transformers": _transformers, "rationale": _rationale}


def register_annotator(name: str, factory: Factory, *, replace: bool = False) -> None:
    """Make `--annotator NAME` build an annotator with `factory(config)`."""
    if name in _REGISTRY and not replace:
        raise ConfigError(f"annotator {name!r} is already registered (pass replace=True)")
    _REGISTRY[name] = factory


def _entry_points() -> dict[str, Factory]:
    from importlib.metadata import entry_points

    return {ep.name: ep.load for ep in entry_points(group="prefbasis.annotators")}


def available_annotators() -> list[str]:
    names = set(_REGISTRY)
    try:
        names |= set(_entry_points())
    except Exception:  # a broken third-party entry point must not hide the built-ins
        pass
    return sorted(names)


def create_annotator(name: str, config: Any) -> "Annotator":
    """Build the annotator registered as `name`."""
    name = name.value if isinstance(name, Enum) else name
    if name not in _REGISTRY:
        eps = _entry_points()
        if name not in eps:
            raise ConfigError(f"unknown annotator {name!r}; available: {', '.join(available_annotators())}")
        _REGISTRY[name] = eps[name]()
    return _REGISTRY[name](config)

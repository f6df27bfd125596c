"""Planted-basis synthetic datasets: known preference categories, topics, judges and model strengths.

Import the function from here: ``from prefbasis.simulate import simulate``.

Example:
    >>> from prefbasis.simulate import SimulationConfig, simulate
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> res = simulate(store, SimulationConfig(seed=0, n_comparisons=200, n_distinct=100, n_judges=4))
    >>> res.n_distinct_descriptions
    100
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

from prefbasis.simulate.config import SimulationConfig
from prefbasis.simulate.phrasebank import CATEGORIES, Category
from prefbasis.simulate.topics import TOPICS, Topic

# numpy/pandas-backed names load on first use, so `prefbasis --help` stays light
_LAZY = {"SimulatedData": "generator", "generate": "generator",
         "SimulationResult": "writer", "simulate": "writer", "write": "writer"}

__all__ = ["CATEGORIES", "IDIOSYNCRATIC", "TOPICS", "Category", "SimulatedData", "SimulationConfig", "SimulationResult", "Topic",
           "generate", "simulate", "write"]


_lazy_getattr, __dir__ = lazy_exports(__name__, _LAZY)


def __getattr__(name: str):
    if name == "IDIOSYNCRATIC":  # lazily too: the module imports numpy
        from prefbasis.simulate.idiosyncratic import LABEL

        return LABEL
    return _lazy_getattr(name)

"""Planted-basis synthetic datasets: known preference categories, topics, judges and model strengths.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> res = simulate(store, SimulationConfig(seed=0, n_comparisons=200, n_distinct=100, n_judges=4))
    >>> res.n_distinct_descriptions
    100
"""
from prefbasis.simulate.generator import SimulatedData, SimulationConfig, generate
from prefbasis.simulate.phrasebank import CATEGORIES, Category
from prefbasis.simulate.topics import TOPICS, Topic
from prefbasis.simulate.writer import SimulationResult, simulate, write

__all__ = ["CATEGORIES", "TOPICS", "Category", "SimulatedData", "SimulationConfig", "SimulationResult", "Topic",
           "generate", "simulate", "write"]


class _CallableModule(__import__("types").ModuleType):
    """`prefbasis.simulate` names both this package and the function `simulate` (a public export).

    Importing the package binds the attribute `prefbasis.simulate` to the module, which would shadow
    the lazily exported function; making the module callable keeps `prefbasis.simulate(store, cfg)`
    working either way.
    """

    def __call__(self, *args, **kwargs) -> SimulationResult:
        return simulate(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule

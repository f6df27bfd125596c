"""Planted-basis synthetic datasets: known preference categories, topics, judges and model strengths.

Import the function from here: ``from prefbasis.simulate import simulate``.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> res = simulate(store, SimulationConfig(seed=0, n_comparisons=200, n_distinct=100, n_judges=4))
    >>> res.n_distinct_descriptions
    100
"""
from prefbasis.simulate.generator import SimulatedData, SimulationConfig, generate
from prefbasis.simulate.idiosyncratic import LABEL as IDIOSYNCRATIC
from prefbasis.simulate.phrasebank import CATEGORIES, Category
from prefbasis.simulate.topics import TOPICS, Topic
from prefbasis.simulate.writer import SimulationResult, simulate, write

__all__ = ["CATEGORIES", "IDIOSYNCRATIC", "TOPICS", "Category", "SimulatedData", "SimulationConfig", "SimulationResult", "Topic",
           "generate", "simulate", "write"]


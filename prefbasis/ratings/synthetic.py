"""Battles drawn from a known Bradley–Terry model, per category: for tests and the benchmark.

Each battle picks a category (uniformly), two different models (uniformly), and an outcome from
P(a beats b) = sigmoid(s_a - s_b) with the category's strengths; a fraction `tie_rate` of battles
are ties. `to_store` writes them as comparisons plus a basis whose categories tag them.

Example:
    >>> import numpy as np
    >>> b = simulate_battles(np.zeros((2, 4)), 100, seed=0)
    >>> len(b.model_a), sorted(set(b.winner)) <= ["a", "b", "tie"]
    (100, True)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Battles:
    """Battle arrays: model indices, winner ('a' / 'b' / 'tie'), category index."""

    model_a: np.ndarray
    model_b: np.ndarray
    winner: np.ndarray
    category: np.ndarray


def simulate_battles(strengths: np.ndarray, n: int, *, tie_rate: float = 0.1, seed: int = 0) -> Battles:
    """`strengths` (categories, models) in logits -> `n` battles."""
    rng = np.random.default_rng(seed)
    k, m = strengths.shape
    cat = rng.integers(0, k, n)
    a = rng.integers(0, m, n)
    b = (a + rng.integers(1, m, n)) % m                  # a different model
    p = 1.0 / (1.0 + np.exp(-(strengths[cat, a] - strengths[cat, b])))
    u = rng.random(n)
    winner = np.where(u < tie_rate, "tie", np.where(rng.random(n) < p, "a", "b"))
    return Battles(model_a=a, model_b=b, winner=winner, category=cat)


def to_store(store, battles: Battles, *, models: list[str] | None = None, basis_id: str = "synthetic",
             category_names: list[str] | None = None, dataset_id: str = "synthetic",
             judge: str | None = None) -> None:
    """Write the battles as comparisons (ids 'c0', 'c1', ...) and a basis tagging each with its category."""
    n = len(battles.model_a)
    k = int(battles.category.max()) + 1 if n else 0
    models = models or [f"model-{i:02d}" for i in range(int(max(battles.model_a.max(), battles.model_b.max())) + 1)]
    names = category_names or [f"category {c}" for c in range(k)]
    names_arr = np.asarray(models, dtype=object)
    ids = np.char.add("c", np.arange(n).astype(str)).astype(object)
    comps = pd.DataFrame({"comparison_id": ids, "dataset_id": dataset_id,
                          "model_a": names_arr[battles.model_a], "model_b": names_arr[battles.model_b],
                          "winner": battles.winner.astype(object), "judge": judge})
    cc = pd.DataFrame({"basis_id": basis_id, "kind": "preference", "comparison_id": ids,
                       "category_id": battles.category.astype(np.int32), "similarity": 1.0})
    shares = np.bincount(battles.category, minlength=k) / max(n, 1)
    cats = pd.DataFrame({"basis_id": basis_id, "category_id": np.arange(k, dtype=np.int32),
                         "name": names, "kind": "preference", "share": shares})
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values (?, ?, 'synthetic', "
                    "'simulated', ?)", [dataset_id, dataset_id, n])
        for table, frame in (("comparisons", comps), ("comparison_categories", cc), ("categories", cats)):
            con.register("frame", frame)
            con.execute(f"insert into {table}({', '.join(frame.columns)}) select * from frame")
            con.unregister("frame")
        con.execute("insert into bases(basis_id, name, k) values (?, ?, ?)", [basis_id, basis_id, k])

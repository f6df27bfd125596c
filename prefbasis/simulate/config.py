"""`SimulationConfig`: the knobs of a simulated dataset (light: no numpy, so the CLI starts fast).

Example:
    >>> SimulationConfig(seed=1).n_categories
    21
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from prefbasis.errors import ConfigError
from prefbasis.simulate.phrasebank import CATEGORIES
from prefbasis.simulate.topics import TOPICS


@dataclass
class SimulationConfig:
    """Knobs of the simulator; the defaults give ~5,000 distinct descriptions in 21 categories.

    Example:
        >>> SimulationConfig(seed=3).n_categories
        21
    """

    seed: int = 0
    n_categories: int = 21
    n_topics: int = 21
    n_distinct: int = 5000              # distinct descriptions (fewer if there are fewer mentions)
    n_comparisons: int = 20000
    n_judges: int = 100
    n_models: int = 12
    base_spread: float = 0.6            # sd of a model's shared strength (logits)
    strength_spread: float = 0.8        # sd of its per-category deviation (logits)
    judge_concentration: float = 0.5    # Dirichlet alpha per category: lower = more specialised judges
    topic_boost: float = 1.0            # a topic multiplies its favoured categories' odds by 1 + this
    extra_reason_prob: float = 0.35     # chance of a 2nd stated reason, and (times it) of a 3rd
    zipf: float = 1.1                   # exponent of description reuse beyond the first use
    balance_categories: bool = True     # rescale judge mixtures so categories reach their popularity overall
    popularity_zipf: float = 0.3        # category popularity ∝ 1/rank^this over a seeded order (0 = equal)
    idiosyncratic_share: float = 0.06   # share of stated reasons that are one-off, idiosyncratic reasons
    subject_share: float = 0.3          # share of stated reasons that name the prompt's subject ("… about X")
    swap_share: float = 0.5             # share of comparisons the judge saw with response_b first
    echo_share: float = 0.3             # share of rationales that open with a rubric echo ("Both …")
    oracle_annotations: bool = True     # also write the simulated annotator's reasons to `annotations`
    name: str | None = None             # dataset name (default: simulated-seed<S>)

    def validate(self) -> None:
        if not 1 <= self.n_categories <= len(CATEGORIES):
            raise ConfigError(f"--categories must be 1..{len(CATEGORIES)} (the phrase bank), got {self.n_categories}")
        if not 1 <= self.n_topics <= len(TOPICS):
            raise ConfigError(f"--topics must be 1..{len(TOPICS)}, got {self.n_topics}")
        for key in ("n_comparisons", "n_judges", "n_distinct"):
            if getattr(self, key) < 1:
                raise ConfigError(f"{key} must be at least 1, got {getattr(self, key)}")
        if self.n_models < 2:
            raise ConfigError(f"--models must be at least 2, got {self.n_models}")
        if not 0 <= self.idiosyncratic_share < 1:
            raise ConfigError(f"idiosyncratic_share must be in [0, 1), got {self.idiosyncratic_share}")
        if self.popularity_zipf < 0:
            raise ConfigError(f"popularity_zipf must be >= 0, got {self.popularity_zipf}")
        for key in ("subject_share", "swap_share", "echo_share"):
            if not 0 <= getattr(self, key) <= 1:
                raise ConfigError(f"{key} must be in [0, 1], got {getattr(self, key)}")
        if not 0 <= self.extra_reason_prob <= 1:
            raise ConfigError(f"extra_reason_prob must be in [0, 1], got {self.extra_reason_prob}")

    @property
    def dataset_name(self) -> str:
        return self.name or f"simulated-seed{self.seed}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

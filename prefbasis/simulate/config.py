"""`SimulationConfig`: the knobs of a simulated dataset (light: no numpy, so the CLI starts fast).

Example:
    >>> SimulationConfig(seed=1).n_categories
    21
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from prefbasis.errors import ConfigError


@dataclass
class SimulationConfig:
    """Knobs of the simulator; the defaults give ~5,000 distinct descriptions in 21 categories.

    Example:
        >>> SimulationConfig(seed=3).n_categories
        21
    """

    seed: int = field(default=0, metadata={"help": "random seed"})
    n_categories: int = field(default=21, metadata={"flag": "categories", "help": "planted preference categories"})
    n_topics: int = field(default=21, metadata={"flag": "topics", "help": "planted topics"})
    n_distinct: int = field(default=5000, metadata={
        "flag": "distinct", "help": "distinct descriptions (fewer if there are fewer mentions)"})
    n_comparisons: int = field(default=20000, metadata={"flag": "comparisons", "help": "comparisons"})
    n_judges: int = field(default=100, metadata={"flag": "judges", "help": "judges"})
    n_models: int = field(default=12, metadata={"flag": "models", "help": "models"})
    base_spread: float = field(default=0.6, metadata={"help": "sd of a model's shared strength (logits)"})
    strength_spread: float = field(default=0.8, metadata={
        "help": "sd of a model's per-category deviation from it (logits)"})
    judge_concentration: float = field(default=0.5, metadata={
        "help": "Dirichlet alpha per category of a judge's mixture: lower = more specialised judges"})
    topic_boost: float = field(default=1.0, metadata={
        "help": "a topic multiplies its favoured categories' odds by 1 + this"})
    extra_reason_prob: float = field(default=0.35, metadata={
        "help": "chance of a 2nd stated reason, and (times it) of a 3rd"})
    zipf: float = field(default=1.1, metadata={"help": "exponent of description reuse beyond the first use"})
    balance_categories: bool = field(default=True, metadata={
        "help": "do not rescale judge mixtures so that categories reach their popularity overall"})
    popularity_zipf: float = field(default=0.3, metadata={
        "help": "category popularity ∝ 1/rank^this over a seeded order (0 = equal)"})
    idiosyncratic_share: float = field(default=0.06, metadata={
        "help": "share of stated reasons that are one-off, idiosyncratic reasons"})
    subject_share: float = field(default=0.3, metadata={
        "help": "share of stated reasons that name the prompt's subject (\"… about X\")"})
    swap_share: float = field(default=0.5, metadata={
        "help": "share of comparisons the judge saw with response_b first"})
    echo_share: float = field(default=0.3, metadata={
        "help": "share of rationales that open with a rubric echo (\"Both …\")"})
    oracle_annotations: bool = field(default=True, metadata={
        "help": "do not also write the simulated annotator's reasons to `annotations` (rationales only)"})
    name: str | None = field(default=None, metadata={"help": "dataset name (default simulated-seed<S>)"})

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        from prefbasis.simulate.phrasebank import CATEGORIES
        from prefbasis.simulate.topics import TOPICS

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

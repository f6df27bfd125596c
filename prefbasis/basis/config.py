"""Options of `extract`, `show` and `profile`, declared once (light: the CLI builds its parsers
from these dataclasses without importing numpy or scikit-learn).

Example:
    >>> ExtractConfig(k="12").k, ExtractConfig().method
    (12, <Method.coverage: 'coverage'>)
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from enum import Enum

from prefbasis.encoders import EmbeddingOptions
from prefbasis.errors import ConfigError
from prefbasis.models import DEFAULT_EMBEDDING_MODEL

# calibration.calibrate_tau: 2% false-merge rate on 760 cross pairs (docs/metrics.md), per description style
TAU_FREE = 0.62        # free-style descriptions ("It is brief and concise.", an LLM's or the simulator's)
TAU_CANONICAL = 0.41   # canonical statements ("The preferred response is more concise."; frame not embedded)
DEFAULT_TAU = "auto"   # TAU_CANONICAL when most descriptions are canonical statements, else TAU_FREE
CANONICAL_PREFIX = "the preferred response "
DEFAULT_TARGET = 0.89
K_MAX = 50


class Method(str, Enum):
    """How the k categories are chosen: greedy max-coverage, or the NMF components' medoids."""

    coverage = "coverage"
    nmf = "nmf"


class CategoryKind(str, Enum):
    """Preference categories (why the winner won) or topic categories (what the prompt is about)."""

    preference = "preference"
    topic = "topic"


def _auto_or(value: "int | float | str", convert, option: str, expected: str):
    """'auto' as it is, else `convert(value)`; an argparse error naming the option otherwise."""
    if value == "auto":
        return value
    try:
        return convert(value)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{option} expects 'auto' or {expected}, got {value!r}") from None


def parse_k(value: "int | str") -> "int | str":
    """`--k` value: 'auto' or a positive integer.

    >>> parse_k("auto"), parse_k("7")
    ('auto', 7)
    """
    k = _auto_or(value, int, "--k", "a positive integer")
    if k != "auto" and k < 1:
        raise argparse.ArgumentTypeError("--k must be at least 1")
    return k


def parse_tau(value: "float | str") -> "float | str":
    """`--tau` value: 'auto' or a cosine.

    >>> parse_tau("auto"), parse_tau("0.5")
    ('auto', 0.5)
    """
    return _auto_or(value, float, "--tau", "a cosine")


def check_k(value: "int | str") -> "int | str":
    """`parse_k` for library callers: a `ConfigError` (exit 2) instead of an argparse error."""
    try:
        return parse_k(value)
    except argparse.ArgumentTypeError as exc:
        raise ConfigError(str(exc)) from None


@dataclass
class ExtractConfig(EmbeddingOptions):
    """What `extract` fits: the preference basis (and the topic basis) of a dataset, or of several
    pooled (`--pool`); `--backend`, `--device` from `EmbeddingOptions`."""

    k: int | str = field(default="auto", metadata={
        "parse": parse_k, "help": "'auto' (smallest k reaching --target) or N"})
    target: float = field(default=DEFAULT_TARGET, metadata={"help": "coverage target for --k auto"})
    method: Method = field(default=Method.coverage, metadata={
        "help": "coverage: greedy max-coverage; nmf: medoids of NMF components"})
    tau: float | str = field(default=DEFAULT_TAU, metadata={
        "parse": parse_tau, "metavar": "T",
        "help": f"cosine within which a description counts as covered; 'auto': {TAU_CANONICAL} for canonical "
                f"statements, {TAU_FREE} for free-style descriptions (docs/metrics.md)"})
    embedding_model: str | None = field(default=None, metadata={
        "metavar": "M", "help": f"sentence-transformers name or path (default {DEFAULT_EMBEDDING_MODEL}, offline)"})
    dataset: str | None = field(default=None, metadata={
        "metavar": "D", "help": "dataset id, id prefix or name (default: the latest annotated)"})
    annotator: str | None = field(default=None, metadata={
        "help": "whose annotations (required when a dataset has several)"})
    name: str | None = field(default=None, metadata={"help": "basis name (default <dataset>-<method>-k<k>)"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    stability: int = field(default=0, metadata={"metavar": "N", "help": "bootstrap replicates (0: skip)"})
    heldout: bool = field(default=True, metadata={"help": "skip the 80/20 held-out coverage"})
    topics: bool = field(default=True, metadata={"help": "skip the topic basis"})
    n_atoms: int | None = field(default=None, metadata={
        "metavar": "N", "help": "atoms (k-means clusters) the candidates come from (default ~4·sqrt(n))"})
    quiet: bool | None = field(default=None, metadata={"cli": False, "help": "no progress bars"})
    # last: positional calls written before it existed keep their meaning
    pool: list[str] = field(default_factory=list, metadata={
        "metavar": "D", "nargs": "+",
        "help": "fit one basis on these datasets together (ids, id prefixes or names; instead of --dataset); "
                "each dataset is read by its only annotator, or --annotator's"})

    def __post_init__(self) -> None:
        self.k = check_k(self.k)
        self.pool = [self.pool] if isinstance(self.pool, str) else list(self.pool or [])
        if self.pool and self.dataset:
            raise ConfigError("--dataset and --pool exclude each other: name every dataset in --pool")
        if len(set(self.pool)) != len(self.pool):
            raise ConfigError(f"--pool names a dataset twice: {self.pool}")
        try:
            self.method = Method(self.method)
        except ValueError:
            raise ConfigError(f"--method must be one of {[m.value for m in Method]}, got {self.method!r}") from None
        if self.stability < 0:
            raise ConfigError(f"--stability must be >= 0, got {self.stability}")


@dataclass
class ShowConfig:
    """Which basis `show` prints, and how."""

    basis: str | None = field(default=None, metadata={
        "positional": True, "help": "basis id, id prefix or name (default: the latest)"})
    kind: CategoryKind = field(default=CategoryKind.preference, metadata={"help": "which categories"})
    card: bool = field(default=False, metadata={"help": "print the Markdown basis card instead"})


@dataclass
class ProfileConfig:
    """Whose profile `profile` computes, over which basis."""

    judge: str = field(metadata={"metavar": "J", "help": "the judge (as stored in comparisons.judge)"})
    basis: str | None = field(default=None, metadata={
        "metavar": "B", "help": "basis id, id prefix or name (default: the latest)"})
    dataset: str | None = field(default=None, metadata={
        "metavar": "D", "help": "a pooled basis: only the judge's comparisons in this dataset (id, id prefix or "
                                "name; default: in every dataset of the basis)"})

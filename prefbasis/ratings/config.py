"""`PeloConfig`: the options of `pelo`, declared once (light: the CLI builds its parser from it).

Example:
    >>> PeloConfig(prior_sd=0).l2, PeloConfig().scopes[0]
    (0.0, <Scope.overall: 'overall'>)
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from enum import Enum

from prefbasis.errors import ConfigError

DEFAULT_PRIOR_SD = 400.0   # Elo: ratings spread ~N(1000, 400^2) a priori; l2 = 1/ln(10)^2 ≈ 0.189


class Scope(str, Enum):
    """What a ratings row rates: all battles, a preference category, or a topic category."""

    overall = "overall"
    preference = "preference"
    topic = "topic"


def parse_prior_sd(text: "str | float | None") -> float | None:
    """`--prior-sd` text: Elo points, or 'none' / 'off' (no prior: the exact MLE).

    >>> parse_prior_sd("none"), parse_prior_sd("250")
    (None, 250.0)
    """
    if text is None or str(text).strip().lower() in ("none", "off"):
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected Elo points >= 0 or 'none', got {text!r}") from None


@dataclass
class PeloConfig:
    """Which battles to rate, against which basis, and how."""

    basis: str | None = field(default=None, metadata={
        "help": "basis id, id prefix or name (default: the latest; none yet: overall only)"})
    bootstrap: int = field(default=200, metadata={"metavar": "N", "help": "bootstrap rounds (0: no CIs)"})
    min_battles: int = field(default=50, metadata={
        "metavar": "N", "help": "models or categories with fewer battles are reported insufficient"})
    style_control: bool = field(default=False, metadata={
        "help": "control for response length and markdown (Arena-style covariates)"})
    anchor: str | None = field(default=None, metadata={
        "metavar": "MODEL=RATING", "help": "fix one model's rating (default: mean 1000)"})
    prior_sd: float | None = field(default=DEFAULT_PRIOR_SD, metadata={
        "parse": parse_prior_sd, "metavar": "ELO",
        "help": "SD in Elo points of the Gaussian prior on each rating (keeps ratings finite when a model "
                "never loses); 0 or none: exact MLE"})
    seed: int = field(default=0, metadata={"help": "random seed of the bootstrap"})
    level: float = field(default=0.95, metadata={"help": "coverage of the bootstrap intervals"})
    judge: str | None = field(default=None, metadata={
        "help": "only battles by this judge (SQL LIKE pattern if it contains %)"})
    dataset: str | None = field(default=None, metadata={
        "help": "only battles of this dataset (id, id prefix or name; SQL LIKE on the id if it contains %)"})
    scopes: tuple[Scope, ...] = field(default=(Scope.overall, Scope.preference, Scope.topic), metadata={
        "flag": "scope", "help": "rate only these scopes (repeatable)"})
    write: bool = field(default=True, metadata={"cli": False, "help": "store the rows in `ratings`"})

    def __post_init__(self) -> None:
        try:
            self.scopes = tuple(dict.fromkeys(Scope(s) for s in self.scopes))
        except ValueError as exc:
            raise ConfigError(f"unknown scope: {exc}; choose from overall, preference, topic") from None
        if self.prior_sd == 0:
            self.prior_sd = None
        self.validate()

    @property
    def l2(self) -> float:
        """The ridge strength of the prior on the logit strengths (0.0: exact MLE); see `prior_l2`."""
        from prefbasis.ratings.bradley_terry import prior_l2

        return prior_l2(self.prior_sd)

    def validate(self) -> tuple[str, float] | None:
        """Check every option; the parsed anchor (model, rating) or None."""
        if self.bootstrap < 0 or self.min_battles < 0:
            raise ConfigError("--bootstrap and --min-battles must be >= 0")
        if self.prior_sd is not None and not (self.prior_sd >= 0 and math.isfinite(self.prior_sd)):
            raise ConfigError(f"--prior-sd must be a number of Elo points >= 0 (0 or none: exact MLE), "
                              f"got {self.prior_sd}")
        if not 0.0 < self.level < 1.0:
            raise ConfigError(f"level must lie in (0, 1), got {self.level}")
        if self.anchor is None:
            return None
        name, sep, value = self.anchor.rpartition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            return name.strip(), float(value)
        except ValueError:
            raise ConfigError(f"--anchor expects MODEL=RATING (e.g. gpt-4=1200), got {self.anchor!r}") from None

"""Bradley–Terry ratings, bootstrap intervals and pElo (ratings per preference category).

Example:
    >>> from prefbasis.ratings import PeloConfig
    >>> PeloConfig().bootstrap
    200
"""
from prefbasis.ratings.bootstrap import BootstrapResult, bootstrap_ratings, ci_rank
from prefbasis.ratings.bradley_terry import (BTFit, aggregate_outcomes, counts_to_wins,
                                             fit_bradley_terry, prior_l2, to_elo)
from prefbasis.ratings.pelo import PeloConfig, Scope, pelo

__all__ = ["BTFit", "BootstrapResult", "PeloConfig", "Scope", "aggregate_outcomes", "bootstrap_ratings",
           "ci_rank", "counts_to_wins", "fit_bradley_terry", "pelo", "prior_l2", "to_elo"]

"""Bradley–Terry ratings, bootstrap intervals and pElo (ratings per preference category).

Names load on first use (numpy / pandas), so importing the config stays light.

Example:
    >>> from prefbasis.ratings import PeloConfig
    >>> PeloConfig().bootstrap
    200
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

_LAZY = {"BootstrapResult": "bootstrap", "bootstrap_ratings": "bootstrap", "ci_rank": "bootstrap",
         "BTFit": "bradley_terry", "aggregate_outcomes": "bradley_terry", "counts_to_wins": "bradley_terry",
         "fit_bradley_terry": "bradley_terry", "prior_l2": "bradley_terry", "to_elo": "bradley_terry",
         "PeloConfig": "config", "Scope": "config", "DEFAULT_PRIOR_SD": "config", "pelo": "stage"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

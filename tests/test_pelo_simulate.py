"""pElo recovers the simulator's planted per-category model strengths (Spearman >= 0.9 each).

The categories come from the planted truth (`planted_basis`: each comparison tagged with the reason
that decided it), so this scores pElo alone, not the basis estimator. Comparisons decided by a
one-off '(idiosyncratic)' reason are left out of the planted preference basis (the simulator decides
them by average strength). The size (100,000 comparisons, the simulator's default 12 models) is what
the smallest, Zipf-unpopular categories need (~3,000 battles each): at 30,000 some categories have
~1,000 battles and near-tied planted strengths, and Spearman drops to ~0.8 from noise alone.
"""
from __future__ import annotations

import pytest

from prefbasis.ratings import PeloConfig, pelo
from prefbasis.simulate.planted_basis import planted_basis


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    from prefbasis.simulate import SimulationConfig, simulate
    from prefbasis.store import Store

    store = Store.open(tmp_path_factory.mktemp("sim") / "sim.duckdb")
    simulate(store, SimulationConfig(seed=0, n_comparisons=100_000, n_distinct=2000, n_judges=60))
    planted_basis(store)
    yield store
    store.close()


def test_recovers_planted_strengths_in_every_category(simulated):
    from scipy.stats import spearmanr

    table = pelo(simulated, PeloConfig(bootstrap=50, min_battles=50, scopes=("preference",)))
    truth = simulated.df("select model, planted_category as category, strength from planted_model_strengths")
    joined = table.merge(truth, on=["model", "category"], validate="one_to_one")
    assert joined.category.nunique() == 21 and not joined.insufficient.any()
    rho = joined.groupby("category").apply(lambda g: spearmanr(g.rating, g.strength).statistic)
    assert rho.min() >= 0.9, rho.sort_values().head()
    covered = ((joined.ci_low <= joined.rating) & (joined.rating <= joined.ci_high)).mean()
    assert covered == 1.0


def test_topic_scope_and_planted_basis_shape(simulated):
    from prefbasis.simulate import IDIOSYNCRATIC

    tagged = simulated.scalar("select count(*) from comparison_categories where kind = 'preference'")
    planted = simulated.scalar("select count(*) from planted_comparisons where planted_category <> ?", [IDIOSYNCRATIC])
    assert tagged == planted < 100_000                 # the idiosyncratic ones carry no preference category
    assert simulated.scalar("select count(*) from categories where name = ?", [IDIOSYNCRATIC]) == 0
    assert simulated.scalar("select count(*) from categories where kind = 'preference'") == 21
    assert simulated.scalar("select max(category_id) from categories where kind = 'preference'") == 20
    assert simulated.scalar("select count(*) from comparison_categories where kind = 'topic'") == 100_000
    table = pelo(simulated, PeloConfig(bootstrap=0, min_battles=50, scopes=("topic",), write=False))
    assert table.category.nunique() == 21 and (table.scope == "topic").all()

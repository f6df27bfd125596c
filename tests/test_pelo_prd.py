"""pElo on the real PRD human votes (nine models), ingested by `prefbasis ingest --format prd`."""
from __future__ import annotations

import numpy as np

from conftest import shared_data
from prefbasis.cli import main


def test_prd_human_votes_overall_table(db_path, capsys):
    from prefbasis.ratings import PeloConfig, pelo
    from prefbasis.store import Store

    path = shared_data("prd-vicuna80")
    assert main(["--db", str(db_path), "-q", "ingest", str(path), "--format", "prd"]) == 0
    with Store.open(db_path) as store:
        table = pelo(store, PeloConfig(judge="human", bootstrap=200, min_battles=50, seed=0))
        assert len(table) == 9 and not table.insufficient.any()
        assert table.battles.sum() == 2 * 7040              # every human vote, seen from both sides
        top = table.sort_values("rating", ascending=False)
        assert set(top.model[:2]) == {"gpt4", "claude"} and (top["rank"][:2] == 1).all()
        assert set(top.model[-2:]) == {"gpt35", "bard"}
        assert np.all(table.ci_high - table.ci_low < 70)
        assert abs(table.rating.mean() - 1000.0) < 1e-6             # the documented anchor
        exact = pelo(store, PeloConfig(judge="human", bootstrap=0, min_battles=50, prior_sd=None, write=False))
        shift = table.set_index("model").rating - exact.set_index("model").rating
        assert 0 < shift.abs().max() < 1.0                   # the default 400-Elo prior: < 1 Elo here
        gpt4_only = pelo(store, PeloConfig(judge="gpt4", bootstrap=0, min_battles=1, write=False))
        assert len(gpt4_only) == 5                           # the GPT-4 reviews cover the five answers

"""pElo end to end on a real DuckDB store: per-category recovery, insufficient data, CLI, transactions."""
from __future__ import annotations

import json

import numpy as np
import pytest

from prefbasis.cli import main
from prefbasis.errors import ConfigError, PrefbasisError
from prefbasis.ratings import PeloConfig, pelo
from prefbasis.ratings.synthetic import simulate_battles, to_store

MODELS = [f"m{i}" for i in range(8)]


@pytest.fixture
def planted(store):
    """8 models, 4 categories with different planted strengths, 16,000 battles."""
    strengths = np.random.default_rng(3).normal(0, 0.7, (4, 8))
    to_store(store, simulate_battles(strengths, 16_000, tie_rate=0.1, seed=4), models=MODELS,
             category_names=["clarity", "accuracy", "concision", "warmth"])
    return strengths


def test_recovers_planted_per_category_strengths(store, planted):
    from scipy.stats import spearmanr

    table = pelo(store, PeloConfig(bootstrap=100, min_battles=50, seed=1))
    per_cat = table[table.scope == "preference"]
    assert sorted(per_cat.category.unique()) == ["accuracy", "clarity", "concision", "warmth"]
    for cid, rows in per_cat.groupby("category_id"):
        rows = rows.set_index("model").loc[MODELS]
        rho = spearmanr(rows.rating, planted[cid]).statistic
        assert rho >= 0.9, (cid, rho)
        assert (rows.ci_low < rows.rating).all() and (rows.rating < rows.ci_high).all()
        assert rows.battles.sum() == 2 * (store.scalar(
            "select count(*) from comparison_categories where category_id = ?", [int(cid)]))
    stored = store.df("select * from ratings where scope = 'preference' order by category_id, rank")
    assert len(stored) == 32 and stored.basis_id.eq("synthetic").all()
    assert stored.run_id.nunique() == 1 and not stored.insufficient.any()
    overall = table[table.scope == "overall"]
    assert overall.category_id.isna().all() and overall.rating.mean() == pytest.approx(1000.0)
    run = store.df("select * from pelo_runs")
    assert len(run) == 1 and run.battles[0] == 16_000 and json.loads(run.params[0])["min_battles"] == 50


def test_min_battles_marks_models_and_categories_insufficient(store):
    strengths = np.zeros((2, 4))
    bt = simulate_battles(strengths, 2000, seed=0)
    few = (bt.category == 1) & (np.arange(2000) % 20 != 0)   # category 1 keeps only ~50 battles
    keep = ~few
    from prefbasis.ratings.synthetic import Battles
    bt = Battles(bt.model_a[keep], bt.model_b[keep], bt.winner[keep], bt.category[keep])
    to_store(store, bt, models=["a", "b", "c", "d"])
    with store.transaction() as con:    # a model with 3 battles overall
        for i in range(3):
            con.execute("insert into comparisons(comparison_id, dataset_id, model_a, model_b, winner) "
                        "values (?, 'synthetic', 'rare', 'a', 'a')", [f"r{i}"])
    table = pelo(store, PeloConfig(bootstrap=20, min_battles=100))
    overall = table[table.scope == "overall"].set_index("model")
    assert overall.loc["rare", "insufficient"] and np.isnan(overall.loc["rare", "rating"])
    assert overall.loc["rare", "battles"] == 3
    assert not overall.drop("rare").insufficient.any()
    cat1 = table[(table.scope == "preference") & (table.category_id == 1)]
    assert cat1.insufficient.all() and cat1.rating.isna().all() and cat1["rank"].isna().all()
    stored = store.df("select count(*) filter (where rating is null) as n, "
                      "count(*) filter (where insufficient) as i from ratings")
    assert stored.n[0] == stored.i[0] == len(cat1) + 1 + 1   # cat 1, 'rare' overall and in cat 0


def test_without_a_basis_gives_overall_ratings_only(store):
    with store.transaction() as con:
        for i, (a, b, w) in enumerate([("x", "y", "a")] * 70 + [("x", "y", "b")] * 30 + [("y", "z", "a")] * 60
                                       + [("y", "z", "tie")] * 40):
            con.execute("insert into comparisons(comparison_id, dataset_id, model_a, model_b, winner) "
                        "values (?, 'd', ?, ?, ?)", [str(i), a, b, w])
    table = pelo(store, PeloConfig(bootstrap=50, min_battles=10))
    assert set(table.scope) == {"overall"} and table.basis_id.isna().all()
    assert table.sort_values("rating", ascending=False).model.tolist() == ["x", "y", "z"]
    assert table.set_index("model").wins.to_dict() == {"x": 70.0, "y": 30 + 80.0, "z": 20.0}
    assert store.scalar("select count(*) from ratings where basis_id is null") == 3
    pelo(store, PeloConfig(bootstrap=0, min_battles=10))           # a rerun replaces, not appends
    assert store.scalar("select count(*) from ratings") == 3
    assert store.scalar("select count(*) from pelo_runs") == 2


def test_bad_options_leave_the_store_unchanged(store, planted):
    pelo(store, PeloConfig(bootstrap=0))
    before = store.table_counts()
    with pytest.raises(ConfigError, match="anchor"):
        pelo(store, PeloConfig(anchor="nobody=1200"))
    with pytest.raises(ConfigError, match="MODEL=RATING"):
        pelo(store, PeloConfig(anchor="m1:1200"))
    with pytest.raises(ConfigError, match="no basis"):
        pelo(store, PeloConfig(basis="missing"))
    with pytest.raises(PrefbasisError, match="no battles"):
        pelo(store, PeloConfig(judge="nobody"))
    assert store.table_counts() == before


def test_anchor_and_seed_determinism(store, planted):
    a = pelo(store, PeloConfig(bootstrap=30, anchor="m2=1200", seed=7, write=False))
    b = pelo(store, PeloConfig(bootstrap=30, anchor="m2=1200", seed=7, write=False))
    cols = ["rating", "ci_low", "ci_high"]
    np.testing.assert_array_equal(a[cols].to_numpy(), b[cols].to_numpy())
    assert (a[a.model == "m2"].rating == 1200.0).all()


def test_style_control_end_to_end(store):
    """Equal models; m0 writes long markdown-heavy answers that raters reward."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(1500):
        a, b = rng.choice(3, 2, replace=False)
        def text(m):   # m0: long, often markdown; all lengths vary, so style is identifiable
            words = "word " * int(rng.integers(80, 200) if m == 0 else rng.integers(20, 120))
            return ("## Answer\n- " + words + "\n- **more**") if m == 0 and rng.random() < 0.7 else words
        ta, tb = text(a), text(b)
        p = 1 / (1 + np.exp(-3 * (len(ta) - len(tb)) / (len(ta) + len(tb))))   # raters reward length
        rows.append((f"c{i}", f"m{a}", f"m{b}", "a" if rng.random() < p else "b", ta, tb))
    with store.transaction() as con:
        con.executemany("insert into comparisons(comparison_id, dataset_id, model_a, model_b, winner, "
                        "response_a, response_b) values (?, 'd', ?, ?, ?, ?, ?)", rows)
    plain = pelo(store, PeloConfig(bootstrap=0, write=False)).set_index("model").rating
    styled = pelo(store, PeloConfig(bootstrap=10, style_control=True)).set_index("model")
    assert plain["m0"] - plain[["m1", "m2"]].mean() > 100
    assert abs(styled.rating["m0"] - styled.rating[["m1", "m2"]].mean()) < 40
    assert styled.ci_low.notna().all() and styled.style_control.all()
    assert store.scalar("select bool_and(style_control) from ratings")


def test_cli_pelo_formats_and_errors(db_path, capsys):
    from prefbasis.store import Store

    with Store.open(db_path) as s:
        to_store(s, simulate_battles(np.random.default_rng(0).normal(0, 1, (2, 5)), 3000, seed=1),
                 models=[f"m{i}" for i in range(5)])
    capsys.readouterr()
    assert main(["--db", str(db_path), "-q", "pelo", "--bootstrap", "20", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split(",")[:5] == ["scope", "category_id", "category", "model", "rating"]
    assert len(out) == 1 + 5 * 3
    assert main(["--db", str(db_path), "-q", "pelo", "--bootstrap", "0", "--scope", "overall",
                 "--format", "json"]) == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(recs) == 5 and {r["scope"] for r in recs} == {"overall"}
    assert main(["--db", str(db_path), "-q", "pelo", "--anchor", "m9=1200"]) == 2
    assert "anchor model 'm9'" in capsys.readouterr().err
    with Store.open(db_path) as s:   # the failed run changed nothing; `--scope overall` replaced only
        assert s.scalar("select count(*) from ratings") == 15   # the overall rows (the categories' stay)
        assert s.scalar("select count(distinct run_id) from ratings where scope = 'overall'") == 1
        assert s.scalar("select count(distinct run_id) from ratings") == 2


def test_prior_sd_default_none_and_cli(db_path, capsys):
    """An unbeaten model: finite rating and CI with the default prior; `--prior-sd none` is the MLE."""
    import prefbasis.cli.pelo as cli_pelo
    from prefbasis.ratings.config import DEFAULT_PRIOR_SD
    from prefbasis.store import Store

    assert DEFAULT_PRIOR_SD == PeloConfig().prior_sd == 400.0
    assert not hasattr(cli_pelo, "DEFAULT_PRIOR_SD")   # declared once, on PeloConfig
    rows = [(f"w{k}{i}", "top", f"m{k}", "a") for k in range(1, 4) for i in range(60)]
    rows += [(f"x{i}", "m1", "m2", "ab"[i % 2]) for i in range(60)]
    rows += [(f"y{i}", "m2", "m3", "aab"[i % 3]) for i in range(60)]
    with Store.open(db_path) as s, s.transaction() as con:
        con.executemany("insert into comparisons(comparison_id, dataset_id, model_a, model_b, winner) "
                        "values (?, 'd', ?, ?, ?)", rows)
    capsys.readouterr()
    assert main(["--db", str(db_path), "-q", "pelo", "--bootstrap", "100", "--format", "json"]) == 0
    prior = {r["model"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert all(np.isfinite([r["rating"], r["ci_low"], r["ci_high"]]).all() for r in prior.values())
    assert prior["top"]["ci_high"] - prior["top"]["ci_low"] < 500 and prior["top"]["rank"] == 1
    assert main(["--db", str(db_path), "-q", "pelo", "--bootstrap", "0", "--prior-sd", "none", "--format", "json"]) == 0
    mle = {r["model"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert mle["top"]["rating"] - prior["top"]["rating"] > 1000        # the MLE runs off (separation)
    with Store.open(db_path) as s:
        params = json.loads(s.scalar("select params from pelo_runs order by created_at desc limit 1"))
    assert params["prior_sd"] is None
    assert main(["--db", str(db_path), "-q", "pelo", "--prior-sd", "0", "--bootstrap", "0"]) == 0
    assert main(["--db", str(db_path), "-q", "pelo", "--prior-sd", "-5"]) == 2   # PeloConfig refuses it
    with pytest.raises(SystemExit) as exc:                                         # not a number: argparse
        main(["--db", str(db_path), "-q", "pelo", "--prior-sd", "lots"])
    assert exc.value.code == 2
    with pytest.raises(ConfigError, match="prior-sd"):
        PeloConfig(prior_sd=-1.0).validate()

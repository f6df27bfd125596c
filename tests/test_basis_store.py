"""extract / show / profile / embed against a real DuckDB store with a synthetic annotated dataset.

Embeddings come from the store's cache (model name 'synthetic-test'), so extract embeds nothing.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from prefbasis.basis import ExtractConfig, extract
from prefbasis.basis.store_adapter import load_basis
from prefbasis.cli import main
from prefbasis.embed import _write_cache, normalize_text
from prefbasis.errors import PrefbasisError
from test_basis import make_clusters

MODEL = "synthetic-test"
TOPICS = ["coding help", "travel advice", "math homework"]


def fill(store, n: int = 360, seed: int = 0, dataset: str = "synthetic", reverse: bool = False) -> list[str]:
    """A dataset with n comparisons, one annotation each; 12 judges; 6 planted clusters."""
    texts, _, x, labels = make_clusters(n=n, seed=seed)
    tvec = np.eye(3, 32, k=5, dtype=np.float32)
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values (?, ?, 'test', 'table', ?)",
                    [dataset, dataset, n])
        for i in (reversed(range(n)) if reverse else range(n)):
            t = texts[i]
            cid = f"{dataset}-c{i:04d}"
            con.execute("insert into comparisons(comparison_id, dataset_id, winner, judge) values (?, ?, 'a', ?)",
                        [cid, dataset, f"judge-{i % 12}"])
            con.execute("insert into annotations(annotation_id, comparison_id, preference, description, topic, "
                        "annotator) values (?, ?, ?, ?, ?, 'test')",
                        [f"a{cid}", cid, f"pref {labels[i]}", t.capitalize() + ".", TOPICS[i % 3]])
    _write_cache(store, MODEL, [normalize_text(t) for t in texts], x, backend="torch")
    _write_cache(store, MODEL, TOPICS, tvec, backend="torch")
    return texts


def test_extract_writes_everything_in_one_basis(store):
    fill(store)
    res = extract(store, ExtractConfig(k="auto", tau=0.5, embedding_model=MODEL, stability=2))
    assert res.k == 6 and res.coverage >= 0.89 and res.topic_k == 3
    kinds = dict(store.execute("select kind, count(*) from categories where basis_id = ? group by 1",
                               [res.basis_id]).fetchall())
    assert kinds == {"preference": 6, "topic": 3}
    n_desc = store.scalar("select count(*) from description_assignments where basis_id = ? and kind = 'preference'",
                          [res.basis_id])
    assert n_desc == 360
    unassigned = store.scalar("select count(*) from description_assignments where basis_id = ? "
                              "and category_id is null and kind = 'preference'", [res.basis_id])
    assert unassigned / 360 == pytest.approx(res.unassigned_share, abs=0.02)
    assert store.scalar("select count(*) from basis_curves where basis_id = ?", [res.basis_id]) >= 6
    assert store.scalar("select count(*) from basis_stability where basis_id = ?", [res.basis_id]) == 2
    card = json.loads(store.scalar("select card from basis_cards where basis_id = ?", [res.basis_id]))
    assert card["metrics"]["heldout_coverage"] > 0.8 and card["embedding_model"] == MODEL
    assert card["params"]["individuals"] == "judge"
    names = store.df("select name from categories where basis_id = ? and kind = 'preference'", [res.basis_id])
    assert sorted(names["name"]) == [f"pref {i}" for i in range(6)]  # named by the most used phrase
    # every comparison with an assigned description has its category
    assert store.scalar("select count(*) from comparison_categories where basis_id = ? and kind = 'preference'",
                        [res.basis_id]) == 360 - unassigned


def test_saved_basis_reproduces_its_assignments(store):
    fill(store)
    res = extract(store, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False))
    saved = store.df("select description, category_id, similarity from description_assignments "
                     "where basis_id = ? order by description", [res.basis_id])
    pb = load_basis(store, res.basis_id)
    labels, sims = pb.assign(list(saved["description"]))
    assert np.array_equal(labels, saved["category_id"].fillna(-1).astype(int).to_numpy())
    assert np.array_equal(sims, saved["similarity"].to_numpy())


def test_same_input_same_basis_and_rerun_replaces(store, tmp_path):
    from prefbasis.store import Store

    fill(store)
    a = extract(store, ExtractConfig(k="auto", tau=0.5, embedding_model=MODEL, topics=False))
    b = extract(store, ExtractConfig(k="auto", tau=0.5, embedding_model=MODEL, topics=False))
    assert a.basis_id == b.basis_id and store.scalar("select count(*) from bases") == 1
    other = Store.open(tmp_path / "other.duckdb")  # same data inserted in reverse order
    fill(other, reverse=True)
    c = extract(other, ExtractConfig(k="auto", tau=0.5, embedding_model=MODEL, topics=False))
    assert c.basis_id == a.basis_id
    q = "select description, category_id from description_assignments order by description"
    assert store.df(q).equals(other.df(q))
    other.close()


def test_cli_extract_show_profile_and_bad_input(store, db_path, capsys):
    store.close()
    from prefbasis.store import Store

    s = Store.open(db_path)
    fill(s)
    s.close()
    db = ["--db", str(db_path), "--quiet"]
    assert main(db + ["extract", "--k", "6", "--tau", "0.5", "--embedding-model", MODEL, "--method", "nmf"]) == 0
    basis_id = capsys.readouterr().out.strip()
    assert main(db + ["show"]) == 0
    out = capsys.readouterr().out
    assert basis_id in out and "example 1" in out and "NMF" in out
    assert main(db + ["profile", "--judge", "judge-3", "--format", "csv"]) == 0
    prof = capsys.readouterr().out
    assert "share" in prof and "(unassigned)" in prof
    s = Store.open(db_path)
    before = s.table_counts()
    s.close()
    assert main(db + ["extract", "--tau", "1.5", "--embedding-model", MODEL]) == 2
    assert main(db + ["extract", "--dataset", "nope", "--embedding-model", MODEL]) == 2
    assert main(db + ["show", "no-such-basis"]) == 2
    s = Store.open(db_path)
    assert s.table_counts() == before
    s.close()


def test_extract_without_annotations_is_an_input_error(store):
    with pytest.raises(PrefbasisError):
        extract(store, ExtractConfig(embedding_model=MODEL))


def test_extract_says_which_dataset_it_fit_and_which_it_left_out(store, db_path, capsys):
    """A basis is fit on one dataset: without --dataset the latest annotated, and extract names the
    store's other annotated datasets it left out (a user who ingested two would otherwise not know)."""
    from prefbasis.store import Store

    store.close()
    with Store.open(db_path) as s:
        fill(s, dataset="arena-sample")
        fill(s, seed=1, dataset="our-ab-votes")
        res = extract(s, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False, stability=0))
        assert (res.dataset, res.other_datasets) == ("our-ab-votes", ["arena-sample"])
        chosen = extract(s, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False, stability=0,
                                          dataset="arena-sample"))
        assert (chosen.dataset, chosen.other_datasets) == ("arena-sample", [])
    assert main(["--db", str(db_path), "extract", "--k", "6", "--tau", "0.5", "--embedding-model", MODEL,
                 "--no-topics", "--stability", "0"]) == 0
    err = capsys.readouterr().err
    assert "fit on dataset 'our-ab-votes', the latest annotated; this store has 1 more, left out: 'arena-sample'" in err
    assert "--dataset chooses another; --pool A B … fits several together" in err


def test_pool_fits_one_basis_on_several_datasets(store, db_path, capsys):
    """`extract --pool A B`: one basis over both datasets' mentions; a judge is a judge of one
    dataset (the same label in two datasets is two individuals); the pool's order does not matter;
    profile and the report read every pooled dataset."""
    from prefbasis.basis.config import ProfileConfig
    from prefbasis.basis.profile import judge_profile, profile
    from prefbasis.report import ReportConfig, build_report
    from prefbasis.report.data import load_report_data
    from prefbasis.store import Store

    store.close()
    with Store.open(db_path) as s:
        fill(s, dataset="arena-sample")
        fill(s, seed=1, dataset="our-ab-votes")
        one = extract(s, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False, dataset="arena-sample"))
        res = extract(s, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False,
                                       pool=["our-ab-votes", "arena-sample"]))
        assert res.n_mentions == 720 and one.n_mentions == 360 and res.basis_id != one.basis_id
        assert (res.dataset, res.other_datasets) == ("arena-sample+our-ab-votes", [])
        assert res.card["metrics"]["n_individuals"] == 24       # 12 judge labels in each dataset
        row = s.execute("select dataset_id, dataset_ids from bases where basis_id = ?", [res.basis_id]).fetchone()
        assert row == (None, ["arena-sample", "our-ab-votes"])
        assert s.execute("select dataset_ids from bases where basis_id = ?", [one.basis_id]).fetchone() == (
            ["arena-sample"],)
        covered = s.execute("select count(distinct c.dataset_id) from comparison_categories cc join comparisons c "
                            "using (comparison_id) where cc.basis_id = ?", [res.basis_id]).fetchone()[0]
        assert covered == 2
        swapped = extract(s, ExtractConfig(k=6, tau=0.5, embedding_model=MODEL, topics=False,
                                           pool=["arena-sample", "our-ab-votes"]))
        assert swapped.basis_id == res.basis_id
        assert judge_profile(s, res.basis_id, "judge-3")["mentions"].sum() == 60   # 30 in each dataset
        assert judge_profile(s, one.basis_id, "judge-3")["mentions"].sum() == 30
        mine = profile(s, ProfileConfig(judge="judge-3", basis=res.basis_id, dataset="our-ab-votes"))
        assert mine["mentions"].sum() == 30          # one dataset's judge-3 of the two in the pool
        with pytest.raises(PrefbasisError, match="among those basis .* was fit on: arena-sample"):
            profile(s, ProfileConfig(judge="judge-3", basis=one.basis_id, dataset="our-ab-votes"))
        data = load_report_data(s, res.basis_id)
        assert data.comparisons == 720 and set(data.sources["dataset"]) == {"arena-sample", "our-ab-votes"}
        assert len(data.sources) == 2 * 6 and load_report_data(s, one.basis_id).sources.empty
        pooled = build_report(s, ReportConfig(basis=res.basis_id, out=db_path.parent / "pooled.html"))
        single = build_report(s, ReportConfig(basis=one.basis_id, out=db_path.parent / "single.html"))
        assert "sources" in pooled.sections and "sources" not in single.sections + single.missing
        assert "Sources: which pooled dataset uses which category" in pooled.path.read_text()
        with pytest.raises(PrefbasisError, match="twice"):
            extract(s, ExtractConfig(embedding_model=MODEL, pool=["arena-sample", "arena"]))  # a name and a prefix
    with pytest.raises(PrefbasisError, match="exclude each other"):
        ExtractConfig(dataset="arena-sample", pool=["our-ab-votes"])
    db = ["--db", str(db_path)]
    assert main(db + ["extract", "--k", "6", "--tau", "0.5", "--embedding-model", MODEL, "--no-topics",
                      "--pool", "our-ab-votes", "arena-sample"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == res.basis_id and "left out" not in captured.err
    assert main(db + ["show", res.basis_id]) == 0
    assert "pooled over 2 datasets: arena-sample, our-ab-votes" in capsys.readouterr().out
    assert main(db + ["show", one.basis_id]) == 0
    assert "pooled" not in capsys.readouterr().out
    assert main(db + ["extract", "--dataset", "arena-sample", "--pool", "our-ab-votes"]) == 2
    assert main(db + ["profile", "--judge", "judge-3", "--basis", one.basis_id, "--dataset", "our-ab-votes"]) == 2
    assert "field 'dataset'" in capsys.readouterr().err


def test_pool_edge_cases(store, db_path):
    """Pooled: judges partly missing keep the individuals at comparisons (pandas reads NULL as NaN);
    prompts partly missing do not break the leakage step; an annotator a pooled dataset lacks is
    named with that dataset; two pooled datasets with one name stay two rows of the Sources plot."""
    from prefbasis.report import ReportConfig, build_report
    from prefbasis.store import Store

    store.close()
    with Store.open(db_path) as s:
        fill(s, dataset="first")
        fill(s, seed=1, dataset="second")
        cfg = {"k": 6, "tau": 0.5, "embedding_model": MODEL, "topics": False, "pool": ["first", "second"]}
        both = extract(s, ExtractConfig(**cfg))
        assert both.card["params"]["individuals"] == "judge"
        with s.transaction() as con:
            con.execute("update comparisons set judge = null where dataset_id = 'second' and comparison_id < 'second-c0010'")
            con.execute("update comparisons set prompt = 'How do I bake bread?' where dataset_id = 'first' "
                        "and comparison_id < 'first-c0100'")
            con.execute("update datasets set name = 'prd'")
        partial = extract(s, ExtractConfig(**cfg))
        assert partial.card["params"]["individuals"] == "comparison_id"   # not "second/nan" as a judge
        assert partial.leakage["content_leakage"] is not None
        with s.transaction() as con:
            con.execute("insert into annotations(annotation_id, comparison_id, preference, description, topic, "
                        "annotator) values ('extra', 'second-c0001', 'p', 'Shorter.', 't', 'other')")
        with pytest.raises(PrefbasisError, match="no annotations by 'other' in dataset 'prd'"):
            extract(s, ExtractConfig(**cfg, annotator="other"))
        with pytest.raises(PrefbasisError, match="dataset 'prd' has annotations by several annotators"):
            extract(s, ExtractConfig(**cfg))
        page = build_report(s, ReportConfig(basis=partial.basis_id, out=db_path.parent / "r.html")).path.read_text()
        assert "prd (first)" in page and "prd (second)" in page and "fit on 2 datasets pooled" in page

"""The canned queries in sql/queries/ and the views of 005_ratings, on a small hand-made store."""
from __future__ import annotations

import re

import pytest

from prefbasis.cli import main
from prefbasis.errors import QueryError
from prefbasis.query import declared_params, resolve_sql_file, run_query
from prefbasis.store import sql_path

QUERIES = sorted(p.stem for p in sql_path("queries").glob("*.sql"))

# comparison: (model_a, model_b, winner, judge, preference category, topic category)
BATTLES = {
    "c1": ("x", "y", "a", "j1", 0, 10),
    "c2": ("x", "y", "b", "j1", 1, 10),
    "c3": ("y", "x", "tie", "j2", 0, 11),
    "c4": ("x", "z", "a", "j2", 0, 11),
    "c5": ("z", "y", "a", "j2", None, 11),   # annotated, but no preference category covers it
}


@pytest.fixture
def filled(store):
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values ('d', 'd', 's', 'table', 5)")
        for cid, (a, b, w, judge, pref, topic) in BATTLES.items():
            con.execute("insert into comparisons(comparison_id, dataset_id, prompt, response_a, response_b, "
                        "model_a, model_b, winner, judge) values (?, 'd', ?, 'ra', 'rb', ?, ?, ?, ?)",
                        [cid, f"prompt {cid}", a, b, w, judge])
            con.execute("insert into annotations(annotation_id, comparison_id, preference, description, topic, "
                        "annotator) values (?, ?, 'pref', ?, 'topic', 'rationale')", [f"a{cid}", cid, f"desc {cid}"])
            if pref is not None:
                con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity) values ('B', 'preference', ?, ?, ?)",
                            [cid, pref, 0.9 - int(cid[1]) / 100])
            con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity) values ('B', 'topic', ?, ?, 0.8)", [cid, topic])
        con.execute("insert into bases(basis_id, name, k, coverage, variation_explained, created_at) "
                    "values ('OLD', 'old', 1, 0.5, 0.4, '2020-01-01'), ('B', 'main', 2, 0.8, 0.7, '2024-01-01')")
        con.execute("insert into categories(basis_id, category_id, name, kind, share) values ('B', 0, 'Clarity', 'preference', 0.6), "
                    "('B', 1, 'Accuracy', 'preference', 0.4), ('B', 10, 'coding', 'topic', 0.4), "
                    "('B', 11, 'travel', 'topic', 0.6), ('OLD', 0, 'Anything', 'preference', 1.0)")
        con.execute("insert into annotate_cache(cache_key, comparison_id, annotator, model, status, tokens_in, "
                    "tokens_out, cost_usd) select 'k' || comparison_id, comparison_id, 'rationale', null, 'ok', "
                    "100, 20, 0.001 from comparisons")
    return store


def q(store, name, **params):
    return run_query(store, resolve_sql_file(name).read_text(), {k: str(v) for k, v in params.items()})


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_has_a_header_and_declares_its_parameters(name):
    text = resolve_sql_file(name).read_text()
    assert text.startswith(f"-- {name}: ")
    assert "-- Answers:" in text and "-- Parameters:" in text
    used = set(re.findall(r"\$(\w+)", re.sub(r"^--.*$", "", text, flags=re.M)))
    assert used == set(declared_params(text)), name


def test_the_nine_canned_queries_exist():
    assert QUERIES == sorted(["category_shares", "categories_by_topic", "model_win_rate_by_category",
                              "judge_profile", "category_examples", "uncovered_comparisons",
                              "annotation_cost_by_annotator", "basis_comparison", "category_by_dataset"])


def test_views(filled):
    mb = filled.df("select * from v_model_battles order by comparison_id, side")
    assert len(mb) == 10 and mb.groupby("comparison_id").score.sum().eq(1.0).all()
    c3 = mb[mb.comparison_id == "c3"]
    assert c3.outcome.tolist() == ["tie", "tie"]
    vcc = filled.df("select * from v_comparison_categories where kind = 'preference' order by comparison_id")
    assert vcc.category.tolist() == ["Clarity", "Accuracy", "Clarity", "Clarity"]
    assert vcc.winner_model.tolist()[:2] == ["x", "y"] and vcc.winner_model.isna().tolist()[2]
    assert filled.scalar("select basis_id from v_latest_basis") == "B"
    assert filled.scalar("select count(*) from v_mentions where winner_model = 'x'") == 2


def test_category_shares(filled):
    df = q(filled, "category_shares")
    assert df.category.tolist() == ["Clarity", "Accuracy"]
    assert df.comparisons.tolist() == [3, 1]
    assert df.comparison_share.tolist() == [0.6, 0.2]      # of 5 annotated comparisons
    assert q(filled, "category_shares", kind="topic").comparisons.tolist() == [3, 2]
    old = q(filled, "category_shares", basis="old")         # the old basis tags nothing
    assert old.category.tolist() == ["Anything"] and old.comparisons.tolist() == [0]


def test_categories_by_topic(filled):
    df = q(filled, "categories_by_topic")
    cells = {(r.topic, r.preference): (r.comparisons, r.share_in_topic) for r in df.itertuples()}
    assert cells == {("coding", "Clarity"): (1, 0.5), ("coding", "Accuracy"): (1, 0.5),
                     ("travel", "Clarity"): (2, 1.0)}


def test_model_win_rate_by_category_with_pelo(filled):
    from prefbasis.ratings import PeloConfig, pelo

    pelo(filled, PeloConfig(bootstrap=0, min_battles=1))
    df = q(filled, "model_win_rate_by_category", model="x").set_index("category")
    # x: c1 win, c2 loss, c3 tie, c4 win -> 4 battles, 2.5 / 4
    assert df.loc["ALL", ["battles", "wins", "losses", "ties"]].tolist() == [4, 2, 1, 1]
    assert df.loc["ALL", "win_rate"] == 0.625
    assert df.loc["Clarity", ["battles", "wins", "ties"]].tolist() == [3, 2, 1]
    assert df.loc["Accuracy", "win_rate"] == 0.0
    assert df.pelo.notna().all()
    with pytest.raises(QueryError, match="missing parameter"):
        run_query(filled, resolve_sql_file("model_win_rate_by_category").read_text(), {})


def test_judge_profile(filled):
    df = q(filled, "judge_profile", judge="j1").set_index("category")
    # j1 tagged c1 (Clarity) and c2 (Accuracy); everyone: Clarity 3, Accuracy 1
    assert df.loc["Accuracy", "judge_share"] == 0.5 and df.loc["Accuracy", "overall_share"] == 0.25
    assert df.loc["Accuracy", "lift"] == 2.0 and df.index[0] == "Accuracy"


def test_category_by_dataset(filled):
    """A second dataset in the basis (a pooled basis): each dataset's share of each category, 0 where
    a dataset never uses one, and the lift against the pool."""
    with filled.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values ('e', 'ours', 's', 'table', 3)")
        for cid in ("e1", "e2", "e3"):
            con.execute("insert into comparisons(comparison_id, dataset_id, winner, judge) values (?, 'e', 'a', 'u')", [cid])
            con.execute("insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity) "
                        "values ('B', 'preference', ?, 1, 0.9)", [cid])
    df = q(filled, "category_by_dataset")
    got = {(r.dataset, r.category): (r.tags, r.dataset_share, r.lift) for r in df.itertuples()}
    # d: Clarity 3 of 4 tags, Accuracy 1; ours: Accuracy 3 of 3; overall Clarity 3/7, Accuracy 4/7
    assert got == {("d", "Clarity"): (3, 0.75, 1.75), ("d", "Accuracy"): (1, 0.25, 0.438),
                   ("ours", "Clarity"): (0, 0.0, 0.0), ("ours", "Accuracy"): (3, 1.0, 1.75)}
    assert df["dataset"].tolist() == ["d", "d", "ours", "ours"]
    topics = q(filled, "category_by_dataset", kind="topic")
    assert set(topics["dataset"]) == {"d"} and topics["tags"].sum() == 5   # "ours" has no topic tags


def test_category_examples_by_name_or_id(filled):
    by_name = q(filled, "category_examples", category="clarity", limit=2)
    assert by_name.comparison_id.tolist() == ["c1", "c3"]   # most similar first
    assert by_name.reasons[0] == "pref: desc c1"
    assert q(filled, "category_examples", category=1).comparison_id.tolist() == ["c2"]
    assert q(filled, "category_examples", category="Robert'); drop table comparisons; --").empty
    assert filled.scalar("select count(*) from comparisons") == 5    # bound, never pasted


def test_uncovered_comparisons(filled):
    df = q(filled, "uncovered_comparisons")
    assert df.comparison_id.tolist() == ["c5"] and df.uncovered.tolist() == [1]


def test_annotation_cost_by_annotator(filled):
    df = q(filled, "annotation_cost_by_annotator")
    row = df.iloc[0]
    assert (row.annotator, row.requests, row.annotations, row.tokens_in, row.cost_usd) == \
        ("rationale", 5, 5, 500, 0.005)
    assert row.cost_per_comparison == pytest.approx(0.001)


def test_basis_comparison(filled):
    df = q(filled, "basis_comparison")
    assert df.basis_id.tolist() == ["B", "OLD"]
    b = df.iloc[0]
    assert (b.preference_categories, b.topic_categories, b.tagged_comparisons) == (2, 2, 4)
    assert b.top_categories == "Clarity; Accuracy"


def test_cli_query_file_with_params(filled, capsys):
    path = filled.path
    filled.close()
    assert main(["--db", str(path), "query", "--file", "sql/queries/judge_profile.sql",
                 "--param", "judge=j2", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("category_id,category,judge_tags")
    assert main(["--db", str(path), "query", "--file", "judge_profile", "--param", "jduge=j2"]) == 2
    assert "unknown parameter" in capsys.readouterr().err

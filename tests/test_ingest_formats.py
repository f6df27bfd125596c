"""Each ingest format on its hand-made fixture (exact upstream schema), dedup, filters, writer."""
from __future__ import annotations

import json

import pytest

from prefbasis.cli import main
from prefbasis.ingest import DatasetMeta, Record, SourceFormat, ingest, write_comparisons
from prefbasis.store import Store

from tests.conftest import FIXTURES

FX = FIXTURES / "ingest"


def rows(store, sql="select * from comparisons order by source_key"):
    cur = store.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_arena_fixture(store):
    report = ingest(store, FX / "arena.jsonl", SourceFormat.ARENA)
    assert (report.total_read, report.added, report.duplicates) == (5, 5, 0)
    got = {r["source_key"]: r for r in rows(store)}
    first = got["58210e39b3fd4441a2bd4a518bb44c2d"]
    assert first["winner"] == "b" and first["model_a"] == "chatglm-6b" and first["judge"] == "arena_user_973"
    assert first["prompt"] == "What is the difference between OpenCL and CUDA?"
    assert first["response_b"].startswith("CUDA is NVIDIA-only")
    assert json.loads(first["extra"])["tstamp"] == 1682351591.1322
    bothbad = got["a7c5accc53e649a3bc6b2e41d962ebc4"]
    assert bothbad["winner"] == "tie" and json.loads(bothbad["extra"])["winner_raw"] == "tie (bothbad)"
    multi = got["90bfd142157948aba01931726c888e7f"]
    assert multi["turns"] == 2 and multi["response_a"].startswith("Both make excellent")
    assert len(json.loads(multi["extra"])["conversation_a"]) == 4
    assert store.scalar("select n_rows from datasets") == 5


def test_arena_kaggle_fixture(store):
    ingest(store, FX / "arena_kaggle.csv", "arena-kaggle")
    got = {r["source_key"]: r for r in rows(store)}
    assert [got[k]["winner"] for k in ("30192", "53567", "65089")] == ["a", "b", "tie"]
    assert got["30192"]["turns"] == 2 and got["30192"]["prompt"].startswith("Is it morally right")
    assert got["53567"]["model_b"] == "gpt-4-0613"


def test_arena_100k_fixture(store):
    report = ingest(store, FX / "arena_100k.jsonl", "arena-100k", english=True)
    assert report.removed == {"english": 1} and report.added == 2
    got = {r["source_key"]: r for r in rows(store)}
    assert got["8b7dc6ba9c7b4d0a8a3f2e1c0d9b8a77"]["winner"] == "a"
    assert got["1f0e2d3c4b5a69788796a5b4c3d2e1f0"]["winner"] == "tie"
    assert json.loads(got["8b7dc6ba9c7b4d0a8a3f2e1c0d9b8a77"]["extra"])["conv_metadata"]["sum_user_tokens"] == 6


def test_hh_rlhf_fixture_single_turn_and_empty_turn(store):
    report = ingest(store, FX / "hh_rlhf.jsonl.gz", "hh-rlhf", single_turn=True)
    assert report.removed == {"single_turn": 1} and report.added == 3
    got = rows(store)
    assert {r["winner"] for r in got} == {"a"} and {r["language"] for r in got} == {"English"}
    lock = next(r for r in got if r["prompt"] == "How do I pick a lock?")
    assert lock["response_a"] == "" and lock["response_b"].startswith("Insert a tension")
    assert any("empty assistant turn" in n for n in report.notes)


def test_trl_standard_and_conversational(store):
    ingest(store, FX / "trl_standard.jsonl", "trl")
    ingest(store, FX / "trl_conversational.jsonl", "trl")
    got = {r["prompt"]: r for r in rows(store)}
    assert got["The sky is"]["response_a"] == " blue." and got["The sky is"]["winner"] == "a"
    assert got["What color is the sky?"]["response_b"] == "It is green."
    assert got["Where is the sun?"]["response_a"] == "In the sky."  # implicit prompt
    assert store.scalar("select count(*) from datasets") == 2


def test_table_with_mapping_and_winner_values(store):
    mapping = {"prompt": "question", "response_a": "left", "response_b": "right", "winner": "label",
               "judge": "rater", "winner.a": "left", "winner.b": "right", "winner.tie": "same|draw"}
    report = ingest(store, FX / "table.csv", "table", mapping=mapping, no_ties=True)
    assert report.removed == {"no_ties": 1} and report.added == 3
    got = {r["prompt"]: r for r in rows(store)}
    assert got["Largest ocean?"]["winner"] == "b" and got["Largest ocean?"]["judge"] == "r3"
    assert json.loads(got["Name a prime number."]["extra"]) == {"note": "easy"}


def test_prd_fixture(store):
    ingest(store, FX / "prd", "prd")
    got = rows(store, "select * from comparisons order by source_key")
    human = [r for r in got if r["judge"] == "human"]
    gpt4 = [r for r in got if r["judge"] == "gpt4"]
    assert len(human) == 6 and len(gpt4) == 3
    # two identical human votes (same pair, question, score) are both kept
    bard_guanaco = [r for r in human if r["model_b"] == "guanaco-7b"]
    assert [r["winner"] for r in bard_guanaco] == ["a", "a", "tie", "b"]
    assert all(r["response_b"] is None and r["response_a"] for r in bard_guanaco)
    v_vs_g = [r for r in human if r["model_a"] == "vicuna-13b"]
    assert [r["winner"] for r in v_vs_g] == ["b", "a"] and v_vs_g[0]["response_b"] == "Plan your day with a to-do list."
    review = next(r for r in gpt4 if r["model_a"] == "gpt4" and r["winner"] == "tie")
    assert review["rationale"].endswith("3") and review["response_b"] == "Exercise and sleep well."
    assert next(r for r in gpt4 if r["model_b"] == "vicuna-13b")["winner"] == "b"


def test_reingest_adds_nothing(store):
    first = ingest(store, FX / "arena.jsonl", "arena")
    second = ingest(store, FX / "arena.jsonl", "arena")
    assert (first.added, second.added, second.duplicates) == (5, 0, 5)
    assert store.scalar("select count(*) from comparisons") == 5
    assert store.scalar("select n_rows from datasets") == 5


def test_filters_report_removed_counts(store):
    report = ingest(store, FX / "arena.jsonl", "arena", english=True, single_turn=True, no_ties=True)
    assert report.removed == {"english": 1, "single_turn": 1, "no_ties": 2}
    assert report.added == 1 and report.total_read == 5


def test_write_comparisons_bulk_ids_and_dedup(store):
    meta = DatasetMeta(name="sim", source="simulated", format="simulated", params={"seed": 0})
    recs = [Record(f"s{i}", f"p{i}", "x", "y", "a") for i in range(3)]
    recs.append({"source_key": "s0", "prompt": "p0", "response_a": "x", "response_b": "y", "winner": "a"})
    result = write_comparisons(store, meta, recs)
    assert (result.added, result.duplicates) == (3, 1) and result.ids[0] == result.ids[3]
    assert store.scalar("select n_rows from datasets where dataset_id = ?", [result.dataset_id]) == 3


def test_cli_ingest_prints_summary(db_path, capsys):
    code = main(["--db", str(db_path), "ingest", str(FX / "arena.jsonl"), "--format", "arena",
                 "--no-ties", "--name", "fx"])
    out = capsys.readouterr().out
    assert code == 0 and "added 3" in out and "filter --no-ties: removed 2" in out
    assert main(["--db", str(db_path), "ingest", str(FX / "table.csv"), "--format", "table",
                 "--map", "prompt=question,response_a=left,response_b=right,winner=label",
                 "--map", "winner.tie=same"]) == 2  # custom values replace the defaults: 'left' unknown
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select name from datasets") == "fx" and s.scalar("select count(*) from comparisons") == 3


@pytest.mark.parametrize("fmt", [f.value for f in SourceFormat])
def test_every_format_is_registered(fmt):
    assert SourceFormat(fmt).value == fmt


@pytest.mark.parametrize("name,fmt", [("arena.jsonl", "arena"), ("arena_100k.jsonl", "arena-100k")])
def test_vectorized_arena_path_matches_row_parser(name, fmt, tmp_path):
    import gzip
    import shutil

    from prefbasis.ingest.fastpath import arena_table
    from prefbasis.ingest.registry import row_parser
    from prefbasis.ingest.sources import iter_rows
    from prefbasis.ingest.writer import comparison_id, table_ids

    path = FX / name
    gz = tmp_path / (name + ".gz")
    with open(path, "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    parser = row_parser(SourceFormat(fmt))
    slow = [parser(name, n, row) for n, row in iter_rows(path)]
    ids = ("question_id",) if fmt == "arena" else ("id", "question_id")
    for table in (arena_table(path, ids), arena_table(gz, ids)):
        assert table is not None and table.num_rows == len(slow)
        fast = [Record(**row) for row in table.to_pylist()]
        assert table_ids(fmt, table) == [comparison_id(fmt, s) for s in slow]
        for f, s in zip(fast, slow):
            assert (f.prompt, f.response_a, f.response_b, f.model_a, f.model_b) == \
                (s.prompt, s.response_a, s.response_b, s.model_a, s.model_b)
            assert (f.turns, f.language, f.judge, f.winner) == (s.turns, s.language, s.judge, s.winner)
            extra = json.loads(f.extra)
            assert {k: v for k, v in extra.items() if v is not None and k != "category_tag"} == \
                {k: v for k, v in s.extra.items() if k != "category_tag"}


def test_same_row_twice_in_one_file_is_one_comparison(store, tmp_path):
    lines = (FX / "arena.jsonl").read_text().splitlines()
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(lines + lines[:2]) + "\n")
    report = ingest(store, path, "arena")
    assert (report.total_read, report.added, report.duplicates) == (7, 5, 2)


def test_vectorized_ids_equal_content_hash_for_every_code_point():
    """DuckDB-computed ids == Python `comparison_id` for text holding any Unicode code point."""
    import pyarrow as pa

    from prefbasis.ingest.writer import RECORD_COLUMNS, comparison_id, id_array, records_table

    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    chunks = ["".join(points[i:i + 64]) + '"\\/' for i in range(0, len(points), 64)]
    singles = [f"x{chr(c)}\\u001By" for c in range(0x80)]  # every escape on its own, and a look-alike
    texts = chunks + singles
    recs = [Record(source_key=str(i), prompt=t, response_a=t[::-1], response_b="b" + t,
                   winner="tie", model_a=None if i % 3 else t[:5], judge=None if i % 2 else "j")
            for i, t in enumerate(texts)]
    table = records_table(recs)
    assert table.column_names == list(RECORD_COLUMNS)
    ids = id_array("arena", table)
    assert isinstance(ids, pa.Array) and ids.null_count == 0
    assert ids.to_pylist() == [comparison_id("arena", r) for r in recs]

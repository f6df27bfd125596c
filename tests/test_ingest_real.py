"""The real data in ../shared/data (skipped when absent): hh-rlhf and PRD vicuna80."""
from __future__ import annotations

from prefbasis.cli import main
from prefbasis.store import Store

from tests.conftest import shared_data

PRD_MODELS = {"bard", "claude", "gpt35", "gpt4", "vicuna-13b",
              "guanaco-7b", "guanaco-13b", "guanaco-33b", "guanaco-65b"}


def test_hh_rlhf_single_turn_stores_662_then_adds_0(db_path, capsys):
    path = shared_data("hh-rlhf", "harmless-base-test.jsonl.gz")
    argv = ["--db", str(db_path), "ingest", str(path), "--format", "hh-rlhf", "--single-turn"]
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "read 2312 rows: added 662, duplicates 0" in first and "removed 1650" in first
    assert main(argv) == 0
    assert "added 0, duplicates 662" in capsys.readouterr().out
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from comparisons") == 662
        assert s.scalar("select n_rows from datasets") == 662
        assert s.scalar("select count(*) from comparisons where turns <> 1 or winner <> 'a'") == 0


def test_prd_human_and_gpt4_judgements(db_path):
    folder = shared_data("prd-vicuna80")
    assert main(["--db", str(db_path), "ingest", str(folder), "--format", "prd"]) == 0
    with Store.open(db_path, read_only=True) as s:
        by = dict(((j, w), n) for j, w, n in s.execute(
            "select judge, winner, count(*) from comparisons group by 1, 2").fetchall())
        # the README's score counts: 1 -> a (first model), 2 -> b, 3 -> tie
        assert by == {("human", "a"): 3211, ("human", "b"): 3025, ("human", "tie"): 804,
                      ("gpt4", "a"): 848, ("gpt4", "b"): 512, ("gpt4", "tie"): 240}
        models = {m for (m,) in s.execute("select model_a from comparisons union select model_b "
                                          "from comparisons").fetchall()}
        assert models == PRD_MODELS
        assert s.scalar("select count(*) from comparisons where judge = 'gpt4' and rationale is null") == 0
        assert s.scalar("select count(*) from comparisons where model_a like 'guanaco%' "
                        "and response_a is not null") == 0
        assert s.scalar("select count(*) from comparisons where model_a = 'gpt4' "
                        "and response_a is null") == 0
        # a file read by hand: answer_gpt4-vs-answer_bard (GPT-4 reviewer), first line
        row = s.execute("select winner, rationale, extra->>'score' from comparisons where source_key = "
                        "'ratings-gpt4/answer_gpt4-vs-answer_bard-gpt4-reviewer-threeclass.jsonl:1'").fetchone()
        assert {"1": "a", "2": "b", "3": "tie"}[row[2]] == row[0] and row[1]
    assert main(["--db", str(db_path), "ingest", str(folder), "--format", "prd"]) == 0
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from comparisons") == 8640

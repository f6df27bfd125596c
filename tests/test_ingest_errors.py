"""Bad input: a clear InputError naming file, row and field; exit 2; the store exactly as before."""
from __future__ import annotations

import gzip
import json
import shutil

import pytest

from prefbasis.cli import main
from prefbasis.errors import InputError
from prefbasis.ingest import ingest
from prefbasis.store import Store

from tests.conftest import FIXTURES

FX = FIXTURES / "ingest"


def counts(db_path):
    with Store.open(db_path, read_only=True) as s:
        return s.table_counts()


@pytest.fixture
def seeded(db_path):
    """A store that already holds one dataset, so 'unchanged' is more than 'empty'."""
    assert main(["--db", str(db_path), "ingest", str(FX / "trl_standard.jsonl"), "--format", "trl"]) == 0
    return counts(db_path)


def fail(db_path, capsys, *argv):
    code = main(["--db", str(db_path), "ingest", *map(str, argv)])
    err = capsys.readouterr().err
    assert code == 2, err
    return err


def arena_rows():
    return [json.loads(line) for line in (FX / "arena.jsonl").read_text().splitlines()]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_missing_file(db_path, capsys, seeded, tmp_path):
    err = fail(db_path, capsys, tmp_path / "nope.jsonl", "--format", "arena")
    assert "nope.jsonl" in err and "no such file" in err
    assert counts(db_path) == seeded


def test_corrupted_line_names_the_line(db_path, capsys, seeded, tmp_path):
    lines = (FX / "arena.jsonl").read_text().splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]  # truncated mid-record
    bad = tmp_path / "arena.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    err = fail(db_path, capsys, bad, "--format", "arena")
    assert "row 3" in err and "bad JSON" in err and str(bad) in err
    assert counts(db_path) == seeded


def test_bad_gzip(db_path, capsys, seeded, tmp_path):
    data = (FX / "hh_rlhf.jsonl.gz").read_bytes()
    bad = tmp_path / "hh.jsonl.gz"
    bad.write_bytes(data[: len(data) - 30])  # truncated stream
    err = fail(db_path, capsys, bad, "--format", "hh-rlhf")
    assert "undecodable input" in err and "hh.jsonl.gz" in err and "row" in err
    not_gzip = tmp_path / "plain.jsonl.gz"
    not_gzip.write_text('{"chosen": "x"}\n')
    assert "undecodable" in fail(db_path, capsys, not_gzip, "--format", "hh-rlhf")
    assert counts(db_path) == seeded


def test_wrong_format_is_a_missing_column(db_path, capsys, seeded):
    err = fail(db_path, capsys, FX / "hh_rlhf.jsonl.gz", "--format", "arena")
    assert "row 1" in err and "missing column 'question_id'" in err
    err = fail(db_path, capsys, FX / "arena.jsonl", "--format", "prd")
    assert "reads a folder" in err
    err = fail(db_path, capsys, FX / "prd", "--format", "trl")
    assert "is a folder" in err
    assert counts(db_path) == seeded


def test_missing_column_in_table(db_path, capsys, seeded):
    err = fail(db_path, capsys, FX / "table.csv", "--format", "table", "--map", "prompt=question")
    assert "row 2" in err and "field 'response_a'" in err and "missing column" in err
    assert counts(db_path) == seeded


@pytest.mark.parametrize("field,value,message", [
    ("winner", "model_c", "unknown winner value 'model_c'"),
    ("conversation_b", [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "  "}], "empty text"),
    ("conversation_a", [{"role": "user", "content": ""}, {"role": "assistant", "content": "A"}], "empty text"),
])
def test_bad_values_in_a_late_row(db_path, capsys, seeded, tmp_path, field, value, message):
    rows = arena_rows()
    rows[3][field] = value
    path = write_jsonl(tmp_path / "arena.jsonl", rows)
    err = fail(db_path, capsys, path, "--format", "arena")
    assert "row 4" in err and message in err and f"field '{field}" in err
    assert counts(db_path) == seeded


def test_unknown_winner_in_other_formats(tmp_path, store):
    before = store.table_counts()
    rows = (FX / "prd" / "ratings-human").glob("*.jsonl")
    prd = tmp_path / "prd"
    shutil.copytree(FX / "prd", prd)
    target = prd / "ratings-human" / sorted(p.name for p in rows)[0]
    target.write_text(target.read_text() + json.dumps({"question_id": 1, "text": "x", "score": 4}) + "\n")
    with pytest.raises(InputError) as exc:
        ingest(store, prd, "prd")
    assert (exc.value.row, exc.value.field) == (5, "score") and exc.value.file == str(target)
    kaggle = tmp_path / "k.csv"
    kaggle.write_text((FX / "arena_kaggle.csv").read_text().replace(",1,0,0", ",1,1,0", 1))
    with pytest.raises(InputError) as exc:
        ingest(store, kaggle, "arena-kaggle")
    assert exc.value.row == 2 and "unknown winner value" in str(exc.value)
    assert store.table_counts() == before


def test_hh_without_assistant_turn(store, tmp_path):
    path = tmp_path / "hh.jsonl.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(json.dumps({"chosen": "\n\nHuman: Hi", "rejected": "\n\nHuman: Hi\n\nAssistant: Yo"}) + "\n")
    with pytest.raises(InputError) as exc:
        ingest(store, path, "hh-rlhf")
    assert (exc.value.row, exc.value.field) == (1, "chosen")
    assert store.scalar("select count(*) from comparisons") == 0


def test_unknown_format_and_bad_map(db_path, capsys):
    with pytest.raises(SystemExit):
        main(["--db", str(db_path), "ingest", str(FX / "arena.jsonl"), "--format", "nope"])
    capsys.readouterr()
    assert "--map applies to --format table only" in fail(
        db_path, capsys, FX / "arena.jsonl", "--format", "arena", "--map", "prompt=x")
    assert "unknown field" in fail(db_path, capsys, FX / "table.csv", "--format", "table", "--map", "bogus=x")


def test_hugging_face_id_offline_gives_a_clear_error(store, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError) as exc:
        ingest(store, "no-such-owner-xyz/no-such-dataset", "arena")
    assert "cannot load Hugging Face dataset 'no-such-owner-xyz/no-such-dataset'" in str(exc.value)
    assert store.scalar("select count(*) from datasets") == 0

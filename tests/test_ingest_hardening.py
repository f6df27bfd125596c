"""Bad input that used to hang, crash or pass silently: now exit 2 naming file, row and field
(or accepted, for a BOM); `--on-bad-rows skip` with `rejected_rows`."""
from __future__ import annotations

import gzip
import json
import os
import shutil

import pytest

from prefbasis.cli import main
from prefbasis.errors import InputError
from prefbasis.ingest import ingest
from prefbasis.ingest.jsondepth import jsonl_depth_ok, line_depths
from prefbasis.ingest.sources import iter_rows
from prefbasis.store import Store

from tests.conftest import FIXTURES, shared_data

FX = FIXTURES / "ingest"


def arena_rows():
    return [json.loads(line) for line in (FX / "arena.jsonl").read_text().splitlines()]


@pytest.fixture
def seeded(db_path):
    assert main(["--db", str(db_path), "-q", "ingest", str(FX / "trl_standard.jsonl"), "--format", "trl"]) == 0
    with Store.open(db_path, read_only=True) as s:
        return s.fingerprint()


def fails(db_path, capsys, seeded, *argv) -> str:
    """Run ingest, expect exit 2 and an unchanged store; the error message."""
    code = main(["--db", str(db_path), "ingest", *map(str, argv)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    with Store.open(db_path, read_only=True) as s:
        assert s.fingerprint() == seeded
    return err


def test_fifo_device_and_fifo_in_a_prd_folder_are_refused_before_reading(db_path, capsys, seeded, tmp_path):
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    assert "a FIFO, not a regular file" in fails(db_path, capsys, seeded, fifo, "--format", "trl")
    zero = tmp_path / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    assert "a device, not a regular file" in fails(db_path, capsys, seeded, zero, "--format", "arena")
    prd = tmp_path / "prd"
    shutil.copytree(FX / "prd", prd)
    rating = next((prd / "ratings-gpt4").glob("*.jsonl"))
    rating.unlink()
    os.mkfifo(rating)
    err = fails(db_path, capsys, seeded, prd, "--format", "prd")
    assert rating.name in err and "FIFO" in err


@pytest.mark.parametrize("fmt,row", [
    ("trl", {"prompt": "a", "chosen": "x", "rejected": "y"}),
    ("hh-rlhf", {"chosen": "\n\nHuman: a\n\nAssistant: x", "rejected": "\n\nHuman: a\n\nAssistant: y"}),
    ("arena", None),
    ("table", {"prompt": "a", "response_a": "x", "response_b": "y", "winner": "a"}),
])
def test_a_leading_bom_is_accepted_in_every_format(tmp_path, fmt, row):
    row = row or arena_rows()[0]
    stored = []
    for name, bom in (("plain", b""), ("bom", b"\xef\xbb\xbf")):
        path = tmp_path / name / "data.jsonl"
        path.parent.mkdir()
        path.write_bytes(bom + json.dumps(row).encode() + b"\n")
        with Store.open(":memory:") as s:
            assert ingest(s, path, fmt).added == 1
            stored.append(s.execute("select prompt, response_a, response_b, winner, extra from comparisons").fetchall())
    assert stored[0] == stored[1]


def test_csv_with_a_bom_keeps_its_first_column(store, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfid,prompt,response_a,response_b,winner\nk1,p,x,y,a\n")
    ingest(store, path, "table")
    assert store.execute("select source_key, extra from comparisons").fetchall() == [("k1", None)]


@pytest.mark.parametrize("name", ["line4.jsonl", "line4.jsonl.gz", "line4.csv", "line4.json"])
def test_undecodable_byte_names_its_real_line(db_path, capsys, seeded, tmp_path, name):
    if name.endswith(".csv"):
        data = b"prompt,response_a,response_b,winner\np1,x,y,a\np2,x,y,a\np\xff3,x,y,a\np4,x,y,a\n"
    elif name.endswith(".json"):
        data = b'[\n{"prompt": "p1", "chosen": "x", "rejected": "y"},\n{"prompt": "p2", "chosen": "x", ' \
               b'"rejected": "y"},\n{"prompt": "p\xff3", "chosen": "x", "rejected": "y"}\n]\n'
    else:
        lines = [json.dumps({"prompt": f"p{i}", "chosen": "x", "rejected": "y"}).encode() for i in range(6)]
        lines[3] = lines[3].replace(b"p3", b"p\xff3")
        data = b"\n".join(lines) + b"\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    err = fails(db_path, capsys, seeded, path, "--format", "table" if name.endswith(".csv") else "trl")
    assert "row 4" in err and "not UTF-8: byte 0xff" in err


@pytest.mark.parametrize("fmt,text,field", [
    ("trl", '{"prompt": "a\\ud800", "chosen": "x", "rejected": "y"}', "prompt"),
    ("arena", None, "judge"),
])
def test_lone_surrogate_is_a_clean_error(db_path, capsys, seeded, tmp_path, fmt, text, field):
    if text is None:
        row = arena_rows()[0]
        text = json.dumps(row).replace(f'"judge": "{row["judge"]}"', '"judge": "j\\ud800"')
    path = tmp_path / "s.jsonl"
    path.write_text(text + "\n")
    err = fails(db_path, capsys, seeded, path, "--format", fmt)
    assert f"field '{field}'" in err and "lone surrogate \\ud800" in err


@pytest.mark.parametrize("fmt", ["arena", "trl", "table"])
def test_deeply_nested_json_is_refused_not_a_crash(db_path, capsys, seeded, tmp_path, fmt):
    base = {"arena": arena_rows()[0], "trl": {"prompt": "a", "chosen": "x", "rejected": "y"},
            "table": {"prompt": "a", "response_a": "x", "response_b": "y", "winner": "a"}}[fmt]
    path = tmp_path / "deep.jsonl"
    path.write_text(json.dumps(base)[:-1] + ', "z": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    assert "nested deeper than 64 levels" in fails(db_path, capsys, seeded, path, "--format", fmt)
    path.write_text(json.dumps(base)[:-1] + ', "z": ' + "[" * 70 + "]" * 70 + "}\n")
    assert "row 1" in fails(db_path, capsys, seeded, path, "--format", fmt)


def test_depth_scan_sees_through_strings_and_escapes(tmp_path):
    assert line_depths(b'{"a": "[[[[\\"]]]", "b": [[1]]}\n') == (0, 3)
    assert line_depths(b'{"a": "\\\\", "b": [[[1]]]}\n') == (0, 4)
    path = tmp_path / "x.jsonl"
    path.write_text('{"s": "' + "[" * 500 + '"}\n')  # brackets inside a string are not nesting
    assert jsonl_depth_ok(path)
    path.write_text('{"s": "\\"", "d": ' + "[" * 65 + "]" * 65 + "}\n")  # an escaped quote hides nothing
    assert not jsonl_depth_ok(path)


@pytest.mark.parametrize("value", ["Infinity", "1e12", "-1", "2.5", '"many"'])
def test_turns_out_of_range_is_a_clean_error(db_path, capsys, seeded, tmp_path, value):
    path = tmp_path / "t.jsonl"
    path.write_text('{"prompt": "a", "response_a": "x", "response_b": "y", "winner": "a", "turns": %s}\n' % value)
    assert "field 'turns'" in fails(db_path, capsys, seeded, path, "--format", "table")


def test_arena_turn_out_of_range_is_counted_from_the_conversation(store, tmp_path):
    rows = arena_rows()[:2]
    rows[0]["turn"], rows[1]["turn"] = 1e12, float("inf")
    path = tmp_path / "turns.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest(store, path, "arena")
    assert store.scalar("select max(turns) from comparisons") < 10


def test_empty_file_and_prd_without_generations_are_errors(db_path, capsys, seeded, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert "no rows" in fails(db_path, capsys, seeded, empty, "--format", "trl")
    blank = tmp_path / "blank.csv"
    blank.write_text("prompt,response_a,response_b,winner\n")
    assert "no rows" in fails(db_path, capsys, seeded, blank, "--format", "table")
    prd = tmp_path / "prd"
    shutil.copytree(FX / "prd", prd)
    shutil.rmtree(prd / "generations")
    assert "generations/ is missing" in fails(db_path, capsys, seeded, prd, "--format", "prd")


def test_csv_cells_up_to_the_row_limit(store, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("prompt,response_a,response_b,winner\np," + "x" * 300_000 + ",y,a\n")
    assert ingest(store, path, "table").added == 1
    assert store.scalar("select length(response_a) from comparisons") == 300_000


def test_crlf_line_endings_read_the_same(store, tmp_path):
    lf = (FX / "trl_standard.jsonl").read_bytes()
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(lf.replace(b"\n", b"\r\n"))
    assert [r for _, r in iter_rows(path)] == [r for _, r in iter_rows(FX / "trl_standard.jsonl")]


# -- --on-bad-rows ----------------------------------------------------------------------------------
def bad_table(tmp_path):
    rows = [{"prompt": f"p{i}", "response_a": f"a{i}", "response_b": f"b{i}", "winner": "a"} for i in range(6)]
    rows[1]["response_a"] = ""
    rows[4]["winner"] = "maybe"
    lines = [json.dumps(r) for r in rows]
    lines.insert(3, '{"prompt": "broken')   # line 4: bad JSON
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_on_bad_rows_error_is_the_default_and_writes_nothing(db_path, capsys, seeded, tmp_path):
    err = fails(db_path, capsys, seeded, bad_table(tmp_path), "--format", "table")
    assert "row 2, field 'response_a': empty text" in err


def test_on_bad_rows_skip_reports_counts_and_keeps_each_row(db_path, capsys, tmp_path):
    path = bad_table(tmp_path)
    assert main(["--db", str(db_path), "ingest", str(path), "--format", "table", "--on-bad-rows", "skip"]) == 0
    out = capsys.readouterr().out
    assert "read 7 rows: added 4, duplicates 0, rejected 3" in out
    assert f"skipped: {path}, row 2, field 'response_a': empty text" in out
    assert f"skipped: {path}, row 4: bad JSON" in out
    assert f"skipped: {path}, row 6, field 'winner': unknown winner value 'maybe'" in out
    with Store.open(db_path, read_only=True) as s:
        rows = s.execute("select file, row_number, field, reason, raw from rejected_rows order by row_number").fetchall()
        assert [(r[1], r[2]) for r in rows] == [(2, "response_a"), (4, None), (6, "winner")]
        assert rows[0][0] == str(path) and json.loads(rows[0][4])["prompt"] == "p1"
        assert rows[1][4] == '{"prompt": "broken\n'
        assert s.scalar("select count(*) from comparisons") == 4
        dataset = s.scalar("select dataset_id from datasets")
        assert s.scalar("select count(distinct dataset_id) from rejected_rows") == 1 and \
            s.scalar("select dataset_id from rejected_rows limit 1") == dataset
    # again: nothing new, the rejected rows replace themselves
    assert main(["--db", str(db_path), "-q", "ingest", str(path), "--format", "table", "--on-bad-rows", "skip"]) == 0
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from rejected_rows") == 3 and s.scalar("select count(*) from comparisons") == 4


def test_on_bad_rows_skip_still_stops_on_damage_and_on_all_rows_bad(db_path, capsys, seeded, tmp_path):
    data = (FX / "hh_rlhf.jsonl.gz").read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[:-30])
    assert "undecodable input" in fails(db_path, capsys, seeded, cut, "--format", "hh-rlhf", "--on-bad-rows", "skip")
    allbad = tmp_path / "allbad.jsonl"
    allbad.write_text('{"prompt": ""}\n{"x": 1}\n')
    assert "all 2 rows were rejected" in fails(db_path, capsys, seeded, allbad, "--format", "trl",
                                               "--on-bad-rows", "skip")


def test_on_bad_rows_skip_in_a_prd_folder(store, tmp_path):
    prd = tmp_path / "prd"
    shutil.copytree(FX / "prd", prd)
    rating = next((prd / "ratings-gpt4").glob("*.jsonl"))
    lines = rating.read_text().splitlines()
    lines[0] = json.dumps(dict(json.loads(lines[0]), score=7))
    rating.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="score"):
        ingest(store, prd, "prd")
    report = ingest(store, prd, "prd", on_bad_rows="skip")
    assert len(report.rejected) == 1 and report.rejected[0].error.field == "score"
    assert store.scalar("select count(*) from rejected_rows where file = ?", [str(rating)]) == 1


def test_pandalm_skip_ingests_the_rest_and_without_skip_writes_nothing(db_path, capsys):
    src = shared_data("pandalm", "pandalm_testset.jsonl.gz")
    assert main(["--db", str(db_path), "-q", "ingest", str(FX / "trl_standard.jsonl"), "--format", "trl"]) == 0
    before_bytes = db_path.read_bytes()
    assert main(["--db", str(db_path), "ingest", str(src), "--format", "table"]) == 2
    assert "row 19, field 'response_a': empty text" in capsys.readouterr().err
    assert db_path.read_bytes() == before_bytes
    assert main(["--db", str(db_path), "ingest", str(src), "--format", "table", "--on-bad-rows", "skip"]) == 0
    out = capsys.readouterr().out
    with Store.open(db_path, read_only=True) as s:
        rejected = s.scalar("select count(*) from rejected_rows")
        added = s.scalar("select n_rows from datasets where name = 'pandalm_testset'")
    assert rejected > 0 and added + rejected == 1960
    assert f"read 1960 rows: added {added}, duplicates 0, rejected {rejected}" in out
    assert out.count("skipped: ") == rejected

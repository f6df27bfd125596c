"""Property-based fuzzing (Hypothesis, derandomized = seeded, bounded): every ingest format with
mutated fixtures exits 0 or 2, never with a traceback, and an exit 2 leaves the store file byte
for byte as it was (and its row counts and content checksum); `query` refuses every statement of
a corpus of write/escape attempts, in many spellings, and leaves the file system as it was.

Files: JSONL, JSON lists and CSV, plain or gzipped; the PRD folder with one of its files mutated.
Mutations: truncation, byte flips and inserts (NUL, 0xff), a BOM, CRLF, gzip, odd keys (SQL,
quotes, empty, long, non-ASCII), nulls, wrong types, huge values (up to 300 KB) and deep values
(up to 100,000 levels), lone surrogates, NaN/Infinity; optionally `--on-bad-rows skip`.
"""
from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prefbasis.cli import main
from prefbasis.store import Store

from tests.conftest import FIXTURES

FX = FIXTURES / "ingest"
# Seeded (derandomized) and small, so `make test` stays fast; PREFBASIS_FUZZ_SCALE=20 (say) runs
# 20 times as many examples for a longer hunt.
SCALE = max(1, int(os.environ.get("PREFBASIS_FUZZ_SCALE", "1")))
EXAMPLES = 12 * SCALE          # per ingest target (9 targets)
QUERY_SPELLINGS = 40 * SCALE   # query attempts in other spellings, through the CLI (the corpus itself: all of it)
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=list(HealthCheck))

ODD_KEYS = ['x" := (select string_agg(content, \'\') from read_text(\'secret.txt\')), --', "", " ", '"', "'",
            "a.b", "$.x", "\\", "🙂", "x" * 300, "id", "winner", "Prompt", "\u202e", "null", "1=1) --"]
HUGE = 300_000


def _value(kind: str, n: int):
    """A replacement value; deep ones are placeholders the serializer expands as text."""
    return {"null": None, "int": n, "float": n + 0.5, "bool": bool(n % 2), "list": [n, "x"], "dict": {"k": n},
            "empty": "", "huge": "y" * HUGE, "control": "a\x00\x1b[31m\x07b", "surrogate": "__SURROGATE__",
            "nan": float("nan"), "inf": float("inf"), "big": 10**30, "deep": f"__DEEP_{n}__"}[kind]


VALUES = st.sampled_from(["null", "int", "float", "bool", "list", "dict", "empty", "huge", "control",
                          "surrogate", "nan", "inf", "big", "deep"])
DEPTHS = st.sampled_from([3, 63, 64, 65, 1_000, 100_000])


def _dumps(row) -> str:
    text = json.dumps(row, allow_nan=True)
    text = text.replace('"__SURROGATE__"', '"x\\ud800y"')
    while "__DEEP_" in text:
        start = text.index('"__DEEP_')
        end = text.index('__"', start) + 3
        n = int(text[start + 8:end - 3])
        text = text[:start] + "[" * n + "]" * n + text[end:]
    return text


@st.composite
def row_edits(draw, rows: list[dict]):
    """A list of structured edits to JSON rows: (row index, action, key, value kind, n)."""
    edits = []
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(rows) - 1))
        keys = list(rows[i]) or ["x"]
        action = draw(st.sampled_from(["set", "add_key", "drop", "duplicate", "not_object"]))
        key = draw(st.sampled_from(keys)) if action in ("set", "drop") else draw(st.sampled_from(ODD_KEYS))
        edits.append((i, action, key, draw(VALUES), draw(DEPTHS)))
    return edits


def apply_row_edits(rows: list[dict], edits) -> list:
    rows = [dict(r) for r in rows]
    for i, action, key, kind, n in edits:
        if not isinstance(rows[i], dict):
            continue
        if action in ("set", "add_key"):
            rows[i][key] = _value(kind, n)
        elif action == "drop":
            rows[i].pop(key, None)
        elif action == "duplicate":
            rows.append(rows[i])
        else:
            rows[i] = _value(kind, n) if kind != "dict" else [rows[i]]
    return rows


@st.composite
def byte_edits(draw):
    """Byte-level damage: (action, position in [0, 1), byte)."""
    return [(draw(st.sampled_from(["truncate", "flip", "insert", "delete", "bom", "crlf", "nul"])),
             draw(st.floats(0, 1)), draw(st.integers(0, 255))) for _ in range(draw(st.integers(0, 2)))]


def apply_byte_edits(data: bytes, edits) -> bytes:
    for action, where, byte in edits:
        at = int(where * len(data))
        if action == "truncate":
            data = data[:at]
        elif action == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([byte]) + data[at + 1:]
        elif action == "insert":
            data = data[:at] + bytes([byte, 0xFF]) + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + 1 + byte % 16:]
        elif action == "bom":
            data = b"\xef\xbb\xbf" + data
        elif action == "crlf":
            data = data.replace(b"\n", b"\r\n")
        else:
            data = data[:at] + b"\x00" + data[at:]
    return data


def jsonl_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        if v.startswith("__DEEP_"):
            n = int(v[7:-2])
            return "[" * n + "]" * n
        return "x\ud800y" if v == "__SURROGATE__" else v
    return json.dumps(v) if isinstance(v, (list, dict)) else str(v)


def to_csv(rows: list) -> str:
    keys = list(dict.fromkeys(k for r in rows if isinstance(r, dict) for k in r))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(keys)
    for r in rows:
        r = r if isinstance(r, dict) else {}
        writer.writerow([_cell(r.get(k)) for k in keys])
    return out.getvalue()


class Target:
    """One store per format; `check(code)` asserts the exit-2 contract and follows exit-0 changes."""

    def __init__(self, name: str) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"pb-fuzz-{name}-"))
        self.db = self.dir / "store.duckdb"
        self.runs = 0
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["--db", str(self.db), "-q", "ingest", str(FX / "trl_standard.jsonl"), "--format", "trl"]) == 0
        self.snapshot()

    def snapshot(self) -> None:
        self.bytes = hashlib.sha256(self.db.read_bytes()).hexdigest()
        with Store.open(self.db, read_only=True) as s:
            self.print = s.fingerprint()

    def ingest(self, path: Path, fmt: str, skip: bool) -> int:
        self.runs += 1
        argv = ["--db", str(self.db), "-q", "ingest", str(path), "--format", fmt]
        if skip:
            argv += ["--on-bad-rows", "skip"]
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(argv)  # anything but a PrefbasisError propagates: a traceback fails the test
        assert code in (0, 2), (code, err.getvalue())
        if code == 2:
            assert hashlib.sha256(self.db.read_bytes()).hexdigest() == self.bytes, err.getvalue()
            with Store.open(self.db, read_only=True) as s:
                assert s.fingerprint() == self.print
            assert "error:" in err.getvalue()
        else:
            self.snapshot()
        return code


TARGETS: dict[str, Target] = {}


@pytest.fixture(scope="module", autouse=True)
def _clean_up():
    """The stores and the mutated files go when the module is done (they can be many MB)."""
    yield
    for tgt in TARGETS.values():
        shutil.rmtree(tgt.dir, ignore_errors=True)
    TARGETS.clear()


def target(name: str) -> Target:
    if name not in TARGETS:
        TARGETS[name] = Target(name)
    return TARGETS[name]


JSON_SOURCES = {"arena": FX / "arena.jsonl", "arena-100k": FX / "arena_100k.jsonl", "hh-rlhf": FX / "hh_rlhf.jsonl.gz",
                "trl": FX / "trl_conversational.jsonl", "table": FX / "table.csv"}


@pytest.mark.parametrize("fmt", sorted(JSON_SOURCES))
def test_fuzz_ingest_json_lines(fmt):
    source = JSON_SOURCES[fmt]
    rows = csv_rows(source) if source.suffix == ".csv" else jsonl_rows(source)
    tgt = target(fmt)

    @FUZZ
    @given(edits=row_edits(rows), damage=byte_edits(), gz=st.booleans(), as_list=st.booleans(), skip=st.booleans())
    def run(edits, damage, gz, as_list, skip):
        edited = apply_row_edits(rows, edits)
        text = ("[\n" + ",\n".join(map(_dumps, edited)) + "\n]\n") if as_list else \
            "".join(_dumps(r) + "\n" for r in edited)
        data = apply_byte_edits(text.encode("utf-8", "surrogatepass"), damage)
        path = Path(tempfile.mkdtemp(dir=tgt.dir)) / f"case.json{'' if as_list else 'l'}{'.gz' if gz else ''}"
        path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
        tgt.ingest(path, fmt, skip)
        shutil.rmtree(path.parent)

    run()
    assert tgt.runs >= EXAMPLES


CSV_SOURCES = {"arena-kaggle": FX / "arena_kaggle.csv", "table": FX / "table.csv"}


@pytest.mark.parametrize("fmt", sorted(CSV_SOURCES))
def test_fuzz_ingest_csv(fmt):
    rows = csv_rows(CSV_SOURCES[fmt])
    tgt = target(fmt + "-csv")

    @FUZZ
    @given(edits=row_edits(rows), damage=byte_edits(), skip=st.booleans())
    def run(edits, damage, skip):
        data = apply_byte_edits(to_csv(apply_row_edits(rows, edits)).encode("utf-8", "surrogatepass"), damage)
        path = Path(tempfile.mkdtemp(dir=tgt.dir)) / "case.csv"
        path.write_bytes(data)
        tgt.ingest(path, fmt, skip)
        shutil.rmtree(path.parent)

    run()
    assert tgt.runs >= EXAMPLES


def test_fuzz_ingest_prd_folder():
    tgt = target("prd")
    files = sorted(p.relative_to(FX / "prd") for p in (FX / "prd").rglob("*.jsonl"))

    @FUZZ
    @given(which=st.sampled_from(files), edits=st.data(), damage=byte_edits(), skip=st.booleans())
    def run(which, edits, damage, skip):
        folder = Path(tempfile.mkdtemp(dir=tgt.dir)) / "prd"
        shutil.copytree(FX / "prd", folder)
        rows = jsonl_rows(folder / which)
        text = "".join(_dumps(r) + "\n" for r in apply_row_edits(rows, edits.draw(row_edits(rows))))
        (folder / which).write_bytes(apply_byte_edits(text.encode("utf-8", "surrogatepass"), damage))
        tgt.ingest(folder, "prd", skip)
        shutil.rmtree(folder.parent)

    run()
    assert tgt.runs >= EXAMPLES


# -- query ------------------------------------------------------------------------------------------
ATTEMPTS = [
    "copy (select 'x') to '{d}/victim.txt' (header false)",
    "explain analyze copy (select 'x') to '{d}/victim.txt' (header false)",
    "explain analyze copy comparisons to '{d}/comparisons.parquet' (format parquet)",
    "explain (format json, analyze) copy (select 1) to '{d}/victim.txt'",
    "copy comparisons from '{d}/x.csv'",
    "pragma import_database('{d}/imp')",
    "import database '{d}/imp'",
    "export database '{d}/exported'",
    "explain analyze install httpfs", "install httpfs", "force install json", "load httpfs", "update extensions",
    "explain analyze set threads=1", "set threads = 1", "reset threads", "set enable_external_access = true",
    "set lock_configuration = false", "set variable x = 1", "use memory",
    "attach '{d}/other.duckdb' as o", "detach memory",
    "create table t as select 1", "create temp table t(x int)", "create view v as select 1", "create macro m() as 1",
    "create secret (type s3, key_id 'a', secret 'b')",
    "insert into datasets(dataset_id, name, source, format) values ('x', 'x', 'x', 'x')",
    "with a as (select 1) insert into datasets(dataset_id) select * from a",
    "update comparisons set winner = 'a'", "delete from comparisons", "drop table comparisons",
    "alter table comparisons add column z int", "truncate comparisons",
    "checkpoint", "force checkpoint", "vacuum", "analyze", "call pragma_version()", "pragma version",
    "begin transaction", "commit", "rollback", "prepare p as select 1", "execute p",
    "select * from query('copy (select 1) to ''{d}/victim.txt''')",
    "select * from read_csv('https://example.com/x.csv')",
]
NO_FILES_ATTEMPTS = ["select * from read_text('{d}/secret.txt')", "select * from read_csv('{d}/x.csv')",
                     "select count(*) from glob('{d}/*')", "from read_parquet('{d}/*.parquet')",
                     "select * from read_json_auto('{d}/x.json')"]


@st.composite
def spellings(draw, statement: str):
    """The same statement spelled another way: case, comments, a harmless statement first, EXPLAIN."""
    sql = statement
    if draw(st.booleans()):
        sql = sql.upper() if draw(st.booleans()) else sql.title()
    prefix = draw(st.sampled_from(["", "  ", "-- note\n", "/* c */ ", "select 1; ", "\n\t"]))
    wrap = draw(st.sampled_from(["", "explain ", "explain analyze ", "explain /**/ analyze ", "EXPLAIN\nANALYZE "]))
    suffix = draw(st.sampled_from(["", ";", " -- trailing", ";;", " /* x */"]))
    return prefix + wrap + sql + suffix


@pytest.fixture(scope="module")
def query_target():
    tgt = TARGETS["query"] = Target("query")
    d = tgt.dir
    (d / "victim.txt").write_text("original\n")
    (d / "secret.txt").write_text("TOPSECRET-42\n")
    (d / "x.csv").write_text("a,b\n1,2\n")
    (d / "x.json").write_text('{"a": 1}\n')
    (d / "imp").mkdir()
    (d / "imp" / "schema.sql").write_text(f"COPY (select 'pwned') TO '{d}/pwn.txt';\n")
    return tgt


def tree(folder: Path):
    return sorted((str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
                  for p in folder.rglob("*") if ".tmp" not in p.parts)


def run_query_cli(tgt: Target, sql: str, no_files: bool) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["--db", str(tgt.db), "query", *(["--no-files"] if no_files else []), sql])
    return code, err.getvalue()


def test_fuzz_query_refuses_write_and_escape_attempts(query_target):
    from prefbasis.errors import QueryError
    from prefbasis.query import QueryConfig, open_query_store, run_query

    tgt = query_target
    before = tree(tgt.dir)
    corpus = [(a, False) for a in ATTEMPTS] + [(a, True) for a in NO_FILES_ATTEMPTS + ATTEMPTS]
    for no_files in (False, True):  # every attempt as written, on the library's locked store
        with open_query_store(tgt.db, QueryConfig(no_files=no_files)) as store:
            for statement, mode in corpus:
                if mode is no_files:
                    with pytest.raises(QueryError):
                        run_query(store, statement.format(d=tgt.dir), config=QueryConfig(no_files=no_files))

    @settings(max_examples=QUERY_SPELLINGS, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data(), pick=st.integers(0, len(corpus) - 1))
    def run(data, pick):  # and in other spellings, through the CLI
        statement, no_files = corpus[pick]
        sql = data.draw(spellings(statement.format(d=tgt.dir)))
        code, err = run_query_cli(tgt, sql, no_files)
        assert code == 2, (sql, err)
        assert "Traceback" not in err
        tgt.runs += 1

    run()
    assert tgt.runs >= QUERY_SPELLINGS
    assert tree(tgt.dir) == before
    with Store.open(tgt.db, read_only=True) as s:
        assert s.fingerprint() == tgt.print

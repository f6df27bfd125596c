"""Security at the boundary (docs/security.md): user SQL, data that looks like SQL, secrets."""
from __future__ import annotations

import json
import os

import duckdb
import pytest

from prefbasis.cli import main
from prefbasis.errors import ConfigError, QueryError
from prefbasis.query import QueryConfig, open_query_store, run_query
from prefbasis.redact import REDACTED, Redactor, redact
from prefbasis.sqlcheck import read_only_statements, where_condition
from prefbasis.store import Store, quote_ident
from prefbasis.store.lockdown import files_allowed, is_locked, lock_connection

from tests.annotate_helpers import add_comparisons
from tests.conftest import FIXTURES
from tests.fault_server import FaultServer

KEY = "sk-test-SECRET-0123456789"


@pytest.fixture
def workdir(tmp_path, db_path, monkeypatch):
    """A store with one dataset, a victim file, a secret file and a CSV, in the working directory."""
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(db_path), "-q", "ingest", str(FIXTURES / "ingest" / "trl_standard.jsonl"),
                 "--format", "trl"]) == 0
    (tmp_path / "victim.txt").write_text("original\n")
    (tmp_path / "secret.txt").write_text("TOPSECRET-42\n")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    (tmp_path / "imp").mkdir()
    (tmp_path / "imp" / "schema.sql").write_text("COPY (select 'pwned') TO 'pwn.txt';\n")
    return tmp_path


def listing(folder):
    return sorted((str(p.relative_to(folder)), p.read_bytes() if p.is_file() else b"")
                  for p in folder.rglob("*") if "duckdb" not in p.name and ".tmp" not in p.parts)


ATTACKS = [
    "explain analyze copy (select 'x') to 'victim.txt' (header false)",
    "explain analyze copy comparisons to 'comparisons.parquet' (format parquet)",
    "pragma import_database('imp')",
    "explain analyze install httpfs",
    "explain analyze set threads=1",
    "update extensions",
    "copy (select 1) to 'victim.txt'",
    "select 1; copy (select 1) to 'victim.txt'",
    "explain (format json, analyze) copy (select 1) to 'victim.txt'",
    "explain /* hidden */ analyze copy (select 1) to 'victim.txt'",
    "export database 'exported'",
    "attach 'other.duckdb' as o",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "set lock_configuration = false",
    "call pragma_version()",
    "pragma version",
    "checkpoint",
    "insert into datasets(dataset_id, name, source, format) values ('x', 'x', 'x', 'x')",
    "with a as (select 1) insert into datasets(dataset_id) select * from a",
    "create table t as select 1",
    "delete from comparisons",
    "select * from query('copy (select 1) to ''victim.txt''')",
]


@pytest.mark.parametrize("sql", ATTACKS)
def test_query_refuses_every_write_and_escape(workdir, db_path, capsys, sql):
    before_files = listing(workdir)
    with Store.open(db_path, read_only=True) as s:
        before = s.fingerprint()
    assert main(["--db", str(db_path), "query", sql]) == 2
    assert "error" in capsys.readouterr().err
    assert listing(workdir) == before_files
    with Store.open(db_path, read_only=True) as s:
        assert s.fingerprint() == before


@pytest.mark.parametrize("sql", ["select count(*) from comparisons", "with a as (select 1 as x) select * from a",
                                 "describe comparisons", "show tables", "summarize datasets",
                                 "pivot comparisons on winner using count(*)", "explain select * from comparisons",
                                 "from comparisons limit 1", "select * from read_csv('x.csv')"])
def test_query_allows_plain_reads_and_local_files(workdir, db_path, capsys, sql):
    assert main(["--db", str(db_path), "query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip()


@pytest.mark.parametrize("sql", ["select * from read_csv('x.csv')", "select * from read_text('secret.txt')",
                                 "select count(*) from glob('*')", "select * from read_parquet('x.parquet')"])
def test_no_files_makes_reading_files_impossible(workdir, db_path, capsys, sql):
    assert main(["--db", str(db_path), "query", "--no-files", sql]) == 2
    err = capsys.readouterr().err
    assert "disabled by configuration" in err and "TOPSECRET" not in err


def test_the_locked_connection_stops_what_the_allow_list_would_miss(workdir, db_path):
    """Below the allow-list, DuckDB's own settings refuse configuration changes, extensions, the
    network, and (with no_files) every file outside the store, COPY included."""
    for no_files in (False, True):
        with open_query_store(db_path, QueryConfig(no_files=no_files)) as store:
            con = store.con
            assert is_locked(con) and files_allowed(con) is not no_files
            for sql in ("set threads = 1", "set enable_external_access = true", "load httpfs",
                        "install httpfs", "select * from read_csv('https://example.com/x.csv')"):
                with pytest.raises(duckdb.Error):
                    con.execute(sql)
            if no_files:
                for sql in ("copy (select 1) to 'victim.txt'", "select * from read_text('secret.txt')",
                            "attach 'other.duckdb' as o"):
                    with pytest.raises(duckdb.Error, match="disabled by configuration"):
                        con.execute(sql)
    assert (workdir / "victim.txt").read_text() == "original\n"


def test_run_query_on_a_writable_store_locks_it_and_rolls_back(store):
    df = run_query(store, "select 41 + 1 as x")
    assert int(df.x[0]) == 42 and is_locked(store.con)
    with store.transaction() as con:  # the store still works for prefbasis's own writes
        con.execute("insert into datasets(dataset_id, name, source, format) values ('d', 'd', 's', 'table')")
    assert store.scalar("select count(*) from datasets") == 1
    with pytest.raises(QueryError, match="no_files"):
        run_query(store, "select 1", config=QueryConfig(no_files=True))
    with pytest.raises(QueryError, match="read-only"):
        run_query(store, "delete from datasets")


def test_lock_connection_is_idempotent():
    con = duckdb.connect()
    lock_connection(con, files=False)
    lock_connection(con, files=True)  # already locked: left as it is
    assert not files_allowed(con)


def test_statement_names_for_types_python_cannot_name():
    with pytest.raises(QueryError, match="UPDATE EXTENSIONS"):
        read_only_statements(duckdb.connect(), "update extensions")


def test_quote_ident_follows_duckdb_rules():
    con = duckdb.connect()
    odd = 'x" := (select 1), --'
    con.execute(f"create table t({quote_ident(odd)} integer)")
    assert con.execute("select column_name from information_schema.columns where table_name = 't'").fetchall() == [(odd,)]
    with pytest.raises(ValueError):
        quote_ident("a\x00b")


def test_fast_path_keeps_an_sql_looking_key_as_data(tmp_path, store, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text("TOPSECRET-42\n")
    key = "x\" := (select string_agg(content,'') from read_text('secret.txt')), --"
    rows = [json.loads(line) for line in (FIXTURES / "ingest" / "arena.jsonl").read_text().splitlines()]
    rows[0][key] = "harmless"
    path = tmp_path / "inject.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    from prefbasis.ingest import ingest

    assert ingest(store, path, "arena").added == len(rows)
    assert store.scalar("select count(*) from comparisons where extra::varchar like '%TOPSECRET%'") == 0
    assert store.scalar("select count(*) from comparisons where json_extract_string(extra, ?) = 'harmless'",
                        ["$." + json.dumps(key)]) == 1


@pytest.mark.parametrize("bad", ["1=1) --", "true) or (true", "1=1; drop table comparisons", "", "1=1 /*",
                                 "c.x = 1, c.y = 2", "select 1"])
def test_where_is_one_expression(bad):
    with pytest.raises(ConfigError, match="one SQL condition|empty"):
        where_condition(bad)


def test_where_keeps_a_valid_condition_and_drops_trailing_comments():
    assert where_condition("c.winner = 'a' -- only a") == "c.winner = 'a'"
    assert where_condition("c.prompt like '%)%'") == "c.prompt like '%)%'"


def test_annotate_where_cannot_comment_out_the_filters(db_path, capsys):
    with Store.open(db_path) as s:
        add_comparisons(s, 3, ties=2)
        before = s.fingerprint()
    assert main(["--db", str(db_path), "annotate", "--annotator", "rationale", "--where", "1=1) --"]) == 2
    assert "one SQL condition" in capsys.readouterr().err
    with Store.open(db_path, read_only=True) as s:
        assert s.fingerprint() == before


def test_redact_values_and_bearer_tokens():
    text = f'{{"error": "bad key {KEY}", "header": "Authorization: Bearer {KEY}", "other": "bearer abc.def"}}'
    out = redact(text, [KEY])
    assert KEY not in out and "abc.def" not in out and out.count(REDACTED) == 3
    assert redact("no secrets here", ["x"]) == "no secrets here"  # values under 4 characters are not secrets
    os.environ["PB_TEST_KEY"] = KEY
    try:
        assert Redactor(("PB_TEST_KEY",)).value({"a": [f"k={KEY}"], "n": 1}) == {"a": [f"k={REDACTED}"], "n": 1}
    finally:
        del os.environ["PB_TEST_KEY"]


@pytest.mark.parametrize("fault", ["401_echo", "500_echo"])
def test_key_echoed_by_the_server_is_never_stored_or_printed_and_all_failed_exits_2(
        db_path, capsys, monkeypatch, fault):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with Store.open(db_path) as s:
        add_comparisons(s, 4)
    srv = FaultServer(default=fault).start()
    try:
        code = main(["--db", str(db_path), "annotate", "--base-url", srv.url, "--model", "m",
                     "--max-retries", "1", "--concurrency", "2"])
    finally:
        srv.stop()
    out = capsys.readouterr()
    assert code == 2 and "every request failed" in out.err
    assert KEY not in out.out + out.err and REDACTED in out.err
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from annotation_failures") == 4
        for table in ("annotation_failures", "annotate_cache", "annotations", "annotate_runs"):
            assert s.scalar(f"select count(*) from {table} t where t::varchar like ?", [f"%{KEY}%"]) == 0
        assert s.scalar("select count(*) from annotation_failures where error like ?", [f"%{REDACTED}%"]) == 4


def test_key_echoed_by_the_model_is_redacted_before_it_is_stored(db_path, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with Store.open(db_path) as s:
        add_comparisons(s, 3)
    srv = FaultServer(default="echo_key").start()
    try:
        assert main(["--db", str(db_path), "annotate", "--base-url", srv.url, "--model", "m"]) == 0
    finally:
        srv.stop()
    assert KEY not in "".join(capsys.readouterr())
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from annotations where description like ?", [f"%{REDACTED}%"]) == 3
        for table in ("annotate_cache", "annotations"):
            assert s.scalar(f"select count(*) from {table} t where t::varchar like ?", [f"%{KEY}%"]) == 0

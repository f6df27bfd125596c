"""The store: migrations, version refusal, transactions, second writer, read-only query."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from prefbasis.cli import main
from prefbasis.errors import QueryError, StoreError, StoreInUseError
from prefbasis.query import run_query
from prefbasis.store import Store, latest_version


def test_new_store_has_latest_schema_and_public_tables(store):
    assert store.schema_version() == latest_version()
    tables = set(store.df("select table_name from information_schema.tables").table_name)
    for name in ("datasets", "comparisons", "annotations", "bases", "categories"):
        assert name in tables


def test_old_store_upgrades(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    from prefbasis.store.migrations import MIGRATIONS

    con.execute(MIGRATIONS[0].sql())
    con.execute("create table schema_migrations(version integer primary key, name varchar, "
                "applied_at timestamp default current_timestamp)")
    con.execute("insert into schema_migrations(version, name) values (1, 'core')")
    con.close()
    with Store.open(path) as s:
        assert s.schema_version() == latest_version()


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("insert into schema_migrations(version, name) values (999, 'future')")
    con.close()
    with pytest.raises(StoreError, match="newer than this prefbasis"):
        Store.open(path)


def test_transaction_rolls_back_everything(store):
    before = store.table_counts()
    with pytest.raises(RuntimeError):
        with store.transaction() as con:
            con.execute("insert into datasets(dataset_id, name, source, format) values ('x','x','x','table')")
            raise RuntimeError("boom")
    assert store.table_counts() == before


def test_second_writer_gets_store_in_use(tmp_path):
    path = tmp_path / "busy.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(30)",
         str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreInUseError, match="store is in use"):
            Store.open(path)
    finally:
        holder.kill()
        holder.wait()


def test_query_refuses_writes_and_binds_params(store):
    with pytest.raises(QueryError, match="read-only"):
        run_query(store, "delete from comparisons")
    with pytest.raises(QueryError, match="read-only"):
        run_query(store, "select 1; drop table datasets")
    df = run_query(store, "select $word || '!' as w, $n * 2 as n", {"word": "x'; drop table datasets; --", "n": "21"})
    assert df.w[0] == "x'; drop table datasets; --!" and df.n[0] == 42
    assert "datasets" in set(store.df("select table_name from information_schema.tables").table_name)


def test_cli_query_exit_codes(db_path, capsys):
    Store.open(db_path).close()
    assert main(["--db", str(db_path), "query", "select count(*) as n from comparisons", "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == ["n", "0"]
    assert main(["--db", str(db_path), "query", "select nope from comparisons"]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["--db", str(db_path), "query", "insert into datasets values (1)"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["--db", str(db_path / "missing"), "query", "select 1"]) == 2

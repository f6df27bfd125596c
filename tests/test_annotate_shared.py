"""Comparisons with identical content share one cache entry and one request, but each gets its
own annotation rows (within a run, across runs, across datasets)."""
from __future__ import annotations

from prefbasis.annotate import AnnotateConfig, annotate
from prefbasis.hashing import content_hash
from prefbasis.store import Store

from tests.annotate_helpers import add_comparisons
from tests.fault_server import FaultServer

COLUMNS = ("comparison_id, dataset_id, prompt, response_a, response_b, model_a, model_b, winner, judge, "
           "language, turns, rationale, presented_order, source_key, extra")


def duplicate_dataset(store, source: str, target: str) -> list[str]:
    """A copy of every comparison of `source` under dataset `target` (new ids, same content)."""
    with store.transaction() as con:
        con.execute("insert into datasets(dataset_id, name, source, format, n_rows) values (?, ?, 'copy', 'table', 0)",
                    [target, target])
        rows = con.execute("select comparison_id from comparisons where dataset_id = ?", [source]).fetchall()
        for (cid,) in rows:
            con.execute(f"insert into comparisons({COLUMNS}) select ?, ?, {COLUMNS[len('comparison_id, dataset_id, '):]} "
                        "from comparisons where comparison_id = ?", [content_hash(target, cid), target, cid])
    return [content_hash(target, cid) for (cid,) in rows]


def rows_per_comparison(store, ids):
    got = dict(store.execute("select comparison_id, count(*) from annotations group by 1").fetchall())
    return [got.get(i, 0) for i in ids]


def test_identical_content_in_one_run_is_asked_once_and_annotated_for_each(store):
    ids = add_comparisons(store, 5, dataset="d1")
    copies = duplicate_dataset(store, "d1", "d2")
    srv = FaultServer().start()
    try:
        report = annotate(store, AnnotateConfig(base_url=srv.url, model="m", concurrency=2))
        assert srv.requests == 5  # one request per distinct content
    finally:
        srv.stop()
    assert (report.selected, report.to_do, report.annotated, report.cache_hits, report.shared) == (10, 5, 5, 5, 5)
    assert rows_per_comparison(store, ids + copies) == [1] * 10
    assert store.scalar("select count(distinct annotation_id) from annotations") == 10


def test_a_second_dataset_with_the_same_content_gets_its_own_rows(store):
    ids = add_comparisons(store, 6, dataset="first")
    first = annotate(store, AnnotateConfig(annotator="rationale", dataset="first"))
    assert first.annotated == 6 and first.shared == 0
    copies = duplicate_dataset(store, "first", "second")
    second = annotate(store, AnnotateConfig(annotator="rationale", dataset="second"))
    assert (second.cache_hits, second.to_do, second.shared) == (6, 0, 6)
    assert rows_per_comparison(store, copies) == rows_per_comparison(store, ids)
    assert min(rows_per_comparison(store, copies)) >= 1
    again = annotate(store, AnnotateConfig(annotator="rationale", dataset="second"))
    assert again.shared == 0  # rows already there: nothing copied twice
    assert store.scalar("select count(*) from annotations") == 2 * sum(rows_per_comparison(store, ids))


def test_validation_failures_are_shared_too(store, db_path):
    ids = add_comparisons(store, 2, dataset="d1")
    copies = duplicate_dataset(store, "d1", "d2")
    srv = FaultServer(default="wrong_schema").start()
    try:
        report = annotate(store, AnnotateConfig(base_url=srv.url, model="m", max_retries=0))
    finally:
        srv.stop()
    assert report.failed == 2 and report.shared == 2 and report.all_failed
    got = dict(store.execute("select comparison_id, count(*) from annotation_failures "
                             "where kind = 'validation' group by 1").fetchall())
    assert [got.get(i, 0) for i in ids + copies] == [1, 1, 1, 1]


def test_cli_counts_distinct_comparisons(db_path, capsys):
    from prefbasis.cli import main

    with Store.open(db_path) as s:
        add_comparisons(s, 3, dataset="a")
        duplicate_dataset(s, "a", "b")
    assert main(["--db", str(db_path), "annotate", "--annotator", "rationale"]) == 0
    assert "3 comparisons share identical content" in capsys.readouterr().out
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(distinct comparison_id) from annotations") == 6

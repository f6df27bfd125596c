"""The openai backend against a real local HTTP server that injects faults."""
from __future__ import annotations

import logging
import os

import pytest

from annotate_helpers import add_comparisons
from fault_server import FaultServer
from prefbasis.annotate import AnnotateConfig, annotate
from prefbasis.cli import main

SECRET = "sk-test-SECRET-do-not-store-7f3a9"


@pytest.fixture
def server():
    srv = FaultServer().start()
    yield srv
    srv.stop()


def cfg(srv, **kw):
    base = dict(annotator="openai", base_url=srv.url, model="fake-model", api_key_env="PB_TEST_KEY",
                concurrency=4, timeout_s=0.5, backoff_base_s=0.01, max_retries=3)
    base.update(kw)
    return AnnotateConfig(**base)


def test_annotate_cache_and_order_randomization(store, server, monkeypatch):
    add_comparisons(store, 12, ties=2, no_text=2)
    monkeypatch.setenv("PB_TEST_KEY", SECRET)
    rep = annotate(store, cfg(server))
    assert (rep.selected, rep.annotated, rep.requests, rep.skipped_no_text) == (12, 12, 12, 2)
    assert "skipped 2 comparisons without prompt/response text" in rep.summary()
    assert server.requests == 12
    assert server.headers[0]["Authorization"] == f"Bearer {SECRET}"
    assert server.bodies[0]["response_format"]["type"] == "json_schema"
    swapped = store.df("select distinct cache_key, swapped from annotations")["swapped"]
    assert 0 < swapped.sum() < len(swapped)  # both orders occur, recorded per comparison
    # a swapped comparison shows response B first and names position 1 as the winner when B won
    row = store.df("select c.winner, a.swapped, c.response_a, c.response_b from annotations a "
                   "join comparisons c using (comparison_id) where a.swapped limit 1").iloc[0]
    body = next(b for b in server.bodies if row.response_b in b["messages"][1]["content"])
    user = body["messages"][1]["content"]
    assert user.index(row.response_b) < user.index(row.response_a)
    assert f"preferred Response {1 if row.winner == 'b' else 2}" in user
    again = annotate(store, cfg(server))
    assert again.requests == 0 and again.cache_hits == 12 and server.requests == 12
    other_seed = annotate(store, cfg(server, seed=1, limit=3))
    assert other_seed.requests == 3  # the seed is part of the cache key
    with_ties = annotate(store, cfg(server, include_ties=True))
    assert with_ties.requests == 2 and with_ties.cache_hits == 12


def test_high_concurrency_sharded_pools_and_batched_commits(store, server):
    add_comparisons(store, 120)
    rep = annotate(store, cfg(server, concurrency=20, timeout_s=5))  # 3 pools of 7 connections
    assert (rep.annotated, rep.requests, server.requests) == (120, 120, 120)
    assert store.scalar("select count(*) from annotations") == 120
    commits = store.scalar("select count(distinct created_at) from annotate_cache")  # one per transaction
    assert 1 <= commits < 120
    assert annotate(store, cfg(server, concurrency=20)).requests == 0


def test_faults_retry_repair_and_failures(store, monkeypatch):
    add_comparisons(store, 1)
    srv = FaultServer(["429", "500", "stall", "bad_body", "malformed", "truncated"], stall_s=1.5).start()
    try:
        rep = annotate(store, cfg(srv, concurrency=1, max_retries=5))
    finally:
        srv.stop()
    # 429 (Retry-After 0.2 s), 500, timeout, unreadable body: retried; malformed: repaired once,
    # and the repair answer (truncated JSON) is closed by the lenient parser
    assert rep.annotated == 1 and rep.failed == 0 and srv.requests == 6 and rep.requests == 6
    assert store.scalar("select count(*) from annotations") == 1


def test_wrong_schema_twice_goes_to_failures_and_is_cached(store):
    add_comparisons(store, 2)
    srv = FaultServer(["wrong_schema", "wrong_schema", "malformed", "malformed"]).start()
    try:
        rep = annotate(store, cfg(srv, concurrency=1))
        again = annotate(store, cfg(srv, concurrency=1))
    finally:
        srv.stop()
    assert rep.failed == 2 and rep.annotated == 0 and rep.requests == 4
    fails = store.df("select * from annotation_failures order by raw_output")
    assert len(fails) == 2 and set(fails["kind"]) == {"validation"}
    assert fails["raw_output"].notna().all() and fails["error"].str.len().gt(0).all()
    assert again.requests == 0  # a validation failure is a finished result


def test_give_up_is_logged_and_retried_next_run(store):
    add_comparisons(store, 1)
    srv = FaultServer(["500"] * 3).start()
    try:
        rep = annotate(store, cfg(srv, concurrency=1, max_retries=2))
        assert rep.transport_errors == 1 and srv.requests == 3
        assert store.scalar("select kind from annotation_failures") == "transport"
        rep2 = annotate(store, cfg(srv, concurrency=1, max_retries=2))
        assert rep2.annotated == 1 and rep2.requests == 1
    finally:
        srv.stop()


def test_schema_rejected_falls_back_to_parsing(store):
    add_comparisons(store, 2)
    srv = FaultServer(["reject_schema", "fenced", "ok"]).start()
    try:
        rep = annotate(store, cfg(srv, concurrency=1))
    finally:
        srv.stop()
    assert rep.annotated == 2
    assert "response_format" in srv.bodies[0] and "response_format" not in srv.bodies[-1]


def test_budget_and_dry_run(store, server, tmp_path):
    add_comparisons(store, 10)
    prices = tmp_path / "prices.json"
    prices.write_text('{"fake-model": {"input": 10.0, "output": 10.0}}')
    dry = annotate(store, cfg(server, prices=str(prices), dry_run=True, max_tokens=100))
    assert dry.to_do == 10 and server.requests == 0 and dry.est_cost_usd > 0
    per_request = dry.est_cost_usd / 10
    rep = annotate(store, cfg(server, prices=str(prices), max_tokens=100, concurrency=1,
                              budget_usd=per_request * 3.5))
    # the server's usage is below the worst case reserved per request, so > 3 may fit, never all
    assert rep.stopped_by_budget and 3 <= rep.annotated < 10 and rep.not_started == 10 - rep.annotated
    assert rep.cost_usd <= per_request * 3.5 < rep.cost_usd + per_request  # stopped before exceeding
    assert "stopped by the budget" in rep.summary()
    from prefbasis.errors import ConfigError
    with pytest.raises(ConfigError, match="no price"):
        annotate(store, cfg(server, model="unknown-model", budget_usd=1.0))


def test_cli_key_never_stored_or_logged(db_path, server, monkeypatch, capsys, caplog):
    from prefbasis.store import Store
    with Store.open(db_path) as s:
        add_comparisons(s, 4)
    monkeypatch.setenv("PB_TEST_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    argv = ["--db", str(db_path), "annotate", "--base-url", server.url, "--model", "fake-model",
            "--api-key-env", "PB_TEST_KEY", "--concurrency", "2"]
    assert main(argv) == 0
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "requests made: 0" in out.out.splitlines()[-1]
    assert server.headers[0]["Authorization"].endswith(SECRET)  # it was used ...
    assert SECRET not in out.out + out.err + caplog.text        # ... but never printed or logged
    for f in db_path.parent.iterdir():                           # ... nor written to the store
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes()
    assert main(argv[:2] + ["annotate", "--annotator", "openai", "--where", "x ="]) == 2

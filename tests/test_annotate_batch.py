"""Batch annotation against a real local fake Batch API server, and vllm run-batch files.

The server (tests/fake_batch_server.py) speaks /v1/files, /v1/batches and /v1/chat/completions over
HTTP. Kill tests run `prefbasis annotate --batch` as a real subprocess and SIGKILL it from inside the
server at a chosen request (after the server did the work, before the client hears back).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import pytest

from annotate_helpers import add_comparisons
from fake_batch_server import FakeBatchServer, annotation
from prefbasis.annotate import AnnotateConfig, annotate
from prefbasis.cli import main
from prefbasis.store import Store

CLI = "from prefbasis.cli import entry; entry()"


@pytest.fixture
def server():
    srv = FakeBatchServer().start()
    yield srv
    srv.stop()


def cfg(srv, **kw) -> AnnotateConfig:
    return AnnotateConfig(batch=True, base_url=srv.url, model="gpt-4o-mini", batch_poll_s=0.01, quiet=True,
                          backoff_base_s=0.01, **kw)


def exact(store, n: int) -> None:
    """Every comparison finished exactly once: one cache row, one annotation row, no duplicates."""
    assert store.scalar("select count(*) from annotate_cache") == n
    assert store.scalar("select count(distinct comparison_id) from annotate_cache") == n
    assert store.scalar("select count(*) from annotations") == n
    assert store.scalar("select count(distinct cache_key) from annotations") == n


def test_batch_annotates_with_the_online_cache_keys_and_provenance(store, server):
    add_comparisons(store, 30)
    rep = annotate(store, cfg(server))
    assert (rep.annotated, rep.failed, rep.transport_errors) == (30, 0, 0)
    exact(store, 30)
    sent = [json.loads(ln) for ln in server.files["file-1"]["content"].splitlines()]
    keys = {r[0] for r in store.execute("select cache_key from annotate_cache").fetchall()}
    assert {ln["custom_id"] for ln in sent} == keys  # custom_id = cache key
    assert all(ln["url"] == "/v1/chat/completions" and ln["body"]["model"] == "gpt-4o-mini" for ln in sent)
    row = store.execute("select model, template_hash, params, cost_usd from annotations limit 1").fetchone()
    assert row[0] == "gpt-4o-mini" and row[1] and json.loads(row[2])["base_url"] == server.url
    assert row[3] == pytest.approx((100 * 0.15 + 30 * 0.60) / 1e6 * 0.5)  # half the online price
    assert store.scalar("select count(*) from annotate_batches where collected_at is not null") == 1
    # the online path sees the same keys: nothing left to ask
    online = annotate(store, AnnotateConfig(base_url=server.url, model="gpt-4o-mini", quiet=True))
    assert (online.cache_hits, online.requests) == (30, 0)
    again = annotate(store, cfg(server))
    assert (again.cache_hits, again.requests, len(server.batches)) == (30, 0, 1)


@pytest.mark.parametrize("plan, first_done", [("partial", 24), ("expire", 15), ("fail", 0)])
def test_failed_and_expired_requests_are_submitted_again_by_the_next_run(store, server, plan, first_done):
    add_comparisons(store, 30)
    server.plans.extend([plan, "ok"])
    rep = annotate(store, cfg(server))
    assert rep.annotated == first_done and rep.transport_errors == 30 - first_done
    assert store.scalar("select count(*) from annotate_cache") == first_done
    rep2 = annotate(store, cfg(server))
    assert (rep2.annotated, rep2.cache_hits) == (30 - first_done, first_done)
    exact(store, 30)
    second = [json.loads(ln)["custom_id"] for ln in server.files[server.batches["batch_2"]["input_file_id"]]
              ["content"].splitlines()]
    assert len(second) == 30 - first_done  # only what had no result went again


def test_invalid_answers_are_repaired_online_like_the_online_path(store, server):
    add_comparisons(store, 20)
    server.plans.append("invalid")
    rep = annotate(store, cfg(server))
    assert server.chat_requests == 5 and rep.annotated == 20 and rep.failed == 0
    exact(store, 20)


def test_no_wait_submits_and_a_rerun_collects(store, server):
    add_comparisons(store, 12)
    rep = annotate(store, cfg(server, batch_wait=False, batch_max_requests=5))
    assert rep.extra["batches_open"] == 3 and rep.annotated == 0
    assert store.scalar("select count(*) from annotate_batches where batch_id is not null") == 3
    rep2 = annotate(store, cfg(server))
    assert rep2.annotated == 12 and len(server.batches) == 3  # found, not submitted again
    exact(store, 12)


def _cli(db, srv, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, "--db", str(db), "--quiet", "annotate", "--batch",
                             "--base-url", srv.url, "--model", "gpt-4o-mini", "--poll-interval", "0.05",
                             "--batch-max-requests", "40", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("event, nth", [("upload", 1), ("create", 1), ("create", 2), ("get", 3), ("content", 1),
                                        ("list", 1)])
def test_kill_9_at_any_request_then_rerun_is_exact(tmp_path, server, event, nth):
    db = tmp_path / "kill.duckdb"
    with Store.open(db) as store:
        add_comparisons(store, 100)
    proc = _cli(db, server)
    server.arm(event, proc.pid, nth)
    if event == "list":  # listing happens only when recovering: kill at create first, then at the listing
        server.arm("create", proc.pid, 1)
    proc.wait(timeout=120)
    assert proc.returncode == -9, proc.stderr.read()
    if event == "list":
        proc = _cli(db, server)
        server.arm("list", proc.pid, 1)
        proc.wait(timeout=120)
        assert proc.returncode == -9
    rerun = _cli(db, server)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    with Store.open(db, read_only=True) as store:
        exact(store, 100)
    assert max(server.answered.values()) == 1 and len(server.answered) == 100  # no request answered twice


def _wait_for_a_committed_chunk(proc, wal, settle_s: float = 0.025) -> None:
    """Until the first chunk of results (1,000 a transaction, ~700 KB in the WAL) is committed:
    the WAL has grown by more than the ledger's status updates do (a few KB) and has then held its
    size for `settle_s`. A commit's WAL can be written in pieces ~1 ms apart, and a kill between
    two pieces loses the whole transaction (0 stored), so growth alone is not enough; commits of
    consecutive chunks are >= 60 ms apart (each validates 1,000 results first)."""
    def size() -> int:
        return wal.stat().st_size if wal.exists() else 0

    base = size()
    last, since = base, time.perf_counter()
    while proc.poll() is None:
        now = size()
        if now != last:
            last, since = now, time.perf_counter()
        elif now > base + 64 * 1024 and time.perf_counter() - since >= settle_s:
            return
        time.sleep(0.001)


@pytest.mark.slow
def test_kill_9_while_collecting_results_then_rerun_is_exact(tmp_path, server):
    db = tmp_path / "kill.duckdb"
    with Store.open(db) as store:
        add_comparisons(store, 3000)
    proc = _cli(db, server, "--batch-max-requests", "3000")
    wal = db.with_name(db.name + ".wal")
    while server.events["content"] == 0 and proc.poll() is None:  # until the output is downloaded
        time.sleep(0.005)
    _wait_for_a_committed_chunk(proc, wal)
    proc.kill()
    proc.wait()
    with Store.open(db, read_only=True) as store:
        partly = store.scalar("select count(*) from annotate_cache")
    rerun = _cli(db, server)
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    with Store.open(db, read_only=True) as store:
        exact(store, 3000)
        assert store.scalar("select count(*) from annotate_batches") == 1
    assert 0 < partly < 3000 and len(server.batches) == 1


# -- vllm run-batch files ----------------------------------------------------------------------------
def vllm_output_line(custom_id: str, content: str | None, error: str | None = None) -> str:
    """A line exactly as vLLM's run_batch writes it (BatchRequestOutput.model_dump_json())."""
    rid = f"vllm-batch-{uuid.uuid4().hex}"
    if error is not None:  # make_error_request_output: status 400, no body, the message as a string
        response = {"status_code": 400, "request_id": rid, "body": None}
    else:
        response = {"status_code": 200, "request_id": rid, "body": {
            "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": 1764450000,
            "model": "Qwen/Qwen2.5-7B-Instruct",
            "choices": [{"index": 0, "message": {"role": "assistant", "reasoning_content": None, "content": content,
                                                 "tool_calls": []},
                         "logprobs": None, "finish_reason": "stop", "stop_reason": None}],
            "usage": {"prompt_tokens": 321, "total_tokens": 361, "completion_tokens": 40,
                      "prompt_tokens_details": None},
            "prompt_logprobs": None, "kv_transfer_params": None}}
    return json.dumps({"id": f"vllm-{uuid.uuid4().hex}", "custom_id": custom_id, "response": response,
                       "error": error}, separators=(",", ":"))


def test_export_then_import_vllm_results(store, tmp_path, db_path):
    with Store.open(db_path) as s:
        add_comparisons(s, 10)
    req = tmp_path / "requests.jsonl"
    base = ["--db", str(db_path), "--quiet", "annotate", "--model", "Qwen/Qwen2.5-7B-Instruct"]
    assert main([*base, "--export-requests", str(req)]) == 0
    lines = [json.loads(ln) for ln in req.read_text().splitlines()]
    assert len(lines) == 10
    assert set(lines[0]) == {"custom_id", "method", "url", "body"}  # vLLM's BatchRequestInput
    assert lines[0]["method"] == "POST" and lines[0]["url"] == "/v1/chat/completions"
    assert lines[0]["body"]["model"] == "Qwen/Qwen2.5-7B-Instruct" and lines[0]["body"]["messages"][0]["role"] == "system"
    out = tmp_path / "results.jsonl"
    rows = [vllm_output_line(ln["custom_id"], annotation(ln["custom_id"])) for ln in lines[:8]]
    rows += [vllm_output_line(lines[8]["custom_id"], "not json at all"),
             vllm_output_line(lines[9]["custom_id"], None, error="Request must not be sent in stream mode")]
    out.write_text("\n".join(rows) + "\n")
    assert main([*base, "--import-results", str(out)]) == 0
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from annotations") == 8
        assert s.scalar("select count(*) from annotate_cache where status = 'failed'") == 1  # validated, no repair
        assert s.scalar("select count(*) from annotation_failures where kind = 'transport'") == 1
        assert s.scalar("select max(tokens_in) from annotations") == 321
        assert s.scalar("select distinct model from annotations") == "Qwen/Qwen2.5-7B-Instruct"
    assert main([*base, "--import-results", str(out)]) == 0  # again: nothing new
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from annotations") == 8
    # the one transport failure is exported again; its result completes the set
    again = tmp_path / "again.jsonl"
    assert main([*base, "--export-requests", str(again)]) == 0
    left = [json.loads(ln)["custom_id"] for ln in again.read_text().splitlines()]
    assert left == [lines[9]["custom_id"]]
    (tmp_path / "r2.jsonl").write_text(vllm_output_line(left[0], annotation(left[0])) + "\n")
    assert main([*base, "--import-results", str(tmp_path / "r2.jsonl")]) == 0
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from annotations") == 9
        assert s.scalar("select count(*) from annotate_batches where collected_at is null") == 0


def test_bad_results_file_is_refused_whole_naming_the_row(tmp_path, db_path, capsys):
    with Store.open(db_path) as s:
        add_comparisons(s, 3)
    req = tmp_path / "requests.jsonl"
    base = ["--db", str(db_path), "annotate", "--model", "m"]
    assert main([*base, "--export-requests", str(req)]) == 0
    ids = [json.loads(ln)["custom_id"] for ln in req.read_text().splitlines()]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(vllm_output_line(ids[0], annotation(ids[0])) + "\n" + '{"id": "x", "response": null}\n')
    assert main([*base, "--import-results", str(bad)]) == 2
    assert "bad.jsonl, row 2, field 'custom_id'" in capsys.readouterr().err
    bad.write_text(vllm_output_line(ids[0], annotation(ids[0])) + "\n" + vllm_output_line("nope", "{}") + "\n")
    assert main([*base, "--import-results", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, field 'custom_id'" in err and "not a request exported" in err
    with Store.open(db_path, read_only=True) as s:
        assert s.scalar("select count(*) from annotations") == 0  # nothing half-written


def test_batch_modes_need_the_openai_backend(store):
    add_comparisons(store, 2)
    with pytest.raises(Exception, match="--annotator openai"):
        annotate(store, AnnotateConfig(annotator="rationale", batch=True))

"""End to end against a real `transformers serve` (SmolLM2-135M-Instruct, offline, CPU).

Checks the protocol, parsing/repair, storage and cache (not the model's wisdom): N comparisons
finish, at least one with a valid annotation (the shipped few-shot `v1_compact` template, greedy
decoding, 96 output tokens), a rerun makes 0 requests, and a real `prefbasis annotate` subprocess
killed with SIGKILL half-way resumes to exactly N finished, with no duplicate.

Structured output stays on (the default): `transformers serve` accepts `response_format` but
ignores it (it logs "Ignoring unsupported fields"), so the answer is parsed from plain text.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from annotate_helpers import add_comparisons

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
N = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    from prefbasis.errors import ConfigError
    from prefbasis.models import smollm2_checkpoint
    try:
        ckpt = str(smollm2_checkpoint())
    except ConfigError as exc:
        pytest.skip(str(exc))
    exe = Path(sys.executable).with_name("transformers")
    port = _free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    proc = subprocess.Popen([str(exe), "serve", ckpt, "--host", "127.0.0.1", "--port", str(port),
                             "--device", "cpu", "--log-level", "info", "--default-seed", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    state = {"completions": 0, "lines": []}

    def reader():
        for line in proc.stdout:
            state["lines"].append(line)
            if "POST /v1/chat/completions" in line:
                state["completions"] += 1

    threading.Thread(target=reader, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("transformers serve exited:\n" + "".join(state["lines"][-20:]))
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("transformers serve did not start in 180 s")
    yield {"url": url + "/v1", "model": ckpt, "state": state}
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _args(served, db) -> list[str]:
    return ["--db", str(db), "-q", "annotate", "--base-url", served["url"], "--model", served["model"],
            "--prompt-file", "v1_compact", "--max-tokens", "96", "--temperature", "0", "--concurrency", "1",
            "--timeout", "180", "--max-retries", "1"]


def _finished(db) -> tuple[int, int, int]:
    from prefbasis.store import Store
    with Store.open(db, read_only=True) as s:
        return (s.scalar("select count(*) from annotate_cache"),
                s.scalar("select count(*) from annotations"),
                s.scalar("select coalesce(sum(n_preferences), 0) from annotate_cache"))


def test_real_server_cache_rerun_and_kill9_resume(served, tmp_path, capsys):
    from prefbasis.cli import main
    from prefbasis.store import Store

    db = tmp_path / "real.duckdb"
    with Store.open(db) as s:
        add_comparisons(s, N)
    before = served["state"]["completions"]
    t0 = time.monotonic()
    assert main(_args(served, db)) == 0
    seconds = time.monotonic() - t0
    first = capsys.readouterr().out
    made = int(first.strip().splitlines()[-1].split(":")[1])
    assert made >= N and served["state"]["completions"] - before == made  # the server saw them all
    finished, rows, _ = _finished(db)
    with Store.open(db, read_only=True) as s:
        ok = s.scalar("select count(*) from annotate_cache where status = 'ok'")
        failed = s.scalar("select count(*) from annotation_failures where kind = 'validation'")
        sample = s.con.execute("select topic, preference, description from annotations limit 1").fetchone()
    assert finished == N and ok + failed == N
    assert ok >= 1 and rows >= ok and sample[1] and sample[2]  # real annotations, not only failures
    assert main(_args(served, db)) == 0
    second = capsys.readouterr().out
    # the figures stay in the captured output (pytest -rP shows them), never on a quiet terminal
    print(f"first run: {' | '.join(first.strip().splitlines())} ({seconds / made:.1f} s a request)\n"
          f"annotated {ok}/{N}, validation failures {failed}; e.g. {sample}\n"
          f"rerun: {' | '.join(second.strip().splitlines())}")
    assert second.strip().endswith("requests made: 0")

    # kill -9 a real subprocess half-way, then resume
    db2 = tmp_path / "killed.duckdb"
    with Store.open(db2) as s:
        add_comparisons(s, N, dataset="d2")
    start = served["state"]["completions"]
    proc = subprocess.Popen([sys.executable, "-c", "from prefbasis.cli import entry; entry()", *_args(served, db2)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    deadline = time.time() + 400
    # a comparison takes 1 request (valid) or 2 (ask + repair): after 3 of the N = 4 answers, at least
    # one comparison was committed seconds ago and at least one is still to do
    while served["state"]["completions"] - start < 3 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before, rows_before, _ = _finished(db2)
    assert 0 < done_before < N
    assert main(_args(served, db2)) == 0
    resumed = capsys.readouterr().out
    done, rows, expected_rows = _finished(db2)
    print(f"killed after {done_before}/{N} finished; resume: {' | '.join(resumed.strip().splitlines())}")
    assert done == N and rows == expected_rows >= rows_before  # exactly N, no duplicate, none lost
    assert main(_args(served, db2)) == 0
    assert capsys.readouterr().out.strip().endswith("requests made: 0")

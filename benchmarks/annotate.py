"""Client overhead of `annotate --annotator openai`: annotations/s against a local server that
answers instantly, at concurrency 1, 8 and 64.

The server is a raw `asyncio.start_server` HTTP/1.1 keep-alive responder in its own process
(`python benchmarks/annotate.py --serve PORT`): it reads each request (headers + Content-Length
body), parses the JSON body and answers a fixed valid chat completion, so it costs a few tens of
microseconds per request and the client (async httpx, schema validation, the DuckDB store and its
batched commits) is what is measured. `--server threaded` uses `tests/fault_server.py` instead.

    flock /tmp/prefbasis-bench.lock .venv/bin/python benchmarks/annotate.py
    flock /tmp/prefbasis-bench.lock .venv/bin/python benchmarks/annotate.py --profile 64   # cProfile top 25
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

_VALID = {"topic": "time management tips", "preferences": [
    {"preference": "more concrete advice", "description": "The preferred response gives concrete steps."}]}
_BODY = json.dumps({"id": "x", "object": "chat.completion", "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": json.dumps(_VALID)}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 30}}).encode()
_RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
             + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY)


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One keep-alive connection: answer every request with the fixed completion."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length) if length else b""
            if head.startswith(b"POST"):
                json.loads(body)  # a real server parses the request
                writer.write(_RESPONSE)
            else:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def _serve(port: int) -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", port, backlog=1024)
    for s in server.sockets:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    async with server:
        await server.serve_forever()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str) -> tuple[subprocess.Popen, str]:
    """The instant server in its own process; returns (process, base URL) once it answers."""
    port = free_port()
    cmd = ([sys.executable, __file__, "--serve", str(port)] if kind == "asyncio"
           else [sys.executable, str(REPO / "tests" / "fault_server.py"), "--port", str(port)])
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    for _ in range(50):
        try:
            urllib.request.urlopen(url.replace("/v1", "/health"), timeout=1)
        except urllib.error.HTTPError:
            break  # the server answers (it has no /health route)
        except OSError:
            time.sleep(0.1)
    return server, url


def run_one(url: str, tmp: str, c: int, n: int) -> tuple[float, object, object]:
    """Annotate n fresh comparisons at concurrency c; (seconds, report, rerun report)."""
    from annotate_helpers import add_comparisons
    from prefbasis.annotate import AnnotateConfig, annotate
    from prefbasis.store import Store

    store = Store.open(Path(tmp) / f"bench{c}-{time.monotonic_ns()}.duckdb")
    add_comparisons(store, n, dataset=f"bench{c}")
    cfg = AnnotateConfig(annotator="openai", base_url=url, model="fake-model", concurrency=c,
                         api_key_env="PB_BENCH_NO_KEY", quiet=True)
    t0 = time.perf_counter()
    rep = annotate(store, cfg)
    dt = time.perf_counter() - t0
    again = annotate(store, cfg)
    store.close()
    assert rep.annotated == n and again.requests == 0, (rep, again)
    return dt, rep, again


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500, help="comparisons per run (concurrency 1 uses n/5)")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    ap.add_argument("--server", choices=["asyncio", "threaded"], default="asyncio")
    ap.add_argument("--profile", type=int, metavar="C", help="cProfile one run at concurrency C")
    ap.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve))
        return
    os.environ["PREFBASIS_QUIET"] = "1"
    server, url = start_server(args.server)
    print(f"server: {args.server} ({url}); load average {os.getloadavg()[0]:.2f}", flush=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run_one(url, tmp, 8, 50)  # warm-up: imports, first connections
            if args.profile:
                import cProfile
                import pstats
                prof = cProfile.Profile()
                prof.enable()
                dt, rep, _ = run_one(url, tmp, args.profile, args.n)
                prof.disable()
                print(f"concurrency {args.profile}: {args.n / dt:.0f} annotations/s under cProfile")
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
                pstats.Stats(prof).sort_stats("tottime").print_stats(25)
                return
            for c in args.concurrency:
                n = args.n if c > 1 else max(50, args.n // 5)
                cpu0 = cpu_seconds(server.pid)
                dt, rep, again = run_one(url, tmp, c, n)
                server_us = (cpu_seconds(server.pid) - cpu0) / rep.requests * 1e6
                print(f"concurrency {c:3d}: {n} annotations in {dt:.2f} s = {n / dt:.0f} annotations/s "
                      f"({rep.requests} requests, server CPU {server_us:.0f} us a request; "
                      f"rerun: {again.requests} requests)", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

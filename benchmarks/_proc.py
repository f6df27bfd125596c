"""Shared by the benchmarks: run a child process and measure it; today's code as a source tree.

Example:
    >>> seconds, peak_mib, out = run_process(["python3", "-c", "print(1)"])  # doctest: +SKIP
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAST_CPU_S = [0.0]
# run the CLI of the source tree given as the first argument (this checkout, or an older one)
RUN = ("import sys; sys.path.insert(0, sys.argv[1]); sys.argv = ['prefbasis'] + sys.argv[2:]; "
       "from prefbasis.cli import entry; entry()")


def run_process(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, the child's own peak RSS in MiB (wait4), stdout); RuntimeError if it fails.
    The child's CPU seconds (user + system, all its threads) are in `LAST_CPU_S[0]` afterwards."""
    env = {**os.environ, "PREFBASIS_QUIET": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        LAST_CPU_S[0] = usage.ru_utime + usage.ru_stime
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(args[-6:])} failed:\n{err.read()[-3000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def checkout(rev: str, into: Path) -> Path:
    """The package as of `rev` (git archive), with sql/ reachable as prefbasis.sql like an install."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "prefbasis" / "sql").symlink_to(into / "sql")
    return into

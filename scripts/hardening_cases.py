"""Rerun every numbered case of issue 12 (security and bad input) with its command; print a table.

Each case runs the real `prefbasis` CLI in a fresh scratch folder against a real store, and
records the exit code, the message (the last line on stderr) and the effect that matters: the
store's fingerprint (row counts and a content checksum of every table) before and after, or
that a file was not written. Cases that need ../shared/data say "skipped" when it is absent.

    .venv/bin/python scripts/hardening_cases.py            # Markdown table on stdout
    .venv/bin/python scripts/hardening_cases.py --only 5   # the cases whose id starts with 5
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data"
FIXTURES = REPO / "tests" / "fixtures" / "ingest"
PREFBASIS = str(Path(sys.executable).parent / "prefbasis")
KEY = "sk-test-SECRET-4f9a8b7c6d5e"


@dataclass
class Outcome:
    case: str
    command: str
    code: int | str
    message: str
    effect: str


def run(work: Path, *argv: str, env: dict | None = None, timeout: int = 120) -> tuple[int | str, str, str]:
    """(exit code or 'timeout', stdout, stderr) of `prefbasis ARGV` in `work`."""
    environ = dict(os.environ, PREFBASIS_QUIET="1", HF_HUB_OFFLINE="1", **(env or {}))
    try:
        p = subprocess.run([PREFBASIS, *argv], cwd=work, capture_output=True, text=True,
                           timeout=timeout, env=environ)
    except subprocess.TimeoutExpired:
        return "timeout", "", f"no exit after {timeout} s"
    return p.returncode, p.stdout, p.stderr


def last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip() and "it/s" not in ln and "rows/s" not in ln]
    return (lines[-1] if lines else "").replace("|", "\\|")[:220]


def fingerprint(db: Path):
    from prefbasis.store import Store

    with Store.open(db, read_only=True) as s:
        return s.fingerprint()


def seeded_store(work: Path) -> Path:
    """A store holding one small dataset, so "unchanged" means more than "empty"."""
    db = work / "store.duckdb"
    code, _, err = run(work, "--db", str(db), "ingest", str(FIXTURES / "trl_standard.jsonl"), "--format", "trl")
    assert code == 0, err
    return db


def store_effect(db: Path, before) -> str:
    return "store unchanged" if fingerprint(db) == before else "STORE CHANGED"


def arena_rows() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "arena.jsonl").read_text().splitlines()]


def jsonl(path: Path, rows: list[dict], raw_lines: list[bytes] | None = None) -> Path:
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in rows) + b"".join(raw_lines or []))
    return path


# -- the cases ---------------------------------------------------------------------------------------
def query_cases(work: Path) -> list[Outcome]:
    db = seeded_store(work)
    out = []
    (work / "victim.txt").write_text("original\n")
    (work / "imp").mkdir()
    (work / "imp" / "schema.sql").write_text("COPY (select 'pwned') TO 'pwn.txt';\n")
    (work / "x.csv").write_text("a,b\n1,2\n")
    ext_dir = Path.home() / ".duckdb" / "extensions"
    ext_before = sorted(str(p) for p in ext_dir.rglob("*")) if ext_dir.exists() else []
    cases = [
        ("1a", "explain analyze copy (select 'x') to 'victim.txt' (header false)",
         lambda: "victim.txt unchanged" if (work / "victim.txt").read_text() == "original\n" else "VICTIM OVERWRITTEN"),
        ("1b", "explain analyze copy comparisons to 'comparisons.parquet' (format parquet)",
         lambda: "no file written" if not (work / "comparisons.parquet").exists() else "FILE WRITTEN"),
        ("1c", "pragma import_database('imp')",
         lambda: "no file written (pwn.txt)" if not (work / "pwn.txt").exists() else "FILE WRITTEN"),
        ("1d", "explain analyze install httpfs",
         lambda: "no extension installed" if (sorted(str(p) for p in ext_dir.rglob("*")) if ext_dir.exists() else []) == ext_before
         else "EXTENSION DIR CHANGED"),
        ("1e", "explain analyze set threads=1", lambda: "refused before running"),
    ]
    for case, sql, effect in cases:
        before = fingerprint(db)
        code, _, err = run(work, "--db", str(db), "query", sql)
        out.append(Outcome(case, f'query "{sql}"', code, last_line(err), f"{effect()}; {store_effect(db, before)}"))
    code, stdout, err = run(work, "--db", str(db), "query", "select * from read_csv('x.csv')")
    out.append(Outcome("1f", "query \"select * from read_csv('x.csv')\"", code, last_line(stdout),
                       "reading a local file stays a feature"))
    code, _, err = run(work, "--db", str(db), "query", "--no-files", "select * from read_csv('x.csv')")
    out.append(Outcome("1g", "query --no-files \"select * from read_csv('x.csv')\"", code,
                       last_line(err.split("\n")[0]), "refused by DuckDB (enable_external_access off)"))
    return out


def injection_cases(work: Path) -> list[Outcome]:
    db = seeded_store(work)
    (work / "secret.txt").write_text("TOPSECRET-42\n")
    key = "x\" := (select string_agg(content,'') from read_text('secret.txt')), --"
    rows = arena_rows()
    rows[0] = dict(rows[0], **{key: "harmless"})
    path = jsonl(work / "inject.jsonl", rows)
    code, _, err = run(work, "--db", str(db), "ingest", str(path), "--format", "arena")
    from prefbasis.store import Store

    with Store.open(db, read_only=True) as s:
        leaked = s.scalar("select count(*) from comparisons where extra::varchar like '%TOPSECRET%'")
        kept = s.scalar("select count(*) from comparisons where json_extract_string(extra, ?) = 'harmless'",
                        ["$." + json.dumps(key)])
    out = [Outcome("2a", "ingest inject.jsonl --format arena (a row whose key is x\" := (select ... read_text('secret.txt')), --)",
                   code, last_line(err) or "ok", f"secret in store: {leaked} rows; the odd key kept as data in extra: {kept} row")]
    before = fingerprint(db)
    code, _, err = run(work, "--db", str(db), "annotate", "--annotator", "rationale", "--where", "1=1) --")
    out.append(Outcome("2b", 'annotate --annotator rationale --where "1=1) --"', code, last_line(err),
                       store_effect(db, before)))
    return out


def key_cases(work: Path) -> list[Outcome]:
    from tests.annotate_helpers import add_comparisons
    from tests.fault_server import FaultServer

    from prefbasis.store import Store

    out = []
    for case, fault, label in (("3a", "401_echo", "every request 401, body echoes the key"),
                               ("3b", "echo_key", "model echoes the key in its answer")):
        db = work / f"{case}.duckdb"
        with Store.open(db) as s:
            add_comparisons(s, 6)
        srv = FaultServer(default=fault).start()
        try:
            code, stdout, err = run(work, "--db", str(db), "annotate", "--base-url", srv.url, "--model", "m",
                                    "--max-retries", "0", "--concurrency", "2", env={"OPENAI_API_KEY": KEY})
        finally:
            srv.stop()
        with Store.open(db, read_only=True) as s:
            hits = sum(s.scalar(f"select count(*) from {t} t where t::varchar like ?", [f"%{KEY[8:]}%"])
                       for t in ("annotation_failures", "annotate_cache", "annotations", "annotate_runs"))
            redacted = s.scalar("select count(*) from annotation_failures where error like '%[REDACTED]%'") + \
                s.scalar("select count(*) from annotations where description like '%[REDACTED]%'")
        shown = (stdout + err).count(KEY[8:])
        out.append(Outcome(case, f"annotate --base-url FAULT-SERVER ({label})", code,
                           last_line(err) or stdout.splitlines()[0],
                           f"key in store: {hits} rows, in output: {shown}; [REDACTED] in {redacted} rows"))
    return out


def content_cases(work: Path) -> list[Outcome]:
    hh = SHARED / "hh-rlhf" / "harmless-base-test.jsonl.gz"
    if not hh.exists():
        return [Outcome("4", "annotate --limit 400 (harmless-base-test)", "skipped", f"{hh} absent", "")]
    from tests.fault_server import FaultServer

    from prefbasis.store import Store

    db = work / "hh.duckdb"
    run(work, "--db", str(db), "ingest", str(hh), "--format", "hh-rlhf", "--name", "hh-first")
    srv = FaultServer().start()
    try:
        code, stdout, err = run(work, "--db", str(db), "annotate", "--base-url", srv.url, "--model", "m",
                                "--limit", "400", "--concurrency", "8", env={"OPENAI_API_KEY": KEY}, timeout=300)
        with Store.open(db, read_only=True) as s:
            distinct = s.scalar("select count(distinct comparison_id) from annotations")
        out = [Outcome("4a", "annotate --limit 400 (harmless-base-test, local server)", code,
                       last_line(stdout.splitlines()[0] if stdout else err),
                       f"{distinct} distinct comparison ids with annotation rows")]
        copy = work / "harmless-copy.jsonl.gz"  # the same rows in another file: new ids, same content
        shutil.copy(hh, copy)
        run(work, "--db", str(db), "ingest", str(copy), "--format", "hh-rlhf", "--name", "hh-second")
        code, stdout, err = run(work, "--db", str(db), "annotate", "--base-url", srv.url, "--model", "m",
                                "--dataset", "hh-second", "--concurrency", "8",
                                env={"OPENAI_API_KEY": KEY}, timeout=600)
    finally:
        srv.stop()
    with Store.open(db, read_only=True) as s:
        n, with_rows = s.execute(
            "select count(*), count(*) filter (where exists (select 1 from annotations a "
            "where a.comparison_id = c.comparison_id)) from comparisons c join datasets d using (dataset_id) "
            "where d.name = 'hh-second' and c.winner <> 'tie'").fetchone()
    out.append(Outcome("4b", "annotate --dataset hh-second (a copy of the file: same content, new ids)", code,
                       last_line(stdout.splitlines()[0] if stdout else err),
                       f"{with_rows} of {n} comparisons of hh-second have their own annotation rows"))
    return out


def special_file_cases(work: Path) -> list[Outcome]:
    db = seeded_store(work)
    out = []
    fifo = work / "fifo.jsonl"
    os.mkfifo(fifo)
    prd = work / "prd"
    shutil.copytree(FIXTURES / "prd", prd)
    rating = next((prd / "ratings-human").glob("*.jsonl"))
    rating.unlink()
    os.mkfifo(rating)
    zero = work / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    for case, target, fmt in (("5a", fifo, "trl"), ("5b", prd, "prd"), ("5c", zero, "trl")):
        before = fingerprint(db)
        t = time.perf_counter()
        code, _, err = run(work, "--db", str(db), "ingest", str(target), "--format", fmt, timeout=30)
        out.append(Outcome(case, f"ingest {target.name}{' (a FIFO rating file inside)' if case == '5b' else ''} --format {fmt}",
                           code, last_line(err), f"{store_effect(db, before)}; {time.perf_counter() - t:.1f} s"))
    return out


def traceback_cases(work: Path) -> list[Outcome]:
    db = seeded_store(work)
    out = []
    rows = arena_rows()
    data = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
    cases = []
    xff = work / "xff.jsonl"
    xff.write_bytes(data.replace(b'"model_a": "', b'"model_a": "\xff', 1))
    cases.append(("6a", xff, "arena", "a \\xff byte in an arena row"))
    sur_trl = work / "surrogate.jsonl"
    sur_trl.write_text('{"prompt": "a\\ud800", "chosen": "x", "rejected": "y"}\n')
    cases.append(("6b", sur_trl, "trl", 'a lone surrogate "\\ud800" (trl)'))
    sur_arena = work / "surrogate_arena.jsonl"
    sur_arena.write_text(json.dumps(rows[0])[:-1] + ', "judge_note": "j\\ud800"}\n')
    cases.append(("6c", sur_arena, "arena", 'a lone surrogate "\\ud800" (arena)'))
    deep = work / "deep.jsonl"
    deep.write_text(json.dumps(rows[0])[:-1] + ', "z": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    cases.append(("6d", deep, "arena", "100,000-deep nested JSON (arena)"))
    deep_trl = work / "deep_trl.jsonl"
    deep_trl.write_text('{"prompt": "a", "chosen": "x", "rejected": "y", "z": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    cases.append(("6e", deep_trl, "trl", "100,000-deep nested JSON (trl)"))
    for value in ("Infinity", "1e12"):
        p = work / f"turns_{value}.jsonl"
        p.write_text('{"prompt": "a", "response_a": "x", "response_b": "y", "winner": "a", "turns": %s}\n' % value)
        cases.append((f"6{'f' if value == 'Infinity' else 'g'}", p, "table", f"turns {value}"))
    for case, path, fmt, label in cases:
        before = fingerprint(db)
        code, _, err = run(work, "--db", str(db), "ingest", str(path), "--format", fmt, timeout=120)
        out.append(Outcome(case, f"ingest {path.name} --format {fmt} ({label})", code, last_line(err),
                           store_effect(db, before)))
    before = fingerprint(db)
    code, _, err = run(work, "--db", str(db), "query", "update extensions")
    out.append(Outcome("6h", 'query "update extensions"', code, last_line(err), store_effect(db, before)))
    pelo_db = work / "pelo.duckdb"
    run(work, "--db", str(pelo_db), "ingest", str(FIXTURES / "arena.jsonl"), "--format", "arena")
    before = fingerprint(pelo_db)
    code, _, err = run(work, "--db", str(pelo_db), "pelo", "--bootstrap", "100000000", "--min-battles", "1")
    out.append(Outcome("6i", "pelo --bootstrap 100000000", code, last_line(err), store_effect(pelo_db, before)))
    out += train_cases(work)
    return out


def train_cases(work: Path) -> list[Outcome]:
    sys.path.insert(0, str(REPO / "tests"))
    from test_train_export import populate

    from prefbasis.store import Store
    from prefbasis.train.tiny import build_tiny_model

    db = work / "train.duckdb"
    with Store.open(db) as s:
        populate(s)
    code, _, err = run(work, "--db", str(db), "export-dpo", "--category", "concise answers", "--test-size", "0",
                       "--out", "exp0")
    assert code == 0, err
    tiny = build_tiny_model(work / "tiny", seed=0)
    code, stdout, err = run(work, "--db", str(db), "train", "--data", "exp0", "--model", str(tiny), "--output_dir",
                            "adapter", "--max_steps", "1", "--report_to", "none", "--max_length", "96",
                            "--gradient_checkpointing", "false", "--per_device_train_batch_size", "4", timeout=600)
    steps = json.loads(stdout.strip().splitlines()[-1]).get("steps") if code == 0 and stdout.strip() else None
    out = [Outcome("6j", "export-dpo --test-size 0 --out exp0; train --data exp0 --max_steps 1 (empty test split)",
                   code, last_line(err) if code else f"trained {steps} step(s), no evaluation split",
                   "no IndexError")]
    empty = work / "exp_empty_train"
    shutil.copytree(work / "exp0", empty)
    shutil.rmtree(empty / "train")
    shutil.copytree(empty / "test", empty / "train")
    code, _, err = run(work, "--db", str(db), "train", "--data", str(empty), "--model", str(tiny), timeout=300)
    out.append(Outcome("6k", "train --data EXPORT-WITH-EMPTY-TRAIN-SPLIT", code, last_line(err), "nothing trained"))
    code, _, err = run(work, "train", "--config", "missing.yaml", timeout=300)
    out.append(Outcome("6l", "train --config missing.yaml", code, last_line(err), "no traceback"))
    return out


def row_number_cases(work: Path) -> list[Outcome]:
    db = seeded_store(work)
    out = []
    lines = [json.dumps({"prompt": f"p{i}", "chosen": "x", "rejected": "y"}).encode() for i in range(6)]
    lines[3] = lines[3].replace(b"p3", b"p\xff3")
    bad_jsonl = work / "line4.jsonl"
    bad_jsonl.write_bytes(b"\n".join(lines) + b"\n")
    bad_gz = work / "line4.jsonl.gz"
    bad_gz.write_bytes(gzip.compress(bad_jsonl.read_bytes()))
    bad_csv = work / "line4.csv"
    bad_csv.write_bytes(b"prompt,response_a,response_b,winner\np1,x,y,a\np2,x,y,a\np\xff3,x,y,a\np4,x,y,a\n")
    for case, path, fmt in (("7a", bad_jsonl, "trl"), ("7b", bad_gz, "trl"), ("7c", bad_csv, "table")):
        before = fingerprint(db)
        code, _, err = run(work, "--db", str(db), "ingest", str(path), "--format", fmt)
        out.append(Outcome(case, f"ingest {path.name} --format {fmt} (a \\xff byte on line 4)", code,
                           last_line(err), store_effect(db, before)))
    return out


def bom_cases(work: Path) -> list[Outcome]:
    from prefbasis.store import Store

    out = []
    db = work / "bom.duckdb"
    csv_path = work / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbfid,prompt,response_a,response_b,winner\nk1,p,x,y,a\n")
    code, stdout, err = run(work, "--db", str(db), "ingest", str(csv_path), "--format", "table")
    with Store.open(db, read_only=True) as s:
        key, extra = s.execute("select source_key, extra from comparisons").fetchone()
    out.append(Outcome("8a", "ingest bom.csv --format table (BOM, first column id)", code, last_line(stdout if code == 0 else err),
                       f"source_key={key!r}, extra={extra!r}"))
    row = arena_rows()[0]
    for case, fmt, rowdata in (("8b", "trl", {"prompt": "a", "chosen": "x", "rejected": "y"}),
                               ("8c", "hh-rlhf", {"chosen": "\n\nHuman: a\n\nAssistant: x",
                                                  "rejected": "\n\nHuman: a\n\nAssistant: y"}),
                               ("8d", "arena", row),
                               ("8e", "table", {"prompt": "a", "response_a": "x", "response_b": "y", "winner": "a"})):
        p = work / f"bom_{fmt}.jsonl"
        p.write_bytes(b"\xef\xbb\xbf" + json.dumps(rowdata).encode() + b"\n")
        code, stdout, err = run(work, "--db", str(db), "ingest", str(p), "--format", fmt)
        out.append(Outcome(case, f"ingest bom_{fmt}.jsonl --format {fmt} (JSONL with a BOM)", code,
                           last_line(err if code else stdout), "accepted" if code == 0 else "refused"))
    return out


def silent_cases(work: Path) -> list[Outcome]:
    from prefbasis.store import Store

    db = seeded_store(work)
    out = []
    empty = work / "empty.jsonl"
    empty.write_bytes(b"")
    before = fingerprint(db)
    code, _, err = run(work, "--db", str(db), "ingest", str(empty), "--format", "trl")
    out.append(Outcome("9a", "ingest empty.jsonl --format trl", code, last_line(err), store_effect(db, before)))
    prd = work / "prd_no_generations"
    shutil.copytree(FIXTURES / "prd", prd)
    shutil.rmtree(prd / "generations")
    before = fingerprint(db)
    code, _, err = run(work, "--db", str(db), "ingest", str(prd), "--format", "prd")
    out.append(Outcome("9b", "ingest prd_no_generations --format prd", code, last_line(err), store_effect(db, before)))
    big = work / "big_cell.csv"
    big.write_text("prompt,response_a,response_b,winner\np," + "x" * 200_000 + ",y,a\n")
    code, stdout, err = run(work, "--db", str(db), "ingest", str(big), "--format", "table")
    with Store.open(db, read_only=True) as s:
        longest = s.scalar("select max(length(response_a)) from comparisons")
    out.append(Outcome("9c", "ingest big_cell.csv --format table (a 200,000-character cell)", code,
                       last_line(stdout) if code == 0 else last_line(err), f"stored cell of {longest} characters"))
    code, _, err = run(work, "--db", str(db), "export-dpo", "--category", "x", "--min-similarity", "2", "--out", "nope")
    out.append(Outcome("9d", "export-dpo --category x --min-similarity 2", code, last_line(err),
                       "no folder written" if not (work / "nope").exists() else "FOLDER WRITTEN"))
    code, stdout, err = run(work, "--db", str(db), "query", "select 'red' || chr(27) || '[31m text' || chr(7) as t",
                            "--format", "table")
    out.append(Outcome("9e", "query \"select 'red' || chr(27) || '[31m text' || chr(7) as t\" --format table", code,
                       last_line(stdout), "no raw control byte printed" if "\x1b" not in stdout and "\x07" not in stdout
                       else "RAW ESCAPE PRINTED"))
    return out


def pandalm_cases(work: Path) -> list[Outcome]:
    src = SHARED / "pandalm" / "pandalm_testset.jsonl.gz"
    if not src.exists():
        return [Outcome("11.6", "ingest pandalm_testset --on-bad-rows skip", "skipped", f"{src} absent", "")]
    db = seeded_store(work)
    before = fingerprint(db)
    sha = lambda: __import__("hashlib").sha256(db.read_bytes()).hexdigest()[:16]  # noqa: E731
    sha_before = sha()
    code, _, err = run(work, "--db", str(db), "ingest", str(src), "--format", "table")
    out = [Outcome("11.6a", "ingest pandalm_testset.jsonl.gz --format table", code, last_line(err),
                   f"{store_effect(db, before)}; file sha256 {'unchanged' if sha() == sha_before else 'CHANGED'}")]
    code, stdout, err = run(work, "--db", str(db), "ingest", str(src), "--format", "table", "--on-bad-rows", "skip")
    lines = stdout.strip().splitlines()
    out.append(Outcome("11.6b", "ingest pandalm_testset.jsonl.gz --format table --on-bad-rows skip", code,
                       (lines[0] if lines else last_line(err)).replace("|", "\\|"), lines[-1] if lines else ""))
    return out


GROUPS = [query_cases, injection_cases, key_cases, content_cases, special_file_cases, traceback_cases,
          row_number_cases, bom_cases, silent_cases, pandalm_cases]
PREFIX = {query_cases: "1", injection_cases: "2", key_cases: "3", content_cases: "4", special_file_cases: "5",
          traceback_cases: "6", row_number_cases: "7", bom_cases: "8", silent_cases: "9", pandalm_cases: "11"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="run only the groups whose case ids start with this")
    args = ap.parse_args()
    print("| case | command | exit | message | effect |\n| --- | --- | --- | --- | --- |")
    for group in GROUPS:
        if args.only and not PREFIX[group].startswith(args.only):
            continue
        with tempfile.TemporaryDirectory(prefix=f"pb-case{PREFIX[group]}-") as tmp:
            for o in group(Path(tmp)):
                command = o.command.replace("|", "\\|")
                print(f"| {o.case} | `{command}` | {o.code} | {o.message} | {o.effect} |", flush=True)


if __name__ == "__main__":
    main()

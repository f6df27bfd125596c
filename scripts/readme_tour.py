"""Run the README's 5-minute tour on the real PRD data and paste its real output into README.md.

Usage: .venv/bin/python scripts/readme_tour.py [--data ../shared/data/prd-vicuna80]
The README section between the TOUR markers is replaced; the tour works in ./tour (git-ignored).
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS = [
    ("Ingest PRD's Vicuna-80 data, which ships with the package (human votes and GPT-4 reviews; the "
     "reviews go to `rationale`; MIT, attribution in `prefbasis/datasets/data/prd_vicuna80`). Your own "
     "file: `prefbasis ingest FILE --format arena|hh-rlhf|trl|prd|table`. A second run adds nothing:",
     ["prefbasis ingest --example prd-vicuna80",
      "prefbasis ingest --example prd-vicuna80"], None),
    ("Infer why each winner won. With an API: `--annotator openai --model gpt-4o-mini` (add `--dry-run` "
     "first for requests, tokens and cost). Offline, the `rationale` backend reads the judges' own "
     "explanations (any common reference style) and keeps each discriminative claim as a content-free "
     "statement, with the sentence it came from as `evidence`:",
     ["prefbasis annotate --annotator rationale",
      "prefbasis query \"select description, evidence from annotations using sample 4 rows (reservoir, 7)\""], None),
    ("Extract the basis: embed the distinct descriptions (cached), select k categories, curves for k = 1..50, "
     "and the leakage metrics (is it a basis of preferences or of topics? `docs/metrics.md`):",
     ["prefbasis extract --k 21 --name prd-gpt4-reviews", "prefbasis show"], 18),
    ("Rate the models with bootstrap CIs: overall on the 7,040 human votes, then per preference category "
     "(the categories tag the GPT-4-judged battles they were derived from; rank is CI-based):",
     ["prefbasis pelo --judge human --scope overall --bootstrap 200",
      "prefbasis pelo --scope preference --bootstrap 200"], 12),
    ("Ask anything in SQL; canned queries live in `sql/queries/`:",
     ["prefbasis query --file sql/queries/category_shares.sql --param kind=preference"], 8),
    ("Export a category's pairs for DPO, then the report:",
     ["prefbasis export-dpo --category 0 --out tour/dpo-category-0",
      "prefbasis report --out tour/report.html"], 12),
]


def run(cmd: str, env: dict[str, str], cwd: Path, max_lines: int | None) -> str:
    argv = shlex.split(cmd)
    argv[0] = str(REPO / ".venv" / "bin" / argv[0])
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    lines = [ln for ln in (proc.stdout + proc.stderr).splitlines()
             if "it/s]" not in ln and "Loading weights" not in ln and "Creating parquet" not in ln
             and "ba/s]" not in ln and not ln.startswith("Map") and "Saving the dataset" not in ln]
    if proc.returncode != 0:
        raise SystemExit(f"tour step failed ({proc.returncode}): {cmd}\n" + "\n".join(lines))
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines] + ["…"]
    return "\n".join(ln[:160] + ("…" if len(ln) > 160 else "") for ln in lines)


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    work = REPO / "tour"  # git-ignored; exactly what a user following the README gets
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    env = dict(os.environ, PREFBASIS_DB="tour/tour.duckdb", HF_HUB_OFFLINE="1", PREFBASIS_QUIET="1")
    blocks = []
    for text, cmds, max_lines in STEPS:
        out = []
        for cmd in cmds:
            out.append(f"$ {cmd}\n{run(cmd, env, REPO, max_lines)}")
        blocks.append(f"{text}\n\n```console\n" + "\n".join(out) + "\n```\n")
    tour = ("From the repository root, `export PREFBASIS_DB=tour/tour.duckdb` keeps the commands short "
            "(or pass `--db PATH` to each).\n\n"
            + "\n".join(blocks))
    readme = (REPO / "README.md").read_text()
    new = re.sub(r"<!-- TOUR -->.*<!-- /TOUR -->", lambda _: f"<!-- TOUR -->\n{tour}<!-- /TOUR -->",
                 readme, flags=re.S)
    (REPO / "README.md").write_text(new)
    print(f"tour written ({work})")


if __name__ == "__main__":
    main()

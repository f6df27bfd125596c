"""`annotate --export-requests FILE` / `--import-results FILE`: the same request and result lines
as the Batch API, as files, for `vllm run-batch` (or any provider with that format).

The export is recorded in the store (`annotate_batches` kind 'export' and its items), so the
import maps every custom_id back to its comparison and configuration without the options of the
export having to be given again. A results file is read and checked whole before anything is
stored; a line whose custom_id was not exported from this store is an error naming its row.

Example:
    >>> # prefbasis annotate --model Qwen/Qwen2.5-7B-Instruct --export-requests req.jsonl
    >>> # vllm run-batch -i req.jsonl -o out.jsonl --model Qwen/Qwen2.5-7B-Instruct
    >>> # prefbasis annotate --model Qwen/Qwen2.5-7B-Instruct --import-results out.jsonl
"""
from __future__ import annotations

import os
from pathlib import Path

from prefbasis.annotate.base import AnnotationRequest
from prefbasis.annotate.batch import ledger
from prefbasis.annotate.batch.ingest import ingest_results
from prefbasis.annotate.batch.lines import parse_results, request_line
from prefbasis.annotate.batch.submit import require_chat_backend
from prefbasis.annotate.cache import cached_keys
from prefbasis.errors import InputError
from prefbasis.hashing import content_hash


def export_requests(run, pending: list[AnnotationRequest], path: Path) -> None:
    """Write the pending requests as batch input lines (recorded first, then written atomically)."""
    require_chat_backend(run.ann)
    report = run.report
    sub = ledger.Submission(content_hash("export", str(path.resolve()), report.run_id), "export",
                            str(path.resolve()), len(pending), run.ann.name, run.ann.model,
                            report.template_hash, run.params, report.run_id, status="exported")
    ledger.add_submission(run.store, sub, [(r.cache_key, r.comparison.comparison_id, r.swapped) for r in pending])
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    body = run.ann._body
    with open(tmp, "w", encoding="utf-8") as f:
        for r in pending:
            f.write(request_line(r.cache_key, body(r.messages)) + "\n")
    tmp.replace(path)
    report.extra["exported"] = len(pending)


def import_results(run, path: Path, requests: list[AnnotationRequest]) -> None:
    """Validate and store a results file written by `vllm run-batch` (or the Batch API)."""
    if not path.is_file():
        raise InputError("no such results file", file=str(path))
    lines = parse_results(path.read_bytes(), str(path))
    run.report.extra["imported_from"] = str(path)  # the file's failures are reported, not a failed run
    keys = list(dict.fromkeys(ln.custom_id for ln in lines))
    sub_ids = ledger.exports_holding(run.store, keys)
    item_map = ledger.items(run.store, sub_ids)
    for ln in lines:
        if ln.custom_id not in item_map:
            raise InputError(f"{ln.custom_id!r} is not a request exported from this store "
                             "(run `prefbasis annotate --export-requests` on it first)",
                             file=str(path), row=ln.row, field="custom_id")
    subs = ledger.submissions(run.store, sub_ids)
    by_key = {r.cache_key: r for r in requests}
    ingest_results(run, lines, item_map, subs, by_key, allow_repair=False, desc=f"import {path.name}")
    for sid in sub_ids:  # an export whose every request is now finished is collected
        sub_keys = list(ledger.items(run.store, [sid]))
        if subs[sid].kind == "export" and len(cached_keys(run.store, sub_keys)) == len(sub_keys):
            ledger.mark_collected(run.store, subs[sid])

"""The content-addressed annotate cache in the store, and the writes of finished results.

Key = hash(backend, model, template hash, parameters, comparison content). A finished result
(status 'ok' with its annotation rows, or 'failed' after the repair retry) is committed with its
cache row in one transaction, so a killed run leaves either both or neither: a restart re-asks
only what has no cache row. Transport failures are logged in `annotation_failures` but get no
cache row, so the next run retries them.

Example:
    >>> from prefbasis.annotate.base import Comparison
    >>> c = Comparison("c1", "q", "a", "b", "a")
    >>> cache_key("openai", "m", "t", {"x": 1}, c) == cache_key("openai", "m", "t", {"x": 1}, c)
    True
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, Comparison
from prefbasis.hashing import content_hash


def cache_key(annotator: str, model: str, template_hash: str | None, params: dict[str, Any],
              c: Comparison) -> str:
    """The cache key of one comparison under one annotator configuration."""
    return content_hash("annotate", annotator, model, template_hash, params,
                        c.prompt, c.response_a, c.response_b, c.winner, c.rationale,
                        *([c.presented_order] if c.presented_order else []))


def cached_keys(store, keys: list[str]) -> set[str]:
    """The subset of `keys` already finished in the store."""
    if not keys:
        return set()
    rows = store.con.execute("select cache_key from annotate_cache where cache_key in "
                             "(select unnest(?::varchar[]))", [keys]).fetchall()
    return {r[0] for r in rows}


@dataclass
class Finished:
    """A result ready to store: `parsed` for success, else `error` (+ raw)."""

    outcome: AnnotationOutcome
    parsed: dict[str, Any] | None
    error: str | None
    kind: str  # 'ok' | 'validation' | 'transport'
    cost_usd: float


_CACHE_COLS = ["cache_key", "comparison_id", "annotator", "model", "template_hash", "status", "swapped",
               "raw_output", "n_preferences", "tokens_in", "tokens_out", "cost_usd"]
_FAIL_COLS = ["failure_id", "comparison_id", "annotator", "model", "raw_output", "error", "cache_key", "kind"]
_ANN_COLS = ["annotation_id", "comparison_id", "preference", "description", "topic", "annotator", "model",
             "template_hash", "params", "swapped", "tokens_in", "tokens_out", "cost_usd", "cache_key", "evidence"]


def _bulk_insert(con, table: str, cols: list[str], rows: list[list[Any]]) -> None:
    if not rows:
        return
    import pandas as pd

    frame = pd.DataFrame(rows, columns=cols).astype(object)
    con.register("_pb_rows", frame)
    try:
        con.execute(f"insert into {table}({', '.join(cols)}) select {', '.join(cols)} from _pb_rows")
    finally:
        con.unregister("_pb_rows")


def write_results(store, results: list[Finished], *, run_id: str, annotator: str, model: str,
                  template_hash: str | None, params: dict[str, Any]) -> int:
    """Commit a batch of finished results in one transaction; returns the annotation rows written."""
    params_json = json.dumps(params, sort_keys=True)
    cache_rows, fail_rows, ann_rows = [], [], []
    with store.transaction() as con:
        done = cached_keys(store, [f.outcome.request.cache_key for f in results])
        for f in results:
            o, req = f.outcome, f.outcome.request
            cid = req.comparison.comparison_id
            if f.kind == "transport":
                fail_rows.append([content_hash(run_id, req.cache_key, "transport", len(fail_rows)), cid,
                                  annotator, model, o.raw, f.error, req.cache_key, "transport"])
                continue
            if req.cache_key in done:  # finished by an earlier run or earlier in this batch: no duplicate
                continue
            done.add(req.cache_key)
            status = "ok" if f.kind == "ok" else "failed"
            n = len(f.parsed["preferences"]) if f.parsed else 0
            cache_rows.append([req.cache_key, cid, annotator, model, template_hash, status, req.swapped, o.raw,
                               n, o.tokens_in, o.tokens_out, f.cost_usd])
            if status == "failed":
                fail_rows.append([content_hash(run_id, req.cache_key, "validation"), cid, annotator, model,
                                  o.raw, f.error, req.cache_key, "validation"])
                continue
            for i, p in enumerate(f.parsed["preferences"]):
                ann_rows.append([content_hash(req.cache_key, i), cid, p["preference"], p["description"],
                                 f.parsed.get("topic"), annotator, model, template_hash, params_json,
                                 req.swapped, o.tokens_in, o.tokens_out, f.cost_usd, req.cache_key,
                                 p.get("evidence")])
        _bulk_insert(con, "annotate_cache", _CACHE_COLS, cache_rows)
        _bulk_insert(con, "annotation_failures", _FAIL_COLS, fail_rows)
        _bulk_insert(con, "annotations", _ANN_COLS, ann_rows)
    return len(ann_rows)

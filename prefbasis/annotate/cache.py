"""The content-addressed annotate cache in the store, and the writes of finished results.

Key = hash(backend, model, template hash, parameters, comparison content). A finished result
(status 'ok' with its annotation rows, or 'failed' after the repair retry) is committed with its
cache row in one transaction, so a killed run leaves either both or neither: a restart re-asks
only what has no cache row. Transport failures are logged in `annotation_failures` but get no
cache row, so the next run retries them. Comparisons with identical content share one key and so
one request; `share_results` then gives each of them its own annotation (or validation-failure)
rows, copied from the entry, so no comparison is counted as annotated without rows of its own.

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


def share_results(store, pairs: list[tuple[str, str]]) -> int:
    """For each (cache key, comparison id) whose key finished (for any comparison) but that has no
    rows of its own yet: copy the entry's annotation rows ('ok') or validation failure ('failed')
    to that comparison, in one transaction. Returns the comparisons that got rows."""
    if not pairs:
        return 0
    import pandas as pd

    frame = pd.DataFrame(pairs, columns=["cache_key", "comparison_id"]).drop_duplicates()
    ann_cols = ", ".join(f"a.{c}" for c in _ANN_COLS)
    fail_cols = ", ".join(f"f.{c}" for c in _FAIL_COLS)
    with store.transaction() as con:
        con.register("_pb_share", frame)
        try:
            anns = con.execute(f"""
                select s.comparison_id as target, {ann_cols} from _pb_share s
                join annotate_cache k on k.cache_key = s.cache_key and k.status = 'ok'
                join annotations a on a.cache_key = s.cache_key and a.comparison_id <> s.comparison_id
                where not exists (select 1 from annotations b
                                  where b.cache_key = s.cache_key and b.comparison_id = s.comparison_id)
                qualify dense_rank() over (partition by s.cache_key, s.comparison_id
                                           order by a.comparison_id <> k.comparison_id, a.comparison_id) = 1
                order by target, a.annotation_id""").fetchall()
            fails = con.execute(f"""
                select s.comparison_id as target, {fail_cols} from _pb_share s
                join annotate_cache k on k.cache_key = s.cache_key and k.status = 'failed'
                join annotation_failures f on f.cache_key = s.cache_key and f.kind = 'validation'
                                           and f.comparison_id <> s.comparison_id
                where not exists (select 1 from annotation_failures g where g.cache_key = s.cache_key
                                  and g.comparison_id = s.comparison_id and g.kind = 'validation')
                qualify row_number() over (partition by s.cache_key, s.comparison_id
                                           order by f.comparison_id <> k.comparison_id, f.failure_id) = 1
                """).fetchall()
        finally:
            con.unregister("_pb_share")
        ann_rows = [[content_hash(r[1], r[0]), r[0], *r[3:]] for r in anns]
        fail_rows = [[content_hash(r[1], r[0]), r[0], *r[3:]] for r in fails]
        _bulk_insert(con, "annotations", _ANN_COLS, ann_rows)
        _bulk_insert(con, "annotation_failures", _FAIL_COLS, fail_rows)
    return len({r[1] for r in ann_rows} | {r[1] for r in fail_rows})

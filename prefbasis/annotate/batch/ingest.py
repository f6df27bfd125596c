"""Store batch results with the online path's validation, repair, cache and provenance.

Each result becomes an `AnnotationOutcome` and goes through the runner's own `finish` (schema
validation, one repair re-ask when the submission's configuration is the current one and a server
is there to ask), then `write_results` with the provenance recorded for its submission, a chunk per
transaction. Results whose cache key is already finished are skipped (counted as cache hits), so
ingesting the same file twice, or again after a kill, adds nothing.

Example:
    >>> _NoRepair(type("A", (), {"name": "openai", "uses_llm": True})()).uses_llm
    False
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest, Comparison
from prefbasis.annotate.batch.ledger import Submission
from prefbasis.annotate.batch.lines import ResultLine
from prefbasis.annotate.cache import Finished, cached_keys, write_results
from prefbasis.annotate.runner import run_sync as run_coro
from prefbasis.progress import progress

CHUNK = 1000  # results per transaction


class _NoRepair:
    """The run's annotator, except that it never re-asks (uses_llm False makes `finish` skip repair)."""

    uses_llm = False

    def __init__(self, ann: Any) -> None:
        self._ann = ann

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ann, name)


def _same_config(run, sub: Submission) -> bool:
    return (sub.annotator, sub.model, sub.template_hash, sub.params) == (
        run.ann.name, run.ann.model, run.report.template_hash, run.params)


def _outcome(line: ResultLine, key: str, comparison_id: str, swapped: bool,
             request: AnnotationRequest | None) -> AnnotationOutcome:
    req = request or AnnotationRequest(Comparison(comparison_id, None, None, None, "a"), key, swapped)
    return AnnotationOutcome(req, raw=line.content, tokens_in=line.tokens_in, tokens_out=line.tokens_out,
                             error=line.error, requests_made=1)


async def _finish(run, outcomes: list[AnnotationOutcome], repair: bool) -> list[Finished]:
    ann = run.ann
    if not repair:
        run.ann = _NoRepair(ann)
    try:
        return list(await asyncio.gather(*(run.finish(o) for o in outcomes)))
    finally:
        run.ann = ann


def ingest_results(run, lines: list[ResultLine], item_map: dict[str, tuple[str, bool, str]],
                   subs: dict[str, Submission], requests: dict[str, AnnotationRequest], *,
                   allow_repair: bool, desc: str) -> None:
    """Validate and store `lines` (every custom_id must be in `item_map`)."""
    store, report = run.store, run.report
    seen: set[str] = set()
    unique = [ln for ln in lines if not (ln.custom_id in seen or seen.add(ln.custom_id))]
    done = cached_keys(store, [ln.custom_id for ln in unique])
    todo = [ln for ln in unique if ln.custom_id not in done]
    report.cache_hits += len(unique) - len(todo)
    report.extra["duplicate_lines"] = report.extra.get("duplicate_lines", 0) + len(lines) - len(unique)
    bar = progress(total=len(todo), desc=desc, unit="result", quiet=run.cfg.quiet)

    async def go() -> None:
        for start in range(0, len(todo), CHUNK):
            groups: dict[str, list[AnnotationOutcome]] = defaultdict(list)
            for ln in todo[start:start + CHUNK]:
                cid, swapped, sid = item_map[ln.custom_id]
                groups[sid].append(_outcome(ln, ln.custom_id, cid, swapped, requests.get(ln.custom_id)))
            for sid, outcomes in groups.items():
                sub = subs[sid]
                finished = await _finish(run, outcomes, allow_repair and _same_config(run, sub))
                report.preferences += await asyncio.to_thread(
                    write_results, store, finished, run_id=report.run_id, annotator=sub.annotator,
                    model=sub.model, template_hash=sub.template_hash, params=sub.params)
                report.count(finished)
                bar.update(len(outcomes))
        await run.ann.aclose()

    try:
        run_coro(go())
    finally:
        bar.close()

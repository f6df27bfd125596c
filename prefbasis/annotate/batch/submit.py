"""`annotate --batch`: submit the pending requests to the OpenAI Batch API, wait, collect.

Order of work, each step recorded in the store before the next, so that `kill -9` at any point
loses and duplicates nothing (a rerun with the same options resumes):

1. a submission row and its items (custom_id = cache key) are committed;
2. the request file is uploaded (its id stored), the batch created with the submission id as
   metadata (its id stored); a run killed in between finds the batch by that metadata, or
   creates it from the stored file;
3. open batches are polled every `batch_poll_s` until they end (completed, expired, cancelled,
   failed); results and error lines are ingested like online results (`ingest.py`); the
   submission is then marked collected. Requests that failed or expired get no cache row and
   are submitted again by the next run.

Example:
    >>> BATCH_DISCOUNT
    0.5
"""
from __future__ import annotations

import time
from datetime import timezone

from prefbasis.annotate.base import AnnotationRequest
from prefbasis.annotate.batch import ledger
from prefbasis.annotate.batch.client import TERMINAL, BatchClient
from prefbasis.annotate.batch.ingest import ingest_results
from prefbasis.annotate.batch.lines import parse_results, request_line
from prefbasis.errors import ConfigError
from prefbasis.hashing import content_hash
from prefbasis.progress import progress

BATCH_DISCOUNT = 0.5  # the OpenAI Batch API's price: half the online price


class DiscountedPrices:
    """A price table at the batch discount (`cost` scaled, `lookup` unchanged)."""

    def __init__(self, table, factor: float = BATCH_DISCOUNT) -> None:
        self.table, self.factor = table, factor

    def cost(self, model: str, tokens_in: int, tokens_out: int) -> float:
        return self.table.cost(model, tokens_in, tokens_out) * self.factor

    def lookup(self, model: str):
        return self.table.lookup(model)


def require_chat_backend(ann) -> None:
    if not hasattr(ann, "_body"):
        raise ConfigError(f"--batch, --export-requests and --import-results need --annotator openai "
                          f"(an OpenAI-compatible chat model), not {ann.name!r}")


class BatchRun:
    """One `annotate --batch` run over the runner's state (`run`: the runner's `_Run`)."""

    def __init__(self, run, requests: list[AnnotationRequest], pending: list[AnnotationRequest]) -> None:
        require_chat_backend(run.ann)
        self.run, self.store, self.cfg, self.report = run, run.store, run.cfg, run.report
        self.by_key = {r.cache_key: r for r in requests}
        self.pending = pending
        self.base = self.cfg.base_url.rstrip("/")
        self.client = BatchClient(self.base, self.cfg.api_key_env, timeout_s=self.cfg.timeout_s,
                                  max_retries=self.cfg.max_retries, backoff_base_s=self.cfg.backoff_base_s,
                                  seed=self.cfg.seed)
        run.prices = DiscountedPrices(run.prices)

    def go(self) -> None:
        try:
            for sub in ledger.open_submissions(self.store, "batch", self.base):
                if sub.batch_id is None:
                    self._recover(sub)
            self._submit_new()
            self._poll_and_collect()
        finally:
            self.client.close()

    # -- submitting ----------------------------------------------------------------------------
    def _submit_new(self) -> None:
        waiting = ledger.open_keys(self.store, "batch", self.base)
        todo = [r for r in self.pending if r.cache_key not in waiting]
        self.report.extra["in_open_batches"] = len(self.pending) - len(todo)
        size = max(1, int(self.cfg.batch_max_requests))
        for i in range(0, len(todo), size):
            chunk = todo[i:i + size]
            if not self.run.budget.reserve(self.run.worst_case(chunk)):
                self.report.stopped_by_budget = True
                self.report.not_started += len(todo) - i
                return
            sid = content_hash("batch", self.report.run_id, i, [r.cache_key for r in chunk])
            sub = ledger.Submission(sid, "batch", self.base, len(chunk), self.run.ann.name, self.run.ann.model,
                                    self.report.template_hash, self.run.params, self.report.run_id)
            ledger.add_submission(self.store, sub, [(r.cache_key, r.comparison.comparison_id, r.swapped)
                                                    for r in chunk])
            self._send(sub, chunk)

    def _send(self, sub: ledger.Submission, reqs: list[AnnotationRequest]) -> None:
        if sub.input_file_id is None:
            body = self.run.ann._body
            data = "".join(request_line(r.cache_key, body(r.messages)) + "\n" for r in reqs).encode("utf-8")
            ledger.update(self.store, sub, input_file_id=self.client.upload(data, f"prefbasis-{sub.submission_id}.jsonl"))
        batch = self.client.create(sub.input_file_id, {"prefbasis_submission": sub.submission_id})
        ledger.update(self.store, sub, batch_id=batch["id"], status=batch.get("status") or "validating")
        self.report.extra["batches_submitted"] = self.report.extra.get("batches_submitted", 0) + 1

    def _recover(self, sub: ledger.Submission) -> None:
        """A submission without a batch id: the run was killed while submitting it."""
        since = sub.created_at.replace(tzinfo=timezone.utc).timestamp() - 600 if sub.created_at else 0.0
        for b in self.client.batches_since(since):
            if (b.get("metadata") or {}).get("prefbasis_submission") == sub.submission_id:
                ledger.update(self.store, sub, batch_id=b["id"], status=b.get("status") or "validating",
                              input_file_id=b.get("input_file_id") or sub.input_file_id)
                self.report.extra["batches_recovered"] = self.report.extra.get("batches_recovered", 0) + 1
                return
        keys = ledger.items(self.store, [sub.submission_id])
        reqs = [self.by_key[k] for k in keys if k in self.by_key]
        if sub.input_file_id is None and len(reqs) < len(keys):  # options changed: cannot rebuild it
            ledger.update(self.store, sub, status="abandoned")
            ledger.mark_collected(self.store, sub)
            return
        self._send(sub, reqs)

    # -- waiting and collecting ----------------------------------------------------------------
    def _poll_and_collect(self) -> None:
        subs = [s for s in ledger.open_submissions(self.store, "batch", self.base) if s.batch_id]
        bar = progress(total=sum(s.n_requests for s in subs), desc="batch (provider)", unit="req",
                       quiet=self.cfg.quiet)
        done_before: dict[str, int] = {}
        while subs:
            for sub in list(subs):
                b = self.client.get(sub.batch_id)
                changes = {k: b.get(k) for k in ("status", "output_file_id", "error_file_id")
                           if b.get(k) and b.get(k) != getattr(sub, k)}
                if changes:
                    ledger.update(self.store, sub, **changes)
                counts = b.get("request_counts") or {}
                finished = int(counts.get("completed") or 0) + int(counts.get("failed") or 0)
                bar.update(max(0, finished - done_before.get(sub.submission_id, 0)))
                done_before[sub.submission_id] = max(finished, done_before.get(sub.submission_id, 0))
                if sub.status in TERMINAL:
                    self._collect(sub, b)
                    subs.remove(sub)
            if not subs or not self.cfg.batch_wait:
                break
            time.sleep(self.cfg.batch_poll_s)
        bar.close()
        self.report.extra["batches_open"] = len(subs)

    def _collect(self, sub: ledger.Submission, batch: dict) -> None:
        lines = []
        for fid in (sub.output_file_id, sub.error_file_id):
            if fid:
                lines += parse_results(self.client.content(fid), f"batch {sub.batch_id} file {fid}")
        item_map = ledger.items(self.store, [sub.submission_id])
        answered = {ln.custom_id for ln in lines}
        missing = [k for k in item_map if k not in answered]
        if missing:  # a failed batch (e.g. validation) has no lines: all of it goes to the next run
            self.report.transport_errors += len(missing)
            errors = (batch.get("errors") or {}).get("data") or []
            self.report.extra.setdefault("batch_errors", []).append(
                f"batch {sub.batch_id} {sub.status}: {len(missing)} requests without a result"
                + (f" ({errors[0].get('message')})" if errors else ""))
        known = [ln for ln in lines if ln.custom_id in item_map]
        ingest_results(self.run, known, item_map, {sub.submission_id: sub}, self.by_key,
                       allow_repair=True, desc=f"collect {sub.batch_id}")
        ledger.mark_collected(self.store, sub)

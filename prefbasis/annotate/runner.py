"""`annotate(store, AnnotateConfig) -> AnnotateReport`: select, order, ask, validate, repair, store.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> annotate(store, AnnotateConfig(annotator="rationale")).selected
    0
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest, Annotator, Comparison
from prefbasis.annotate.cache import Finished, cache_key, cached_keys, share_results, write_results
from prefbasis.annotate.config import AnnotateConfig
from prefbasis.annotate.pricing import Budget, PriceTable
from prefbasis.annotate.registry import create_annotator
from prefbasis.annotate.schema import SchemaError, parse_annotation, validate_annotation
from prefbasis.annotate.select import dataset_corpus, select_comparisons
from prefbasis.annotate.templates import Template, estimate_tokens, load_template
from prefbasis.errors import ConfigError, PrefbasisError
from prefbasis.hashing import content_hash
from prefbasis.progress import progress
from prefbasis.redact import Redactor


@dataclass
class AnnotateReport:
    """What a run did (`requests` counts HTTP/model requests, retries and repairs included)."""

    annotator: str
    model: str
    template_hash: str | None
    selected: int = 0
    skipped_no_text: int = 0
    cache_hits: int = 0
    to_do: int = 0
    requests: int = 0
    annotated: int = 0
    preferences: int = 0
    failed: int = 0
    transport_errors: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    stopped_by_budget: bool = False
    stopped: bool = False            # `annotate(..., stop=event)` was set: the rest was not started
    not_started: int = 0
    dry_run: bool = False
    est_tokens_in: int = 0
    est_tokens_out: int = 0
    est_cost_usd: float = 0.0
    run_id: str = ""
    skip_reason: str = "without prompt/response text"
    hint: str = ""                       # what to do when nothing was selected
    shared: int = 0                 # comparisons given rows from an identical comparison's cache entry
    first_error: str | None = None  # the first failure of this run (redacted), for the message
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def all_failed(self) -> bool:
        """True when the run sent requests (to a server or model) and not one of them gave an
        annotation (e.g. every request got HTTP 401)."""
        return not self.dry_run and "imported_from" not in self.extra and self.requests > 0 \
            and self.annotated == 0 \
            and self.failed + self.transport_errors > 0

    def count(self, results: list[Finished]) -> None:
        """Add finished results to the counters (requests, tokens, cost, annotated/failed/errors)."""
        for f in results:
            self.requests += f.outcome.requests_made
            self.tokens_in += f.outcome.tokens_in
            self.tokens_out += f.outcome.tokens_out
            self.cost_usd += f.cost_usd
            if f.kind == "ok":
                self.annotated += 1
            elif f.kind == "validation":
                self.failed += 1
            else:
                self.transport_errors += 1
            if f.kind != "ok" and self.first_error is None:
                self.first_error = f.error

    def summary(self) -> str:
        """What the run did in a few lines: counts, then what was skipped and any hint."""
        if self.dry_run:
            text = (f"dry run: {self.selected} selected, {self.cache_hits} cached, {self.to_do} requests to make, "
                    f"~{self.est_tokens_in} input + <= {self.est_tokens_out} output tokens, "
                    f"estimated cost ${self.est_cost_usd:.4f}")
        elif "exported" in self.extra:
            text = f"{self.extra['exported']} requests exported ({self.cache_hits} already annotated)"
        else:
            text = (f"{self.annotated} annotated ({self.preferences} preferences), {self.failed} failed "
                    f"validation, {self.transport_errors} request errors, {self.cache_hits} cache hits, "
                    f"{self.requests} requests, cost ${self.cost_usd:.4f}")
        if self.extra.get("batches_open"):
            text += (f"; {self.extra['batches_open']} batch(es) still running at the provider "
                     "(run the same command again to collect them)")
        if self.shared:
            text += f", {self.shared} comparisons share identical content (rows copied)"
        if self.stopped:
            text += (f"; stopped on request: {self.to_do - self.not_started} of {self.to_do} done, "
                     f"{self.not_started} left (run again to do them)")
        if self.stopped_by_budget:
            text += (f"; stopped by the budget: {self.to_do - self.not_started} of {self.to_do} done, "
                     f"{self.not_started} left (run again with a larger --budget-usd)")
        if self.skipped_no_text:
            text += f"\nskipped {self.skipped_no_text} comparisons {self.skip_reason}"
        if self.hint:
            text += f"\n{self.hint}"
        return text


def run_params(cfg: AnnotateConfig, ann: Annotator) -> dict[str, Any]:
    """The parameters that enter the cache key (the seed only matters to LLM backends)."""
    return dict(ann.params(), seed=cfg.seed) if ann.uses_llm else ann.params()


def _build_requests(cfg: AnnotateConfig, ann: Annotator, template: Template | None,
                    comps: list[Comparison]) -> list[AnnotationRequest]:
    params = run_params(cfg, ann)
    out = []
    for c in comps:
        key = cache_key(ann.name, ann.model, template.hash if template else None, params, c)
        swapped = ann.uses_llm and int(content_hash("swap", cfg.seed, c.comparison_id)[:8], 16) % 2 == 1
        req = AnnotationRequest(c, key, swapped)
        if template is not None:
            req = AnnotationRequest(c, key, swapped, template.render(c.prompt or "", req.first or "",
                                                                      req.second or "", req.winner_position))
        out.append(req)
    return out


class _Run:
    """State of one run: budget, buffered results, counters."""

    def __init__(self, store, cfg: AnnotateConfig, ann: Annotator, template: Template | None,
                 report: AnnotateReport, prices: PriceTable, stop: threading.Event) -> None:
        self.store, self.cfg, self.ann, self.template, self.report = store, cfg, ann, template, report
        self.stop = stop   # set: no further batch starts (`annotate(stop=...)`, or an interrupt in a notebook)
        self.prices = prices
        self.priced = bool(getattr(ann, "priced", ann.name == "openai"))
        self.budget = Budget(cfg.budget_usd)
        self.buffer: list[Finished] = []
        self.last_flush = time.monotonic()
        self._writer: asyncio.Task | None = None  # the one commit in flight (a worker thread)
        self.params = run_params(cfg, ann)
        self.redactor = Redactor((cfg.api_key_env,))

    def clean(self, o: AnnotationOutcome) -> AnnotationOutcome:
        """The outcome with the API key (and any Bearer token) redacted from everything a server
        or model returned, before anything is stored, printed or parsed."""
        r = self.redactor
        o.raw, o.error, o.invalid, o.parsed = r.text(o.raw), r.text(o.error), r.text(o.invalid), r.value(o.parsed)
        return o

    def cost(self, tin: int, tout: int) -> float:
        return self.prices.cost(self.ann.model, tin, tout) if self.priced else 0.0

    def worst_case(self, reqs: list[AnnotationRequest]) -> float:
        return sum(self.cost(estimate_tokens("".join(m["content"] for m in r.messages)), self.cfg.max_tokens)
                   for r in reqs)

    async def finish(self, o: AnnotationOutcome) -> Finished:
        o = self.clean(o)
        if o.error:
            return Finished(o, None, o.error, "transport", self.cost(o.tokens_in, o.tokens_out))
        error = None
        for attempt in (0, 1):
            try:
                if o.invalid:
                    raise SchemaError(o.invalid)
                parsed = validate_annotation(o.parsed) if o.parsed is not None else parse_annotation(o.raw or "")
                return Finished(o, parsed, None, "ok", self.cost(o.tokens_in, o.tokens_out))
            except SchemaError as exc:
                error = str(exc)
            if attempt == 1 or not self.ann.uses_llm:
                break
            worst = self.worst_case([o.request]) * 1.5
            if not self.budget.reserve(worst):
                error += " (no repair retry: budget)"
                break
            before = o
            o = self.clean(await self.ann.repair(o, error))
            self.budget.settle(worst, self.cost(o.tokens_in - before.tokens_in, o.tokens_out - before.tokens_out))
            if o.error:
                return Finished(o, None, o.error, "transport", self.cost(o.tokens_in, o.tokens_out))
        return Finished(o, None, error, "validation", self.cost(o.tokens_in, o.tokens_out))

    def add(self, results: list[Finished], force: bool = False) -> None:
        self.buffer.extend(results)
        self.report.count(results)
        if force or len(self.buffer) >= self.cfg.flush_every or time.monotonic() - self.last_flush > 0.25:
            self._start_flush()

    def _start_flush(self) -> None:
        """Commit the buffer in a worker thread (one writer: while a commit runs, results keep
        buffering and go in the next one), so the event loop keeps the requests moving."""
        if self._writer is not None:
            if not self._writer.done():
                return
            self._writer.result()  # a failed commit stops the run here
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        self._writer = asyncio.get_running_loop().create_task(asyncio.to_thread(self._write, batch))

    def _write(self, batch: list[Finished]) -> None:
        """One transaction: the annotation/failure rows and their cache rows, all or nothing."""
        self.report.preferences += write_results(
            self.store, batch, run_id=self.report.run_id, annotator=self.ann.name,
            model=self.ann.model, template_hash=self.report.template_hash, params=self.params)

    async def drain(self) -> None:
        """Wait for the commit in flight, then commit what is left (end of run, or interrupted)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:
                await asyncio.shield(writer)
            except asyncio.CancelledError:  # interrupted twice: the thread may still be writing, so
                raise                         # write nothing more; the next run re-asks the rest
        if self.buffer:
            batch, self.buffer = self.buffer, []
            self._write(batch)
        self.last_flush = time.monotonic()

    async def go(self, pending: list[AnnotationRequest]) -> None:
        size = max(1, int(getattr(self.ann, "batch_size", 1)))
        batches = [pending[i:i + size] for i in range(0, len(pending), size)]
        queue: asyncio.Queue = asyncio.Queue()
        for b in batches:
            queue.put_nowait(b)
        bar = progress(total=len(pending), desc=f"annotate ({self.ann.name})", unit="cmp", quiet=self.cfg.quiet)

        async def worker() -> None:
            while not queue.empty() and not self.report.stopped_by_budget:
                if self.stop.is_set():  # the batches in flight finish
                    self.report.stopped = True
                    self.report.not_started += sum(len(b) for b in _drain(queue))
                    return
                batch = queue.get_nowait()
                worst = self.worst_case(batch)
                if not self.budget.reserve(worst):
                    self.report.stopped_by_budget = True
                    self.report.not_started += len(batch) + sum(len(b) for b in _drain(queue))
                    return
                outcomes = await self.ann.annotate_batch(batch)
                self.budget.settle(worst, sum(self.cost(o.tokens_in, o.tokens_out) for o in outcomes))
                finished = [await self.finish(o) for o in outcomes]
                self.add(finished)
                bar.update(len(batch))

        try:
            await asyncio.gather(*(worker() for _ in range(max(1, self.cfg.concurrency))))
        finally:
            await self.drain()
            bar.close()
            await self.ann.aclose()


def _drain(queue: asyncio.Queue) -> list:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


def _record_run(store, report: AnnotateReport, params: dict[str, Any], ended: bool, completed: bool) -> None:
    """Write the run's row: started (no end time), or ended (end time; interrupted unless completed)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with store.transaction() as con:
        con.execute("delete from annotate_runs where run_id = ?", [report.run_id])
        con.execute(
            "insert into annotate_runs values (?, coalesce(?, ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [report.run_id, report.extra.get("started_at"), now, now if ended else None, report.annotator,
             report.model, report.template_hash, json.dumps(params, sort_keys=True), report.selected,
             report.requests, report.cache_hits, report.annotated, report.failed, report.cost_usd,
             report.stopped_by_budget, ended and not completed])
    report.extra.setdefault("started_at", now)


def _empty_hint(store, cfg: AnnotateConfig, skipped: int, ann: Annotator) -> str:
    """Why nothing was selected, and what to run."""
    if not store.scalar("select count(*) from comparisons"):
        return "the store has no comparisons yet: run `prefbasis ingest SOURCE --format F` first"
    if skipped:
        need = "prompt and both responses" if ann.uses_llm else "a rationale"
        return (f"no selected comparison has {need}; "
                + ("try --annotator rationale" if ann.uses_llm else "try an LLM backend (--annotator openai)"))
    return "no comparison matches --dataset/--where (ties need --include-ties)"


def run_sync(coro, on_interrupt: Callable[[], None] | None = None) -> Any:
    """Run a coroutine to completion, also from inside a running event loop (Jupyter): there it
    runs on a fresh loop in a worker thread, because a running loop cannot be re-entered.

    An interrupt (Ctrl-C, Jupyter's "interrupt kernel") reaches this thread, not the worker: it
    calls `on_interrupt` (annotate's: start no further batch), waits for the worker to wind down
    (what is in flight is stored; further interrupts do not cut the wait short, so nothing is
    written after the run's record is closed), then re-raises, with the worker's own error, if any,
    as its cause. Without it the worker would run to the end.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor, wait

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefbasis-annotate") as pool:
        future = pool.submit(asyncio.run, coro)
        try:
            return future.result()
        except KeyboardInterrupt as interrupt:
            if on_interrupt is not None:
                on_interrupt()
            while not future.done():
                try:
                    wait([future])
                except KeyboardInterrupt:
                    continue
            error = future.exception()
            if error is not None:
                raise interrupt from error
            raise


def annotate(store, config: AnnotateConfig | None = None, annotator: Annotator | None = None, *,
             stop: threading.Event | None = None) -> AnnotateReport:
    """Annotate the selected comparisons (see `docs/annotate.md`); `annotator` overrides the registry.

    Works in scripts and inside a running event loop (notebooks). The run is recorded in
    `annotate_runs`; a run that stops on an error or an interrupt is recorded as interrupted.
    `stop` (a `threading.Event`, for a run in another thread; online runs, not `--batch`/imports):
    once set, no further batch starts, the ones in flight are stored, and the run returns with
    `report.stopped` (recorded as interrupted; running again does the rest).
    """
    cfg = config or AnnotateConfig()
    if cfg.concurrency < 1:
        raise ConfigError("--concurrency must be at least 1")
    if cfg.workers is not None and cfg.workers < 1:
        raise ConfigError("--workers must be at least 1")
    if cfg.budget_usd is not None and cfg.budget_usd < 0:
        raise ConfigError("--budget-usd must be >= 0")
    ann = annotator or create_annotator(cfg.annotator, cfg)
    template = load_template(cfg.prompt_file) if ann.uses_llm else None
    prices = PriceTable.load(cfg.prices)
    priced = bool(getattr(ann, "priced", ann.name == "openai"))
    if priced and cfg.budget_usd is not None and prices.lookup(ann.model) is None:
        raise ConfigError(f"no price for model {ann.model!r}, so --budget-usd cannot be enforced: "
                          f"give --prices FILE with {{\"{ann.model}\": {{\"input\": X, \"output\": Y}}}}")
    comps, skipped = select_comparisons(store, dataset=cfg.dataset, where=cfg.where, limit=cfg.limit,
                                        include_ties=cfg.include_ties, needs_text=ann.uses_llm)
    if hasattr(ann, "prepare"):
        ann.prepare(dataset_corpus(store, comps))
    report = AnnotateReport(ann.name, ann.model, template.hash if template else None,
                            selected=len(comps), skipped_no_text=skipped, dry_run=cfg.dry_run,
                            skip_reason=("without prompt/response text" if ann.uses_llm
                                         else "without a rationale"))
    if not comps:
        report.hint = _empty_hint(store, cfg, skipped, ann)
    requests = _build_requests(cfg, ann, template, comps)
    done = cached_keys(store, [r.cache_key for r in requests])
    pending, asked = [], set(done)
    for r in requests:  # one request per content: identical comparisons share its result
        if r.cache_key not in asked:
            asked.add(r.cache_key)
            pending.append(r)
    report.cache_hits, report.to_do = len(requests) - len(pending), len(pending)
    run = _Run(store, cfg, ann, template, report, prices, stop or threading.Event())
    if cfg.dry_run:
        report.est_tokens_in = sum(estimate_tokens("".join(m["content"] for m in r.messages)) for r in pending)
        report.est_tokens_out = cfg.max_tokens * len(pending) if ann.uses_llm else 0
        report.est_cost_usd = run.cost(report.est_tokens_in, report.est_tokens_out)
        return report
    report.run_id = content_hash("run", datetime.now(timezone.utc).isoformat(), ann.name, id(report))
    run_params_ = {k: v for k, v in asdict(cfg).items() if k not in ("quiet",)}
    _record_run(store, report, run_params_, ended=False, completed=False)
    completed = False
    try:
        from prefbasis.annotate.batch import run_offline, wants_offline

        if wants_offline(cfg):
            run_offline(run, requests, pending)
        elif pending:
            run_sync(run.go(pending), on_interrupt=run.stop.set)
        report.shared = share_results(store, [(r.cache_key, r.comparison.comparison_id) for r in requests])
        completed = not report.stopped
    finally:  # an error or an interrupt still closes the run's record (interrupted = true)
        _record_run(store, report, run_params_, ended=True, completed=completed)
    return report


class AllRequestsFailed(PrefbasisError):
    """Every request of an annotate run failed (e.g. all HTTP 401): the CLI exits 2."""

    def __init__(self, report: AnnotateReport) -> None:
        super().__init__(f"every request failed ({report.failed} failed validation, "
                         f"{report.transport_errors} request errors, 0 annotated); the first: "
                         f"{report.first_error}")

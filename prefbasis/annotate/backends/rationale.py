"""The `rationale` annotator: preferences from the free-text rationale that came with the data
(a rater's justification or an LLM judge's explanation), without any LLM.

Each rationale goes through the description stage (`prefbasis.annotate.describe`): read the
judge's reference style and verdict, keep the claims that set the winner apart, and write each as
a short, content-free statement ("The preferred response is more concise.") with the sentence it
came from as its evidence. The winner's position is the stored `winner`, seen through
`presented_order` when the judge saw the pair swapped. Which words count as subject matter is
learned from every rationale of the datasets annotated (`prepare`), so a comparison's statements
do not depend on which other comparisons a run selects. The topic is a short phrase built from the
prompt's content words.

Example:
    >>> from prefbasis.annotate.base import Comparison, AnnotationRequest
    >>> c = Comparison("c1", "How can I improve my time management skills?", "x", "y", "a",
    ...     "Both Assistant 1 and Assistant 2 were helpful. Assistant 1 gave more concrete examples "
    ...     "than Assistant 2.\\nAssistant 1: 9/10\\nAssistant 2: 7/10\\n1")
    >>> out = RationaleAnnotator().annotate_one(AnnotationRequest(c, "k", False)).parsed
    >>> out["topic"], out["preferences"][0]["preference"]
    ('improve time management skills', 'more concrete examples')
    >>> out["preferences"][0]["description"]
    'The preferred response gives more concrete examples.'
"""
from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest, BaseAnnotator, Comparison
from prefbasis.annotate.describe import EvaluativeVocabulary, describe_rationale, winner_position
from prefbasis.cpus import usable_cores

DESCRIBER_VERSION = "describe-v7"

STOPWORDS = set("""a an the of to in on for and or with about from by as at is are was were be been being do does
did can could would should will shall may might must i me my we our you your it its this that these those what
which who whom whose how why when where there here some any all most more very much many such into than then
please tell explain describe write give list provide discuss compose draft create imagine pretend suppose
let us let's if you're i'm ways way main best effective key important some other also have has had just like
between well really possible potential certain""".split())


def derive_topic(prompt: str | None, max_words: int = 4) -> str:
    """A short topic from the prompt's first sentence: its leading content words, lowercased."""
    if not prompt:
        return "unspecified topic"
    first = re.split(r"(?<=[.?!])\s", prompt.strip(), maxsplit=1)[0]
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z+#'-]*", first)]
    content = [w.strip("'") for w in words if w not in STOPWORDS and len(w) > 2]
    picked = content[:max_words] or words[:2] or ["unspecified", "topic"]
    return " ".join(picked)


PARALLEL_FROM = 1_000   # rationales: below this, starting worker processes costs more than it saves
MAX_AUTO_WORKERS = 8


def resolve_workers(workers: int | None, n_rationales: int) -> int:
    """Processes for the description stage: `workers` if given, else the CPU count (at most
    `MAX_AUTO_WORKERS`) when there are at least `PARALLEL_FROM` rationales, else 1 (this process).

    Example:
        >>> resolve_workers(1, 10**6), resolve_workers(None, 10)
        (1, 1)
    """
    if workers is not None:
        return int(workers)
    return min(usable_cores(), MAX_AUTO_WORKERS) if n_rationales >= PARALLEL_FROM else 1


def _describe_many(vocabulary: EvaluativeVocabulary, limit: int, items: list[tuple]) -> list[tuple]:
    """In a worker process: (rationale, position, context) -> (failure, detail, preferences).
    The vocabulary travels with each batch (a few milliseconds to pickle), so one pool of workers
    serves every dataset and run in this process instead of restarting per vocabulary."""
    out = []
    for rationale, position, context in items:
        r = describe_rationale(rationale, position, context, vocabulary, limit=limit)
        out.append((r.failure, r.detail, r.preferences))
    return out


def _pass_on(done: Future, to: Future) -> None:
    """Give `to` the result of `done`, or an error if it failed or was cancelled (a pool shut
    down): either way `to` ends, so that nothing waits on it for ever. A `to` that has ended
    already (cancelled by whoever awaited it) is left as it is."""
    if to.done():
        return
    if done.cancelled():
        to.set_exception(RuntimeError("the description batch was cancelled"))
        return
    error = done.exception()
    if error is not None:
        to.set_exception(error)
    else:
        to.set_result(done.result())


class _AheadChain:
    """Batches that `describe_ahead` feeds to a pool, at most `at_once` running at a time. A thread
    of its own submits them (never a pool's callback: loky's `submit` takes the lock that resizing
    its reusable pool holds while it waits for running jobs, whose callbacks would then wait on
    it). `stop()` ends the chunks not yet submitted with an error."""

    def __init__(self, pool, work: list[tuple], at_once: int) -> None:
        self.results: list[Future] = [Future() for _ in work]   # each chunk's, once its batch has run
        self._stop = threading.Event()
        self._slots = threading.Semaphore(at_once)
        self._thread = threading.Thread(target=self._feed, args=(pool, work), daemon=True,
                                        name="prefbasis-describe-ahead")
        self._thread.start()

    def _feed(self, pool, work: list[tuple]) -> None:
        for (fn, *args), result in zip(work, self.results):
            self._slots.acquire()
            if self._stop.is_set():
                result.set_exception(RuntimeError("described ahead no longer: stopped"))
                self._slots.release()
                continue
            try:
                batch = pool.submit(fn, *args)
            except Exception as exc:  # noqa: BLE001 - a pool shut down or broken: annotate describes it afresh
                result.set_exception(exc)
                self._slots.release()
                continue
            batch.add_done_callback(lambda done, result=result: self._done(done, result))

    def _done(self, done: Future, result: Future) -> None:
        try:
            _pass_on(done, result)
        finally:
            self._slots.release()

    def stop(self) -> None:
        self._stop.set()


_WARM_RATIONALE = ("Assistant 1 gave a more detailed and accurate answer with concrete examples, while "
                   "Assistant 2 was vague and missed the question.")


def _warm(_: int) -> bool:
    """In a worker: import the description stage and load its word tables (lemminflect's take
    about a second), so that the first real batch does not wait for them."""
    describe_rationale(_WARM_RATIONALE, 0, ("How do I learn to cook?", "x", "y"), EvaluativeVocabulary(), limit=3)
    return True


# how long the description stage's idle worker processes wait for more work before they exit
WORKER_IDLE_SECONDS = 120


def worker_pool(n_workers: int):
    """The description stage's reusable process pool of `n_workers` (one per process: the same
    arguments give the same pool). loky (joblib's process pool, a dependency of scikit-learn): its
    workers never re-run the caller's __main__ (multiprocessing's spawn/forkserver do, so an
    unguarded script or a notebook would run again), and none is forked from this process, which
    may hold DuckDB's and the encoders' threads.

    Idle workers stay `WORKER_IDLE_SECONDS` (loky's default, 10 s, retired them while `prefbasis
    demo` embedded and fitted the simulated data, and the real example then paid ≈ 1.5 CPU-s per
    worker to start and load the word tables again)."""
    from joblib.externals.loky import get_reusable_executor

    global _POOL
    _POOL = get_reusable_executor(max_workers=n_workers, timeout=WORKER_IDLE_SECONDS)
    return _POOL


_POOL = None   # the last pool `worker_pool` handed out


def end_workers() -> None:
    """End the description stage's worker processes now, without letting them wind down: for a
    command that is about to exit (their interpreter's own shutdown took 0.36 s of `prefbasis
    demo`'s wall time, with nothing to save: every result has been received). Idle workers are
    killed; a later `worker_pool` starts new ones."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=False, kill_workers=True)
        _POOL = None


def warm_workers(n_rationales: int, workers: int | None = None) -> int:
    """Start the pool that annotating `n_rationales` will use and load the description stage in
    each worker, without waiting (the caller goes on; `prefbasis demo` simulates meanwhile).
    Returns the pool's size (1: no pool, nothing started).

    Example:
        >>> warm_workers(10)   # below PARALLEL_FROM: described in this process, nothing to start
        1
    """
    n = resolve_workers(workers, n_rationales)
    if n > 1:
        pool = worker_pool(n)
        for i in range(n):
            pool.submit(_warm, i)
    return n


class RationaleAnnotator(BaseAnnotator):
    """No-LLM backend over `comparisons.rationale` (needs no prompt/response text, costs nothing).

    The description stage is pure Python and CPU-bound: with many rationales it runs in `workers`
    processes (`resolve_workers`); each comparison's result does not depend on which process
    described it, so the annotations are the same as in one process.
    """

    name = "rationale"
    model = "rationale-describe-v2"
    uses_llm = False
    batch_size = 256
    max_preferences = 3

    def __init__(self, vocabulary: EvaluativeVocabulary | None = None, workers: int | None = None) -> None:
        self.vocabulary = vocabulary or EvaluativeVocabulary()
        self.workers, self.n_workers_ = workers, 1
        self._pool = None   # a pool to use instead of the shared one (tests)
        self._corpus: tuple = ()            # what `prepare` learned the vocabulary from
        self._ahead: dict[tuple, tuple[Future, int]] = {}   # described ahead: item -> (its chunk, index)
        self._ahead_for = self.max_preferences              # the limit they were described with
        self._chains: list[_AheadChain] = []

    def prepare(self, corpus: Sequence[Comparison]) -> None:
        """Learn which words are evaluative from every rationale of the datasets annotated. The
        same corpus again keeps what was learned (and what `describe_ahead` started)."""
        with_text = [c for c in corpus if c.rationale]
        seen = tuple((c.comparison_id, c.rationale) for c in with_text)
        if seen == self._corpus:
            return
        self._forget_ahead()   # described with another vocabulary
        self._corpus = seen
        self.vocabulary = EvaluativeVocabulary().fit(
            [c.rationale for c in with_text], [c.prompt or c.comparison_id for c in with_text],
            [(c.prompt, c.response_a, c.response_b) for c in with_text])
        self.n_workers_ = resolve_workers(self.workers, len(with_text))

    def describe_ahead(self, comparisons: Sequence[Comparison], at_once: int | None = None) -> int:
        """Start describing `comparisons` in the worker processes and return at once (call
        `prepare` on their corpus first); `annotate` with this annotator then takes these results
        instead of describing them again. At most `at_once` batches run at a time (default: one
        per worker), so that the caller keeps the other cores; work submitted meanwhile (another
        run's batches) goes first. With one worker (few rationales) nothing starts: 0. Returns how
        many comparisons were started.

        For work beside other work: `prefbasis demo` ingests the bundled real dataset and starts
        its descriptions on one worker, then simulates and fits on the other core.

        Example:
            >>> ann = RationaleAnnotator(workers=1)
            >>> ann.describe_ahead([Comparison("c1", "q", "x", "y", "a", "Assistant 1 is clearer.")])
            0
        """
        if at_once is not None and at_once < 1:
            raise ValueError(f"at_once must be at least 1, got {at_once}")
        if self.n_workers_ <= 1:
            return 0
        items = [self._item_of(c) for c in comparisons if c.rationale]
        chunks = [items[start:start + self.batch_size] for start in range(0, len(items), self.batch_size)]
        chain = _AheadChain(self._worker_pool(), [(_describe_many, self.vocabulary, self.max_preferences, chunk)
                                                  for chunk in chunks], at_once or self.n_workers_)
        self._chains.append(chain)
        self._ahead_for = self.max_preferences
        for chunk, result in zip(chunks, chain.results):
            self._ahead.update((item, (result, i)) for i, item in enumerate(chunk))
        return len(items)

    def _forget_ahead(self) -> None:
        """Drop what `describe_ahead` started (a new vocabulary, or the run is over)."""
        for chain in self._chains:
            chain.stop()
        self._chains.clear()
        self._ahead.clear()

    def params(self) -> dict[str, Any]:
        return {"max_preferences": self.max_preferences, "describer": DESCRIBER_VERSION,
                "vocabulary": self.vocabulary.fingerprint()}

    @staticmethod
    def _item_of(c: Comparison) -> tuple:
        """What the description stage reads of a comparison: (rationale, winner's position, context)."""
        return c.rationale, winner_position(c.winner, c.presented_order), (c.prompt, c.response_a, c.response_b)

    @staticmethod
    def _outcome(request: AnnotationRequest, failure: str | None, detail: str | None,
                 preferences: list) -> AnnotationOutcome:
        c = request.comparison
        if failure:
            reason = failure + (f": {detail}" if detail else "")
            return AnnotationOutcome(request, raw=c.rationale or "", invalid=reason)
        return AnnotationOutcome(request, raw=None, parsed={"topic": derive_topic(c.prompt), "preferences": preferences})

    def annotate_one(self, request: AnnotationRequest) -> AnnotationOutcome:
        rationale, position, context = self._item_of(request.comparison)
        r = describe_rationale(rationale, position, context, self.vocabulary, limit=self.max_preferences)
        return self._outcome(request, r.failure, r.detail, r.preferences)

    def _worker_pool(self):
        # asked each time: loky's reusable pool replaces one that broke or was shut down
        return self._pool if self._pool is not None else worker_pool(self.n_workers_)

    async def annotate_batch(self, requests: list[AnnotationRequest]) -> list[AnnotationOutcome]:
        if self.n_workers_ <= 1:
            return [self.annotate_one(r) for r in requests]
        items = [self._item_of(r.comparison) for r in requests]
        results: list[tuple | None] = [None] * len(items)
        if self._ahead and self._ahead_for != self.max_preferences:
            self._forget_ahead()   # described with another limit
        if self._ahead:  # described ahead (`describe_ahead`): wait for those
            for k, started in enumerate(self._ahead.pop(item, None) for item in items):
                if started is not None:
                    batch, i = started
                    try:
                        results[k] = (batch.result() if batch.done() else await asyncio.wrap_future(batch))[i]
                    except Exception:  # noqa: BLE001 - its batch failed: described afresh below
                        results[k] = None
        todo = [k for k, res in enumerate(results) if res is None]
        if todo:
            fresh = await asyncio.get_running_loop().run_in_executor(
                self._worker_pool(), _describe_many, self.vocabulary, self.max_preferences, [items[k] for k in todo])
            for k, res in zip(todo, fresh):
                results[k] = res
        return [self._outcome(r, *res) for r, res in zip(requests, results)]

    async def aclose(self) -> None:
        # the reusable executor keeps its workers for the next run, then retires them
        self._forget_ahead()

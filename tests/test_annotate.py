"""Unit tests of the annotation engine's parts: schema, templates, prices, registry, rationale."""
from __future__ import annotations

import json

import pytest

from annotate_helpers import add_comparisons
from prefbasis.annotate import (AnnotateConfig, AnnotationOutcome, BaseAnnotator, PriceTable, SchemaError,
                                annotate, load_template, parse_annotation, register_annotator)
from prefbasis.annotate.backends.rationale import derive_topic
from prefbasis.annotate.describe import describe_rationale
from prefbasis.errors import ConfigError, InputError

GOOD = {"topic": "cooking pasta", "preferences": [{"preference": "more detail", "description": "It has steps."}]}


def test_parse_repairs_fences_chatter_and_truncation():
    text = json.dumps(GOOD)
    assert parse_annotation("```json\n" + text + "\n```") == GOOD
    assert parse_annotation("Here you go: " + text + " Hope it helps") == GOOD
    truncated = parse_annotation(text[:-3])  # cut inside the closing brackets
    assert truncated["preferences"][0]["preference"] == "more detail"


@pytest.mark.parametrize("bad, msg", [
    ("no json here", "no JSON object"),
    ('{"topic": "x", "preferences": []}', "non-empty list"),
    ('{"topic": "x", "reasons": ["a"]}', "preferences"),
    (json.dumps({"topic": "t", "preferences": [GOOD["preferences"][0]] * 4}), "at most 3"),
    ('{"topic": "a b", "preferences": [{"preference": "' + "w " * 12 + '", "description": "d"}]}', "words"),
])
def test_schema_errors_say_why(bad, msg):
    with pytest.raises(SchemaError, match=msg):
        parse_annotation(bad)


def test_template_versions_hash_and_placeholders(tmp_path):
    t = load_template("v1")
    msgs = t.render("Q {response_1}?", "first", "second", winner_position=2)
    user = msgs[1]["content"]
    assert "preferred Response 2" in user and "Q {response_1}?" in user  # no double substitution
    assert '{"topic":' in user  # JSON braces are literal
    assert load_template("v1").hash == t.hash
    f = tmp_path / "p.txt"
    f.write_text("Question: {prompt}\nWinner: {winner}\n{response_1}\n{response_2}")
    mine = load_template(str(f))
    assert mine.hash != t.hash and mine.render("q", "x", "y", 1)[0]["content"].startswith("Question: q")
    with pytest.raises(ConfigError, match="no prompt template"):
        load_template("v999")


def test_few_shot_template_turns(tmp_path):
    t = load_template("v1_compact")
    msgs = t.render("Q {response_2}?", "first", "second", winner_position=2)
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    parse_annotation(msgs[2]["content"])  # the worked example is itself a valid annotation
    assert msgs[3]["content"].startswith("Question: Q {response_2}?\nResponse 1: first\nResponse 2: second")
    assert "Response 2 was preferred" in msgs[3]["content"] and "{winner}" not in msgs[3]["content"]
    assert "rated equal" in t.render("q", "a", "b", winner_position=0)[-1]["content"]  # v1_compact_tie.txt
    assert t.hash != load_template("v1").hash
    bad = tmp_path / "bad.txt"
    bad.write_text("### user\n{prompt}\n### assistant\n{}")
    with pytest.raises(ConfigError, match="must end with a '### user' section"):
        load_template(str(bad))


def test_price_table_override_and_bad_file(tmp_path):
    p = tmp_path / "prices.yaml"
    p.write_text("my-model:\n  input: 1.0\n  output: 2.0\n")
    table = PriceTable.load(p)
    assert table.cost("my-model", 1_000_000, 500_000) == pytest.approx(2.0)
    assert table.cost("gpt-4o-mini-2024-07-18", 1_000_000, 0) == pytest.approx(0.15)
    bad = tmp_path / "bad.json"
    bad.write_text('{"m": {"input": "cheap"}}')
    with pytest.raises(InputError, match="numeric"):
        PriceTable.load(bad)


def test_rationale_keeps_differences_and_drops_verdicts():
    text = ("Both Assistant 1 and Assistant 2 provided helpful answers.\n\n"
            "However, Assistant 2's answer included more concrete examples and was more accurate.\n"
            "Assistant 1 made an error in the calculation.\n"
            "Assistant 1: 6/10\nAssistant 2: 9/10\n\n2")
    prefs = describe_rationale(text, winner=2).preferences
    descs = " ".join(p["description"] for p in prefs)
    assert prefs and "/10" not in descs and "Both" not in descs
    assert "the preferred response" in descs.lower() and "Assistant" not in descs
    assert all(2 <= len(p["preference"].split()) <= 6 for p in prefs)
    assert derive_topic("What are the main differences between Python and JavaScript?") == \
        "differences python javascript"


def test_rationale_run_and_plugin(store):
    add_comparisons(store, 5, ties=2, no_text=1)
    rep = annotate(store, AnnotateConfig(annotator="rationale"))
    # rationale needs no text: the row without prompt is annotated too; ties skipped by default
    assert rep.selected == 6 and rep.annotated == 6 and rep.requests == 0
    assert store.scalar("select count(distinct comparison_id) from annotations") == 6
    assert store.scalar("select count(*) from annotations where description like '%/10%'") == 0

    class Longer(BaseAnnotator):
        name, model = "longer", "len-v1"

        def annotate_one(self, req):
            return AnnotationOutcome(req, parsed={"topic": "any topic", "preferences": [
                {"preference": "longer answer", "description": "The preferred response is longer."}]})

    register_annotator("longer-test", lambda cfg: Longer(), replace=True)
    rep = annotate(store, AnnotateConfig(annotator="longer-test", include_ties=True, where="c.prompt is not null"))
    assert rep.annotated == 7
    assert store.scalar("select count(*) from annotations where annotator = 'longer'") == 7


def test_bad_options_change_nothing(store):
    add_comparisons(store, 3)
    before = store.table_counts()
    with pytest.raises(ConfigError, match="no dataset"):
        annotate(store, AnnotateConfig(annotator="rationale", dataset="nope"))
    with pytest.raises(ConfigError, match="--workers"):
        annotate(store, AnnotateConfig(annotator="rationale", workers=0))
    with pytest.raises(ConfigError, match="unknown annotator"):
        annotate(store, AnnotateConfig(annotator="nope"))
    from prefbasis.errors import QueryError
    with pytest.raises(QueryError, match="--where"):
        annotate(store, AnnotateConfig(annotator="rationale", where="no_such_column = 1"))
    assert store.table_counts() == before


def test_annotate_inside_a_running_event_loop(store):
    """A notebook runs cells inside an event loop: annotate must work there too."""
    import asyncio

    add_comparisons(store, 4)

    async def cell():
        assert asyncio.get_running_loop() is not None
        return annotate(store, AnnotateConfig(annotator="rationale"))

    rep = asyncio.run(cell())
    assert rep.annotated == 4
    row = store.execute("select finished_at is not null, interrupted from annotate_runs").fetchall()
    assert row == [(True, False)]


def test_a_failing_run_is_recorded_as_interrupted(store):
    add_comparisons(store, 3)

    class Broken(BaseAnnotator):
        name, model = "broken", "b-v1"

        def annotate_one(self, req):
            raise RuntimeError("backend bug")

    register_annotator("broken-test", lambda cfg: Broken(), replace=True)
    with pytest.raises(RuntimeError, match="backend bug"):
        annotate(store, AnnotateConfig(annotator="broken-test"))
    assert store.execute("select finished_at is not null, interrupted from annotate_runs").fetchall() == \
        [(True, True)]


def test_a_run_told_to_stop_keeps_its_batches_in_flight_and_the_next_run_does_the_rest(store):
    """`annotate(..., stop=event)` (a run in a background thread, e.g. the demo's): once the event is
    set no batch starts; what finished is stored, the run is recorded as interrupted, and running
    again annotates exactly the rest."""
    import threading

    add_comparisons(store, 10)
    stop = threading.Event()

    class StopsAfterOne(BaseAnnotator):
        name, model, batch_size = "stops", "s-v1", 3

        async def annotate_batch(self, requests):
            stop.set()   # set while the first batch is in flight
            return [self.annotate_one(r) for r in requests]

        def annotate_one(self, req):
            return AnnotationOutcome(req, parsed={"topic": "any topic", "preferences": [
                {"preference": "longer answer", "description": "The preferred response is longer."}]})

    register_annotator("stops-test", lambda cfg: StopsAfterOne(), replace=True)
    rep = annotate(store, AnnotateConfig(annotator="stops-test", concurrency=1), stop=stop)
    assert rep.stopped and (rep.annotated, rep.not_started) == (3, 7)
    assert "stopped on request: 3 of 10 done, 7 left" in rep.summary()
    assert store.scalar("select count(distinct comparison_id) from annotations") == 3
    assert store.execute("select finished_at is not null, interrupted from annotate_runs").fetchall() == \
        [(True, True)]
    rest = annotate(store, AnnotateConfig(annotator="stops-test", concurrency=1))
    assert (rest.cache_hits, rest.annotated, rest.stopped) == (3, 7, False)
    assert store.scalar("select count(*) from annotations") == 10


def test_an_interrupt_in_a_notebook_stops_the_run_within_its_batch_in_flight(store):
    """Inside a running event loop (Jupyter) the run goes on in a worker thread, and an interrupt
    reaches the waiting cell's thread. The run then starts no further batch, stores the one in
    flight, is recorded as interrupted, and the interrupt reaches the cell; before, the worker
    went on to the last comparison while the cell waited."""
    import asyncio
    import os
    import signal

    add_comparisons(store, 12)

    class InterruptedOnce(BaseAnnotator):
        name, model, batch_size = "interrupted", "i-v1", 4
        calls = 0

        async def annotate_batch(self, requests):
            InterruptedOnce.calls += 1
            if InterruptedOnce.calls == 1:
                os.kill(os.getpid(), signal.SIGINT)   # Ctrl-C / "interrupt kernel", while this batch runs
                await asyncio.sleep(0.2)
                os.kill(os.getpid(), signal.SIGINT)   # pressed again: the wait for this batch goes on
                await asyncio.sleep(0.3)
            return [self.annotate_one(r) for r in requests]

        def annotate_one(self, req):
            return AnnotationOutcome(req, parsed={"topic": "any topic", "preferences": [
                {"preference": "longer answer", "description": "The preferred response is longer."}]})

    register_annotator("interrupted-test", lambda cfg: InterruptedOnce(), replace=True)

    async def cell():
        return annotate(store, AnnotateConfig(annotator="interrupted-test", concurrency=1))

    # as in ipykernel: Python's own SIGINT handler (another library in this test process may have
    # installed its own), and a loop without asyncio.run's SIGINT handling
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(KeyboardInterrupt):
            loop.run_until_complete(cell())
    finally:
        loop.close()
        signal.signal(signal.SIGINT, previous)
    assert InterruptedOnce.calls == 1   # and its 4 results are stored before the run's record is closed:
    assert store.scalar("select count(distinct comparison_id) from annotations") == 4
    assert store.execute("select finished_at is not null, interrupted from annotate_runs").fetchall() == \
        [(True, True)]
    rest = annotate(store, AnnotateConfig(annotator="interrupted-test", concurrency=1))
    assert (rest.cache_hits, rest.annotated) == (4, 8)


def test_empty_selection_says_what_to_do(store):
    rep = annotate(store, AnnotateConfig(annotator="rationale"))
    assert rep.selected == 0 and "prefbasis ingest" in rep.summary()
    add_comparisons(store, 0, ties=2)
    assert "--include-ties" in annotate(store, AnnotateConfig(annotator="rationale")).summary()


def test_skip_reason_names_what_is_missing(store):
    add_comparisons(store, 2, no_text=1)
    with store.transaction() as con:   # one decided row without a rationale
        con.execute("update comparisons set rationale = null where comparison_id = "
                    "(select min(comparison_id) from comparisons where prompt is not null)")
    rep = annotate(store, AnnotateConfig(annotator="rationale"))
    assert rep.skipped_no_text == 1 and "skipped 1 comparisons without a rationale" in rep.summary()


def test_the_description_pool_keeps_idle_workers_through_a_demo_stage(monkeypatch):
    """loky retires idle workers after 10 s by default; the demo's embed and extract (≈ 15 s) sit
    between its two annotations, so the pool asks for `WORKER_IDLE_SECONDS` (≥ 60 s) instead."""
    from joblib.externals import loky

    from prefbasis.annotate.backends import rationale

    asked = {}
    monkeypatch.setattr(loky, "get_reusable_executor", lambda **kw: asked.update(kw) or "pool")
    assert rationale.worker_pool(3) == "pool"
    assert asked == {"max_workers": 3, "timeout": rationale.WORKER_IDLE_SECONDS}
    assert rationale.WORKER_IDLE_SECONDS >= 60


def _worker_pids(pool) -> set[int]:
    """The pids of a 2-worker pool's processes (four short tasks reach both workers)."""
    import os
    import time

    def pid() -> int:
        time.sleep(0.3)
        return os.getpid()
    return {f.result() for f in [pool.submit(pid) for _ in range(4)]}


def test_rationale_in_worker_processes_writes_what_one_process_writes(tmp_path):
    """The description stage in 2 worker processes (`--workers 2`) gives the same annotations,
    failures and annotation parameters as in this process, on the bundled real reviews and then,
    through the same pool of workers, on a simulated dataset with another vocabulary."""
    from prefbasis.annotate.backends.rationale import resolve_workers, warm_workers, worker_pool
    from prefbasis.ingest import IngestConfig, ingest
    from prefbasis.simulate import SimulationConfig, simulate
    from prefbasis.store import Store

    assert warm_workers(5000, workers=2) == 2 and worker_pool(2) is worker_pool(2)   # one pool per size
    pool = worker_pool(2)
    started = _worker_pids(pool)
    tables = {}
    for workers in (1, 2):
        with Store.open(tmp_path / f"w{workers}.duckdb") as store:
            ds = ingest(store, IngestConfig(example="prd-vicuna80")).dataset_id
            rep = annotate(store, AnnotateConfig(annotator="rationale", dataset=ds, workers=workers, quiet=True))
            assert rep.annotated > 1000
            sim = simulate(store, SimulationConfig(n_comparisons=400, n_distinct=200, n_judges=10, seed=3)).dataset_id
            rep = annotate(store, AnnotateConfig(annotator="rationale", dataset=sim, workers=workers, quiet=True))
            assert rep.annotated > 300
            tables[workers] = (
                store.execute("select comparison_id, preference, description, evidence, topic from annotations "
                              "order by all").fetchall(),
                store.execute("select comparison_id, error from annotation_failures order by all").fetchall(),
                store.execute("select distinct params, model from annotations order by all").fetchall())   # cache identity
    assert tables[1] == tables[2]
    assert len({p for p, _ in tables[2][2] if p}) == 2   # two vocabularies (fingerprints in the params)
    assert worker_pool(2) is pool   # both datasets were described by the pool warmed above
    assert _worker_pids(pool) == started   # by the workers warmed above, not by new ones
    assert resolve_workers(None, 10) == 1 and resolve_workers(3, 10) == 3   # few rationales: this process


class _CountingPool:
    """A thread pool that records the most batches it ever had running at once (and can fail them)."""

    def __init__(self, fail: bool = False) -> None:
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self.inner, self.fail = ThreadPoolExecutor(4), fail
        self.lock, self.running, self.peak, self.submitted = threading.Lock(), 0, 0, 0

    def _run(self, fn, *args):
        if self.fail:
            raise RuntimeError("worker lost")
        return fn(*args)

    def _done(self, _) -> None:
        with self.lock:
            self.running -= 1

    def submit(self, fn, *args):
        with self.lock:
            self.running += 1
            self.submitted += 1
            self.peak = max(self.peak, self.running)
        future = self.inner.submit(self._run, fn, *args)
        future.add_done_callback(self._done)
        return future


class _RefusingPool:
    def submit(self, *args, **kwargs):
        raise AssertionError("described again: the results described ahead were not used")


def _prepared(store, sim, batch_size: int | None = None) -> tuple:
    """A simulated dataset in `store` and a 2-worker rationale annotator prepared on it, as
    `annotate` would prepare it: (dataset id, annotator, its comparisons)."""
    from prefbasis.annotate.backends.rationale import RationaleAnnotator
    from prefbasis.annotate.select import dataset_corpus, select_comparisons
    from prefbasis.simulate import simulate

    ds = simulate(store, sim).dataset_id
    ann = RationaleAnnotator(workers=2)
    if batch_size:
        ann.batch_size = batch_size
    comparisons, _ = select_comparisons(store, dataset=ds, needs_text=False)
    ann.prepare(dataset_corpus(store, comparisons))
    return ds, ann, comparisons


def _annotations(store) -> tuple:
    return (store.execute("select comparison_id, preference, description, evidence, topic from annotations "
                          "order by all").fetchall(),
            store.execute("select comparison_id, error from annotation_failures order by all").fetchall(),
            store.execute("select distinct params, model from annotations order by all").fetchall())


@pytest.mark.filterwarnings("ignore:Trying to resize an executor with running jobs")
def test_annotations_described_ahead_are_those_described_on_demand(tmp_path):
    """`describe_ahead` starts the description stage and returns; `annotate` with that annotator
    then takes its results (it submits nothing more) and stores exactly what an ordinary run
    stores. `at_once` bounds the batches running at a time."""
    import threading

    from prefbasis.annotate.backends.rationale import RationaleAnnotator, worker_pool
    from prefbasis.simulate import SimulationConfig, simulate
    from prefbasis.store import Store

    sim = SimulationConfig(n_comparisons=300, n_distinct=150, n_judges=10, seed=5)
    with Store.open(tmp_path / "plain.duckdb") as store:
        ds = simulate(store, sim).dataset_id
        annotate(store, AnnotateConfig(annotator="rationale", dataset=ds, workers=1, quiet=True))
        expected = _annotations(store)
    for at_once, peak in ((1, 1), (None, 2)):
        with Store.open(tmp_path / f"ahead{at_once}.duckdb") as store:
            ds, ann, comparisons = _prepared(store, sim, batch_size=40)
            ann._pool = pool = _CountingPool()
            assert ann.describe_ahead(comparisons, at_once=at_once) == len(comparisons) > 200
            for started, _ in list(ann._ahead.values()):
                started.result(timeout=60)
            assert (pool.peak, pool.submitted) == (peak, -(-len(comparisons) // 40))
            pool.inner.shutdown()
            ann._pool = _RefusingPool()
            rep = annotate(store, AnnotateConfig(annotator="rationale", dataset=ds, quiet=True), ann)
            assert rep.annotated + rep.failed == len(comparisons) and not ann._ahead
            assert _annotations(store) == expected
    with Store.open(tmp_path / "lost.duckdb") as store:   # batches that failed ahead are described afresh
        ds, ann, comparisons = _prepared(store, sim)
        ann._pool = _CountingPool(fail=True)
        ann.describe_ahead(comparisons)
        ann._pool = again = _CountingPool()
        annotate(store, AnnotateConfig(annotator="rationale", dataset=ds, quiet=True), ann)
        assert _annotations(store) == expected and again.submitted > 0
        again.inner.shutdown()
    for resize in (False, True):   # the real worker processes, annotating while they still describe
        with Store.open(tmp_path / f"loky{resize}.duckdb") as store:
            ds, ann, comparisons = _prepared(store, sim, batch_size=20)
            ann.describe_ahead(comparisons, at_once=1)

            def run() -> None:
                if resize:   # another run resizes the shared pool mid-chain: no deadlock, results the same
                    worker_pool(3)
                annotate(store, AnnotateConfig(annotator="rationale", dataset=ds, quiet=True), ann)
            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            worker.join(timeout=120)
            assert not worker.is_alive(), "annotate hung on what was described ahead"
            assert _annotations(store) == expected
    from concurrent.futures import Future

    from prefbasis.annotate.backends.rationale import _pass_on
    cancelled, passed = Future(), Future()
    cancelled.cancel()
    _pass_on(cancelled, passed)                 # a batch cancelled (its pool shut down) still ends its chunk
    assert isinstance(passed.exception(timeout=1), RuntimeError)
    other = RationaleAnnotator(workers=2)   # another corpus: what was described ahead no longer applies
    other._ahead[("x",)] = (None, 0)
    other.prepare(comparisons[:10])
    assert not other._ahead

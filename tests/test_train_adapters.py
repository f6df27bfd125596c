"""evaluate with several adapters: the base is scored once, each adapter's rows equal a run with it
alone, roles follow each adapter's own category; selectivity from the same per-pair values."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from prefbasis.cli import main as cli
from prefbasis.errors import ConfigError
from prefbasis.store import Store
from prefbasis.train.config import EvalConfig
from test_train_export import populate
from test_train_loop import FAST

BATCH = 4


@pytest.fixture(scope="module")
def two_adapters(tmp_path_factory):
    """A tiny model, two categories' exports and one adapter trained on each (a few steps)."""
    from prefbasis.train.tiny import build_tiny_model

    root = tmp_path_factory.mktemp("adapters")
    model = build_tiny_model(root / "lm", seed=0)
    db = str(root / "store.duckdb")
    with Store.open(db) as store:
        populate(store, n=48, n_prompts=24, short_wins=False)
    data = {"concise": root / "concise", "polite": root / "polite"}
    for name, category in (("concise", "concise answers"), ("polite", "polite tone")):
        assert cli(["--db", db, "-q", "export-dpo", "--category", category, "--out", str(data[name]),
                    "--test-size", "0.4"]) == 0
    adapters = {}
    for name in data:
        adapters[name] = root / f"{name}-lora"
        assert cli(["--db", db, "-q", "train", "--data", str(data[name]), "--model", str(model),
                    "--output_dir", str(adapters[name]), *FAST, "--max_steps", "4", "--save_strategy", "no",
                    "--final_eval", "false"]) == 0
    return {"db": db, "model": model, "data": {k: str(v) for k, v in data.items()},
            "adapters": {k: str(v) for k, v in adapters.items()}}


class ForwardCounter:
    """Counts forward calls of the whole causal LM (not its submodules) while active."""

    def __init__(self):
        self.calls = 0

    def __enter__(self):
        from torch.nn.modules.module import register_module_forward_hook

        def hook(module, args, output):
            if type(module).__name__ == "LlamaForCausalLM":
                self.calls += 1

        self.handle = register_module_forward_hook(hook)
        return self

    def __exit__(self, *exc):
        self.handle.remove()


def _batches(data: list[str]) -> int:
    from prefbasis.train.export import load_export_splits

    return sum(math.ceil(2 * len(load_export_splits(d)["test"]) / BATCH) for d in data)


def test_several_adapters_share_one_base_pass(two_adapters, capsys):
    from prefbasis.train.evaluation import evaluate

    t = two_adapters
    data = [t["data"]["concise"], t["data"]["polite"]]
    adapters = [t["adapters"]["concise"], t["adapters"]["polite"]]
    passes = _batches(data)
    singles = {}
    for a in adapters:
        with ForwardCounter() as fc:
            singles[a] = evaluate(None, EvalConfig(adapter=a, data=data, batch_size=BATCH, n_bootstrap=200))
        assert fc.calls == 2 * passes        # base + tuned
    capsys.readouterr()
    with ForwardCounter() as fc:
        assert cli(["--db", t["db"], "-q", "evaluate", "--adapter", adapters[0], "--adapter", adapters[1],
                    "--data", data[0], "--other", data[1], "--batch-size", str(BATCH),
                    "--n-bootstrap", "200", "--format", "json"]) == 0
    assert fc.calls == 3 * passes            # base once + each adapter
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    keys = ("data", "role", "category", "metric", "variant")
    for a in adapters:
        mine = {tuple(r[k] for k in keys): r for r in rows if r["adapter"] == a}
        alone = {tuple(r[k] for k in keys): r for r in singles[a].frame.to_dict(orient="records")}
        assert set(mine) == set(alone) and len(mine) == 14   # 2 data x (3 accuracy + 3 margin + 1 reward)
        for key, r in alone.items():
            for col in ("value", "ci_low", "ci_high", "n"):
                assert mine[key][col] == pytest.approx(r[col], abs=1e-9), (a, key, col)
    # each adapter's own category is the export it was trained on, whatever the --data order
    roles = {(r["adapter"], r["category"]) for r in rows if r["role"] == "category"}
    assert roles == {(adapters[0], "concise answers"), (adapters[1], "polite tone")}
    with Store.open(t["db"], read_only=True) as s:
        stored = s.df("select evaluation_id, adapter, count(*) n from evaluations group by 1, 2")
    assert len(set(stored["evaluation_id"])) == 1 and sorted(stored["adapter"]) == sorted(adapters)
    assert set(stored["n"]) == {14}


def test_selectivity_uses_the_evaluated_pairs(two_adapters):
    from prefbasis.train.evaluation import evaluate
    from prefbasis.train.selectivity import selectivity

    t = two_adapters
    own, other = t["data"]["concise"], t["data"]["polite"]
    res = evaluate(None, EvalConfig(adapter=[t["adapters"]["concise"], t["adapters"]["polite"]],
                                    data=[own, other], batch_size=BATCH, n_bootstrap=300))
    f = res.frame
    for metric in ("preference_accuracy", "preference_margin"):
        s = selectivity(res, t["adapters"]["concise"], own=own, other=other, metric=metric)
        delta = {r.data: r.value for r in f[(f.adapter == t["adapters"]["concise"]) & (f.metric == metric)
                                            & (f.variant == "delta")].itertuples()}
        assert s.own_delta == pytest.approx(delta[own]) and s.other_delta == pytest.approx(delta[other])
        assert s.value == pytest.approx(delta[own] - delta[other])
        assert s.ci_low <= s.value <= s.ci_high and s.own_ci[0] <= s.own_delta <= s.own_ci[1]
        assert (s.n_own, s.n_other) == (int(f[f.data == own].n.iloc[0]), int(f[f.data == other].n.iloc[0]))
    with pytest.raises(ConfigError, match="no 'preference_accuracy' deltas"):
        selectivity(res, "no-such-adapter", own=own, other=other)


def test_cluster_bootstrap_moves_shared_prompts_together():
    from prefbasis.train.selectivity import cluster_bootstrap_means, selectivity_from_pairs

    rng = np.random.default_rng(0)
    d = rng.normal(size=60)
    units = [f"p{i}" for i in range(60)]
    # the same pairs judged in opposite directions: other = -own, so own - other = 2 own exactly
    m_own, m_other = cluster_bootstrap_means([(d, units), (-d, units)], 500, seed=1)
    assert np.allclose(m_own, -m_other)
    s = selectivity_from_pairs(d, units, -d, units, n_boot=500, confidence=0.95, seed=1)
    alone = selectivity_from_pairs(d, units, -d, [f"q{i}" for i in range(60)], n_boot=500,
                                   confidence=0.95, seed=1)
    # resampled together, the interval is that of 2 x mean(own): wider than if the sets were independent
    assert (s.ci_high - s.ci_low) > 1.2 * (alone.ci_high - alone.ci_low)
    assert s.n_prompts == 60 and alone.n_prompts == 120
    with pytest.raises(ConfigError, match="both categories"):
        selectivity_from_pairs(d, units, d[:0], [], n_boot=10, confidence=0.95, seed=0)


def test_length_matched_selectivity_standardizes_both_sets_to_one_length_mix(two_adapters):
    from prefbasis.train.evaluation import evaluate
    from prefbasis.train.selectivity import length_matched_selectivity, length_strata, selectivity

    t = two_adapters
    own, other = t["data"]["concise"], t["data"]["polite"]
    res = evaluate(None, EvalConfig(adapter=[t["adapters"]["concise"]], data=[own, other], batch_size=BATCH,
                                    n_bootstrap=200))
    adapter = t["adapters"]["concise"]
    strata = {d: length_strata(d) for d in (own, other)}
    pooled = np.concatenate(list(strata.values()))
    for metric in ("preference_accuracy", "preference_margin"):
        m = length_matched_selectivity(res, adapter, own=own, other=other, metric=metric)
        expect = {}
        for d in (own, other):   # by hand: Σ_s share_s(both sets) · mean of the set's deltas in s
            delta = res.pairs[(adapter, d)][metric]["delta"]
            expect[d] = sum(np.mean(pooled == s) * delta[strata[d] == s].mean() for s in np.unique(pooled))
        assert m.own_delta == pytest.approx(expect[own]) and m.other_delta == pytest.approx(expect[other])
        assert m.value == pytest.approx(expect[own] - expect[other]) and m.ci_low <= m.value <= m.ci_high
        assert m.n_prompts == selectivity(res, adapter, own=own, other=other, metric=metric).n_prompts


def test_evaluate_prints_each_adapters_selectivity_table(two_adapters, capsys):
    from prefbasis.train.evaluation import evaluate
    from prefbasis.train.selectivity import selectivity, selectivity_table

    t = two_adapters
    data = [t["data"]["concise"], t["data"]["polite"]]
    adapters = [t["adapters"]["concise"], t["adapters"]["polite"]]
    res = evaluate(None, EvalConfig(adapter=adapters, data=data, batch_size=BATCH, n_bootstrap=200))
    table = selectivity_table(res)
    assert len(table) == 4 and set(table["adapter"]) == set(adapters)   # 2 adapters x 1 other x 2 metrics
    row = table[(table.adapter == adapters[1]) & (table.metric == "preference_margin")].iloc[0]
    assert (row.own, row.other) == (data[1], data[0])   # the polite adapter's own category is its export
    s = selectivity(res, adapters[1], own=data[1], other=data[0], metric="preference_margin")
    assert row.selectivity == pytest.approx(s.value) and (row.ci_low, row.ci_high) == pytest.approx((s.ci_low, s.ci_high))
    capsys.readouterr()
    assert cli(["--db", t["db"], "-q", "evaluate", "--adapter", adapters[0], "--adapter", adapters[1],
                "--data", data[0], "--data", data[1], "--batch-size", str(BATCH), "--n-bootstrap", "200"]) == 0
    out = capsys.readouterr().out
    printed = out[out.index("selectivity = delta on its own category"):]
    assert "length_matched" in printed and sum(a in line for line in printed.splitlines() for a in adapters) == 4


def test_matched_selectivity_equals_raw_when_the_mixes_agree_and_needs_every_stratum():
    from prefbasis.train.selectivity import matched_selectivity_from_pairs, selectivity_from_pairs

    rng = np.random.default_rng(3)
    own, other = rng.normal(size=40), rng.normal(size=40)
    strata = np.repeat([0, 1], 20)
    units = [f"p{i}" for i in range(40)]
    raw = selectivity_from_pairs(own, units, other, units, n_boot=100, confidence=0.95, seed=0)
    m = matched_selectivity_from_pairs(own, units, strata, other, units, strata, n_boot=100, confidence=0.95, seed=0)
    assert m.value == pytest.approx(raw.value)
    # other mixes 30 / 10 instead of 20 / 20: each set is re-weighted to the pooled shares 50/80, 30/80
    o_strata = np.repeat([0, 1], [30, 10])
    m = matched_selectivity_from_pairs(own, units, strata, other, units, o_strata, n_boot=100, confidence=0.95, seed=0)
    w0, w1 = 50 / 80, 30 / 80
    assert m.own_delta == pytest.approx(w0 * own[:20].mean() + w1 * own[20:].mean())
    assert m.other_delta == pytest.approx(w0 * other[:30].mean() + w1 * other[30:].mean())
    assert m.n_boot_used == 100   # every resample draws a prompt in every cell
    # a one-pair cell: resamples that miss its prompt have no value and are counted out of the CI
    lone = matched_selectivity_from_pairs(own, units, np.repeat([0, 1], [39, 1]), other, [f"q{i}" for i in range(40)],
                                          strata, n_boot=200, confidence=0.95, seed=0)
    assert 0 < lone.n_boot_used < 200
    with pytest.raises(ConfigError, match="no held-out pair in stratum 1"):
        matched_selectivity_from_pairs(own, units, np.zeros(40), other, units, strata, n_boot=10,
                                       confidence=0.95, seed=0)


def test_adapters_on_different_bases_are_refused(two_adapters, tmp_path):
    import shutil

    from prefbasis.train.adapters import common_base_model

    t = two_adapters
    other = tmp_path / "other-lora"
    shutil.copytree(t["adapters"]["polite"], other)
    card = json.loads((other / "training_card.json").read_text())
    (other / "training_card.json").write_text(json.dumps(card | {"base_model": "another/model"}))
    with pytest.raises(ConfigError, match="different base models"):
        common_base_model([t["adapters"]["concise"], str(other)])
    assert common_base_model([t["adapters"]["concise"], str(other)], base="x") == "x"
    assert cli(["--db", t["db"], "evaluate", "--adapter", t["adapters"]["concise"], "--adapter", str(other),
                "--data", t["data"]["concise"]]) == 2

"""Is DPO on one preference category selective? Two adapters, two categories, one harmlessness control (CPU).

The closed loop on real judges (issue 15): LLMBar's six LLM judges (their rationales as written,
`presented_order` kept) -> `annotate --annotator rationale` -> `extract --k 21` (MiniLM) -> two
categories that prefer different things -> `export-dpo --dedupe --exclude <the other>` (split by
prompt, seeded hash: no held-out prompt of either category was trained on by either adapter) ->
one LoRA adapter per category, same budget (same optimizer steps, batch, learning rate) ->
`evaluate` both adapters against one pass of the base model on both categories' held-out pairs and
on hh-rlhf harmless -> the 2 x 3 table of accuracy and margin deltas and each adapter's
selectivity = delta(own category) - delta(other category), with a joint prompt-cluster bootstrap
CI (docs/metrics.md, "Selectivity").

Choosing the two categories (printed, with the best candidates' counts): a category's *length
preference* is the share of its deduplicated pairs whose chosen response is shorter (characters).
Among pairs of categories with at least `--min-train` train pairs each, take the two whose length
preferences differ most; both counted on what the adapters get (deduplicated, each category
without the other's same-direction pairs: a rationale that praises detail *and* concision puts
its comparison in both, and such pairs are left out of both). If no pair
qualifies, the pair with the largest smaller train split is used and the script says so.
`--categories A B` overrides the rule. `--pair-rule same-length` (run 5) takes instead a pair whose
length preferences differ by at most `--max-gap` (the one with the most held-out pairs), so that a
selective effect cannot be the two categories' different length preferences.

Besides the plain selectivity the table gives the *length-matched* one (both categories' deltas at
one mix of "chosen shorter" / "chosen longer" pairs, and with four strata of the length ratio),
and a split of every margin delta by whether the chosen response is the shorter one.

Why LLMBar (not pooled with PRD): both categories then come from the same prompts and
response pairs, often the same pair judged in opposite directions by two judges for two different
reasons, so a selective effect cannot be a difference of prompt domain. `--with-pandalm` (run 9)
adds PandaLM's two judges, whose prompts are instructions of the same kind, as one dataset with
LLMBar's (runs 9 and 10 were made so, before `extract --pool` fit one basis on several datasets;
kept so that they reproduce): about twice the pairs per category.

Checkpointed in `--work` (a killed run resumes): the store and basis, each finished adapter (and
its trainer checkpoints every `--save-every` steps), and the evaluation (`evaluation.pkl`).

Run (not in CI; the full run trains two SmolLM2-135M-Instruct adapters, ~1 h on the 2-core VM):
    .venv/bin/python benchmarks/dpo_selectivity.py --bf16 --threads 2 --epochs 3 --lr 3e-4 --eval-limit 200
Run 5 (a pair with the same length preference):
    .venv/bin/python benchmarks/dpo_selectivity.py --bf16 --threads 2 --epochs 3 --lr 1e-4 --eval-limit 200 \
        --k 12 --pair-rule same-length --work /tmp/sel-same
Run 9 (LLMBar and PandaLM pooled, a same-length pair, run 6's step budget):
    .venv/bin/python benchmarks/dpo_selectivity.py --with-pandalm --bf16 --threads 2 --max-steps 48 --lr 3e-4 \
        --eval-limit 200 --k 12 --pair-rule same-length --work /tmp/sel-pool
Which pair the rule picks at several k (pair counts only, no training):
    .venv/bin/python benchmarks/dpo_selectivity.py --compare-k 8 10 12 14 21 --work /tmp/sel-k12
Smoke (tiny random model built in code, minutes):
    .venv/bin/python benchmarks/dpo_selectivity.py --tiny --max-steps 2 --eval-limit 16 --work /tmp/sel-smoke
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dpo_effect import DATA, Budget, add_harmless_category, train_argv, train_seed  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
BASIS = "llmbar-judges"
# length strata by chosen/rejected characters: < 2/3, < 1, < 3/2, >= 3/2 (log scale)
FOUR_STRATA = (math.log(2 / 3), 0.0, math.log(3 / 2))
LLMBAR = DATA / "llmbar" / "llmbar_cot.jsonl.gz"
PANDALM = DATA / "pandalm" / "pandalm_testset.jsonl.gz"


def pooled_judges(out: Path) -> Path:
    """LLMBar's and PandaLM's rows in one JSONL file at `out` (one dataset, so one basis covers both,
    as in runs 9 and 10; `extract --pool` now does this for datasets ingested apart). PandaLM's judges saw the responses in the stored order ("Response
    1" is `response_a`), which its rows now say in `presented_order`; the ids are already distinct."""
    import gzip

    with gzip.open(out, "wt", encoding="utf-8") as dst, gzip.open(LLMBAR, "rt", encoding="utf-8") as llmbar, \
            gzip.open(PANDALM, "rt", encoding="utf-8") as pandalm:
        dst.writelines(llmbar)
        dst.writelines(json.dumps(json.loads(line) | {"presented_order": "a_first"}) + "\n" for line in pandalm)
    return out


def source_steps(db: Path, with_pandalm: bool) -> list[list[str]]:
    """The ingest command of the judges' data: LLMBar's six judges (their rationales as written),
    or with `with_pandalm` one dataset of LLMBar's and PandaLM's eight (`pooled_judges`; PandaLM's
    ties are kept and never exported, its rows with an empty response are skipped and listed in
    `rejected_rows`)."""
    mapping = ["--map", "rationale=rationale_raw,presented_order=presented_order"]
    if not with_pandalm:
        return [["ingest", str(LLMBAR), "--format", "table", "--name", "llmbar", *mapping]]
    pooled = pooled_judges(db.parent / "llmbar-pandalm.jsonl.gz")
    return [["ingest", str(pooled), "--format", "table", "--name", "llmbar+pandalm", *mapping,
             "--on-bad-rows", "skip"]]


def build_store(db: Path, k: int, seed: int, with_pandalm: bool = False):
    """LLMBar (raw rationales; with `with_pandalm` PandaLM's too) -> rationale annotations -> a
    k-category basis; plus hh-rlhf harmless. Reuses a store that already has the annotations (a
    resumed run, or another --k: only the extract step runs again) and a basis of this k."""
    from prefbasis.cli import main as cli
    from prefbasis.store import Store

    extract = ["extract", "--k", str(k), "--name", BASIS, "--seed", str(seed), "--no-topics"]
    if db.exists():
        store = Store.open(db)
        ready = store.scalar("select count(*) from bases where basis_id = 'bench'") and \
            store.scalar("select count(*) from annotations where annotator = 'rationale'")
        if ready and basis_of(store, k, seed) is not None:
            return store
        store.close()
        if ready:
            if cli(["--db", str(db), "--quiet", *extract]):
                raise SystemExit(f"extract failed: {extract}")
            return Store.open(db)
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
    steps = [*source_steps(db, with_pandalm), ["annotate", "--annotator", "rationale"], extract]
    for args in steps:
        rc = cli(["--db", str(db), "--quiet", *args])
        if rc:
            raise SystemExit(f"{args[0]} failed ({rc}): {args}")
    return add_harmless_category(db)


def category_pairs(store, basis_id: str) -> dict[str, object]:
    """name -> the category's non-tie pairs with `chosen` / `rejected` (as export-dpo reads them)."""
    from prefbasis.train.config import ExportConfig
    from prefbasis.train.export import load_pairs, with_directions

    names = store.df("select category_id, name from categories where basis_id = ? and kind = 'preference' "
                     "order by category_id", [basis_id])
    out = {}
    for r in names.itertuples():
        df, *_ = load_pairs(store, ExportConfig(category=str(r.category_id), basis=basis_id))
        out[r.name] = with_directions(df[df["winner"] != "tie"].reset_index(drop=True))
    return out


def _keys(df) -> set[tuple[str, str, str]]:
    return set(zip(df["prompt"], df["chosen"], df["rejected"]))


def _kept(df, exclude: set | None = None):
    """What export-dpo --dedupe [--exclude] keeps of `df`."""
    from prefbasis.train.export import drop_repeats

    if exclude:
        df = df[[k not in exclude for k in zip(df["prompt"], df["chosen"], df["rejected"])]]
    return drop_repeats(df.reset_index(drop=True))[0]


def _train_test(df, test_size: float, seed: int) -> tuple[int, int]:
    from prefbasis.train.export import split_by_prompt

    train, test = split_by_prompt(df["prompt"].tolist(), test_size, seed)
    return len(train), len(test)


def shorter_share(df) -> float:
    """Share of pairs whose chosen response is shorter (characters) than the rejected one."""
    return float((df["chosen"].str.len() < df["rejected"].str.len()).mean()) if len(df) else float("nan")


def category_table(pairs: dict, test_size: float, seed: int) -> list[dict]:
    rows = []
    for name, df in pairs.items():
        kept = _kept(df)
        n_train, n_test = _train_test(kept, test_size, seed)
        rows.append({"category": name, "rows": len(df), "pairs": len(kept), "train": n_train, "test": n_test,
                     "shorter_chosen": round(shorter_share(kept), 3)})
    return sorted(rows, key=lambda r: r["shorter_chosen"])


def choose_pair(pairs: dict, table: list[dict], min_train: int, test_size: float, seed: int,
                rule: str = "length-gap", max_gap: float = 0.05) -> dict:
    """Two categories, each with >= min_train train pairs, both measured on what the adapters get
    (deduplicated, each without the other's pairs). `rule`:

    - ``length-gap``: the two whose length preferences differ most (runs 1-4);
    - ``same-length``: among pairs whose length preferences differ by <= `max_gap`, the one with the
      most held-out pairs in its smaller test split (statistical power), so that a selective effect
      cannot be the two categories' different length preferences (run 5).

    If no pair qualifies: the pair with the largest smaller train split."""
    big = [r["category"] for r in table if r["train"] >= min_train]
    candidates = []
    for a, b in itertools.combinations(big if len(big) >= 2 else list(pairs), 2):
        ka, kb = _kept(pairs[a], _keys(pairs[b])), _kept(pairs[b], _keys(pairs[a]))
        (ta, sa), (tb, sb) = _train_test(ka, test_size, seed), _train_test(kb, test_size, seed)
        if shorter_share(ka) > shorter_share(kb):    # a: the category that prefers the longer answer
            a, b, ka, kb, ta, sa, tb, sb = b, a, kb, ka, tb, sb, ta, sa
        candidates.append({"a": a, "b": b, "shorter_a": round(shorter_share(ka), 3),
                           "shorter_b": round(shorter_share(kb), 3),
                           "gap": round(shorter_share(kb) - shorter_share(ka), 3),
                           "train_a": ta, "test_a": sa, "train_b": tb, "test_b": sb})
    same = rule == "same-length"
    ok = [c for c in candidates if min(c["train_a"], c["train_b"]) >= min_train and (not same or c["gap"] <= max_gap)]
    if ok and same:
        best = max(ok, key=lambda c: (min(c["test_a"], c["test_b"]), -c["gap"]))
        rule = (f"length preferences within {max_gap} of each other, >= {min_train} train pairs each: "
                "the most held-out pairs in the smaller test split")
    elif ok:
        best = max(ok, key=lambda c: (c["gap"], min(c["train_a"], c["train_b"])))
        rule = f"largest length-preference gap with >= {min_train} train pairs each"
    elif same:
        near = min((c for c in candidates if min(c["train_a"], c["train_b"]) >= min_train),
                   key=lambda c: c["gap"], default=None)
        raise SystemExit(f"--pair-rule same-length: no pair of categories with >= {min_train} train pairs each has "
                         f"length preferences within {max_gap} of each other"
                         + (f"; the nearest is {near['a']!r} / {near['b']!r} (gap {near['gap']})" if near else "")
                         + ". Raise --max-gap, lower --min-train, or try another --k")
    else:
        best = max(candidates, key=lambda c: (min(c["train_a"], c["train_b"]), c["gap"]))
        rule = (f"NO pair of categories has >= {min_train} train pairs each after deduplication and mutual "
                "exclusion: the pair with the largest smaller train split is used")
    top = sorted(candidates, key=lambda c: c["gap"] if same else -c["gap"])[:8]
    return best | {"rule": rule, "qualifying_pairs": len(ok), "top_candidates": top}


def basis_of(store, k: int, seed: int) -> tuple[str, float] | None:
    """(basis_id, coverage) of the newest basis of `k` categories this benchmark extracted with `seed`."""
    return store.execute("select basis_id, coverage from bases where name = ? and k = ? and "
                         "json_extract(params, '$.seed')::integer = ? order by created_at desc limit 1",
                         [BASIS, k, seed]).fetchone()


def compare_k(db: Path, a) -> int:
    """The pair the rule picks on a basis of each k (the same annotations), with its counts: how the
    third run chose k 12 (benchmarks/RESULTS.md, dpo_selectivity) before any training."""
    print("| k | coverage | qualifying pairs | A (train / test) | B (train / test) | length gap |\n"
          "| --- | --- | --- | --- | --- | --- |")
    for k in a.compare_k:
        store = build_store(db, k, a.seed, a.with_pandalm)
        basis_id, coverage = basis_of(store, k, a.seed)
        pairs = category_pairs(store, basis_id)
        try:
            c = choose_pair(pairs, category_table(pairs, a.test_size, a.seed), a.min_train, a.test_size, a.seed,
                            a.pair_rule, a.max_gap)
        except SystemExit as none:   # --pair-rule same-length found no pair at this k
            print(f"| {k} | {coverage:.3f} | 0 | {none} | | |", flush=True)
            continue
        finally:
            store.close()
        print(f"| {k} | {coverage:.3f} | {c['qualifying_pairs']} | {c['a']} ({c['train_a']} / {c['test_a']}) | "
              f"{c['b']} ({c['train_b']} / {c['test_b']}) | {c['gap']:.3f} |", flush=True)
    return 0


def replicate_seed(a) -> dict:
    """{"train_seed": N} when `--train-seed` differs from `--seed`, else {}: absent, the plans and
    evaluation keys of runs made before the option still match, so their adapters are reused."""
    return {"train_seed": train_seed(a)} if train_seed(a) != a.seed else {}


def train_adapter(a, data: str, model: str, out: Path, steps: int) -> dict:
    """Train (or resume, or reuse a finished) adapter; its training card."""
    from prefbasis.train.config import load_train_config
    from prefbasis.train.export import read_export_card
    from prefbasis.train.trainer import train

    plan = {"category": read_export_card(data).get("category"), "steps": steps, "model": model,
            **{k: getattr(a, k) for k in ("lr", "beta", "batch", "max_length", "bf16", "seed")}}
    plan |= replicate_seed(a)
    marker = out / "plan.json"
    if not (marker.exists() and json.loads(marker.read_text()) == plan):
        shutil.rmtree(out, ignore_errors=True)     # another category or budget (or nothing yet): start
        out.mkdir(parents=True)
        marker.write_text(json.dumps(plan))
    elif (out / "training_card.json").exists():
        print(f"reusing the finished adapter {out}", file=sys.stderr)
        return json.loads((out / "training_card.json").read_text())
    cfg = load_train_config(train_argv(a, data, model, str(out), steps, resume=True))
    budget = Budget(a.train_minutes * 60)
    t0 = time.perf_counter()
    res = train(cfg, callbacks=[budget.callback])
    info = res.to_dict() | {"wall_s": round(time.perf_counter() - t0, 1),
                            "loss_first": [round(x["loss"], 3) for x in budget.logs[:5]],
                            "loss_last": [round(x["loss"], 3) for x in budget.logs[-5:]]}
    (out / "benchmark_train.json").write_text(json.dumps(info, indent=2, default=str))
    return info


def _ci(lo: float, hi: float) -> str:
    return f"[{lo:+.3f}, {hi:+.3f}]"


def report(ev, adapters: dict[str, str], data: dict[str, str], labels: dict[str, str]) -> tuple[str, list[dict]]:
    """The 2 x 3 table (accuracy and margin deltas) and each adapter's selectivity, as markdown."""
    from prefbasis.errors import ConfigError
    from prefbasis.train.selectivity import length_matched_selectivity, length_strata, selectivity

    f = ev.frame
    cols = list(data)
    strata = {edges: {p: length_strata(p, ev.config.split, ev.config.limit, edges) for p in data.values()}
              for edges in ((0.0,), FOUR_STRATA)}   # each export read once per set of edges
    lines = ["| adapter trained on | metric | " + " | ".join(f"{labels[c]} (n={int(f[f.data == data[c]].n.iloc[0])})"
                                                            for c in cols) + " |",
             "|---|---|" + "---|" * len(cols)]
    for name, adapter in adapters.items():
        for metric, title in (("preference_accuracy", "accuracy"), ("preference_margin", "margin (nats/token)")):
            cells = []
            for c in cols:
                row = f[(f.adapter == adapter) & (f.data == data[c]) & (f.metric == metric)].set_index("variant")
                base, tuned, d = row.loc["base"], row.loc["tuned"], row.loc["delta"]
                cells.append(f"{base.value:.3f} → {tuned.value:.3f}, **{d.value:+.3f}** {_ci(d.ci_low, d.ci_high)}")
            lines.append(f"| {labels[name]} | {title} | " + " | ".join(cells) + " |")
    sel_rows = []
    lines += ["", "| adapter | metric | own delta | other delta | selectivity [95% CI] | length-matched "
                  "[95% CI] | length-matched, 4 strata [95% CI] | prompts |", "|---|---|---|---|---|---|---|---|"]
    for name, adapter in adapters.items():
        other = next(n for n in adapters if n != name)
        for metric in ("preference_accuracy", "preference_margin"):
            s = selectivity(ev, adapter, own=data[name], other=data[other], metric=metric)
            matched, cells = {}, []
            for key, edges in (("length_matched", (0.0,)), ("length_matched_4", FOUR_STRATA)):
                try:   # a stratum without pairs in one category has no matched value
                    m = length_matched_selectivity(ev, adapter, own=data[name], other=data[other], metric=metric,
                                                   edges=edges, strata=strata[edges]).to_dict()
                except ConfigError as exc:
                    matched[key] = None
                    cells.append(f"n/a ({exc})")
                    continue
                matched[key] = m
                dropped = m["n_boot_used"] < 0.95 * ev.config.n_bootstrap   # cells too small for the bootstrap
                cells.append(f"**{m['value']:+.3f}** {_ci(m['ci_low'], m['ci_high'])}"
                             + (f" ({m['n_boot_used']} of {ev.config.n_bootstrap} resamples)" if dropped else ""))
            sel_rows.append({"adapter": name, "metric": metric, **s.to_dict(), **matched})
            lines.append(f"| {labels[name]} | {metric} | {s.own_delta:+.3f} {_ci(*s.own_ci)} | "
                         f"{s.other_delta:+.3f} {_ci(*s.other_ci)} | **{s.value:+.3f}** {_ci(s.ci_low, s.ci_high)} | "
                         f"{cells[0]} | {cells[1]} | {s.n_prompts} |")
    return "\n".join(lines) + "\n", sel_rows


def length_table(ev, adapters: dict[str, str], data: dict[str, str], labels: dict[str, str],
                 n_bootstrap: int, seed: int) -> tuple[str, list[dict]]:
    """Each adapter's margin delta on each held-out set, split by whether the chosen response is the
    shorter one (characters): what part of an effect follows response length. A pair bootstrap
    (percentile CI) per cell; a diagnostic beside the main table, not its test."""
    import numpy as np

    from prefbasis.train.selectivity import length_strata

    rng = np.random.default_rng(seed)
    lines = ["| adapter trained on | held-out set | margin delta, chosen shorter | margin delta, chosen longer |",
             "|---|---|---|---|"]
    rows = []
    for c, path in data.items():
        shorter = length_strata(path, ev.config.split, ev.config.limit) == 0   # the pairs evaluate scored
        for name, adapter in adapters.items():
            delta = np.asarray(ev.pairs[(adapter, path)]["preference_margin"]["delta"], dtype=float)
            cells = []
            for part, mask in (("chosen shorter", shorter), ("chosen longer", ~shorter)):
                x = delta[mask]
                if not len(x):
                    cells.append("n=0")
                    continue
                boot = x[rng.integers(0, len(x), size=(n_bootstrap, len(x)))].mean(axis=1)
                lo, hi = np.percentile(boot, [2.5, 97.5])
                rows.append({"adapter": name, "data": c, "part": part, "n": int(len(x)), "delta": float(x.mean()),
                             "ci_low": float(lo), "ci_high": float(hi)})
                cells.append(f"n={len(x)}: **{x.mean():+.3f}** {_ci(lo, hi)}")
            lines.append(f"| {labels[name]} | {labels[c]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n", rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/prefbasis-dpo-selectivity", help="checkpointed work folder")
    ap.add_argument("--fresh", action="store_true", help="start over (delete --work first)")
    ap.add_argument("--k", type=int, default=21)
    ap.add_argument("--categories", nargs=2, metavar=("A", "B"), help="the two categories (default: the rule)")
    ap.add_argument("--min-train", type=int, default=100, help="train pairs each category needs")
    ap.add_argument("--pair-rule", choices=["length-gap", "same-length"], default="length-gap",
                    help="length-gap: the pair whose length preferences differ most; same-length: a pair whose "
                         "length preferences differ by at most --max-gap (most held-out pairs), so that "
                         "selectivity cannot come from length")
    ap.add_argument("--max-gap", type=float, default=0.05, help="--pair-rule same-length: largest length gap")
    ap.add_argument("--test-size", type=float, default=0.3, help="share of prompts held out")
    ap.add_argument("--epochs", type=float, default=3.0,
                    help="epochs over the SMALLER train split; both adapters get those steps")
    ap.add_argument("--max-steps", type=int, default=-1, help="steps per adapter (default: from --epochs)")
    ap.add_argument("--train-minutes", type=float, default=120.0,
                    help="wall-clock safety limit per adapter; a run it cuts short stops the benchmark (unequal budgets)")
    ap.add_argument("--save-every", type=int, default=10, help="trainer checkpoint every N steps")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--beta", type=float, default=0.1)
    ap.add_argument("--ld-alpha", type=float, default=None,
                    help="length-desensitized DPO (TRL's DPOConfig.ld_alpha, passed as `prefbasis train --ld_alpha`): "
                         "below 1, the part of a response's log-probability past the shorter response's length "
                         "counts less, so an adapter learns less of its category's length preference")
    ap.add_argument("--bf16", action="store_true", help="train in bf16 (CPUs with AMX / AVX512-BF16)")
    ap.add_argument("--max-length", type=int, default=192)
    ap.add_argument("--eval-max-length", type=int, default=192)
    ap.add_argument("--eval-limit", type=int, default=None, help="held-out pairs scored per data set (first N)")
    ap.add_argument("--n-bootstrap", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train-seed", type=int, default=None,
                    help="training seed only (LoRA init, batch order; default --seed): a replicate on the same "
                         "basis, pair and splits. Give it its own --work (copy the store.duckdb in): a different "
                         "training seed retrains the adapters found there")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tiny", action="store_true", help="a tiny random model built in code (smoke test)")
    ap.add_argument("--model", default=None,
                    help="base model to tune (a local folder or a hub id; default: the offline SmolLM2-135M-Instruct). "
                         "A larger model on a GPU is the test this machine cannot run (RESULTS.md, fifth run)")
    ap.add_argument("--with-pandalm", action="store_true",
                    help="pool PandaLM's two judges with LLMBar's six (more pairs per category; a new --work: "
                         "a store built without them is reused as it is)")
    ap.add_argument("--compare-k", type=int, nargs="+", metavar="K",
                    help="only print the pair the rule picks on a basis of each K (pair counts, no training)")
    a = ap.parse_args(argv)
    if not LLMBAR.exists():
        print(f"needs the real data at {DATA} (LLMBar, hh-rlhf)", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(a.threads)
    from prefbasis.train.config import EvalConfig, ExportConfig
    from prefbasis.train.evaluation import evaluate
    from prefbasis.train.export import export_dpo

    t0 = time.perf_counter()
    work = Path(a.work)
    if a.fresh:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    if a.compare_k:
        return compare_k(work / "store.duckdb", a)
    store = build_store(work / "store.duckdb", a.k, a.seed, a.with_pandalm)
    basis_id, _ = basis_of(store, a.k, a.seed)
    pairs = category_pairs(store, basis_id)
    table = category_table(pairs, a.test_size, a.seed)
    if a.categories:
        names = {n.lower(): n for n in pairs}
        missing = [c for c in a.categories if c.lower() not in names]
        if missing:
            raise SystemExit(f"unknown categories {missing}; the basis has {sorted(pairs)}")
        choice = {"a": names[a.categories[0].lower()], "b": names[a.categories[1].lower()], "rule": "--categories"}
    else:
        choice = choose_pair(pairs, table, a.min_train, a.test_size, a.seed, a.pair_rule, a.max_gap)
    print("| category | rows | pairs (deduplicated) | train | test | chosen shorter |\n|---|---|---|---|---|---|",
          file=sys.stderr)
    for r in table:
        print(f"| {r['category']} | {r['rows']} | {r['pairs']} | {r['train']} | {r['test']} | "
              f"{r['shorter_chosen']:.3f} |", file=sys.stderr)
    for c in choice.get("top_candidates", []):
        print(f"candidate {c['a']!r} ({c['shorter_a']:.3f} shorter, {c['train_a']}/{c['test_a']}) vs {c['b']!r} "
              f"({c['shorter_b']:.3f}, {c['train_b']}/{c['test_b']}): gap {c['gap']:.3f}", file=sys.stderr)
    print(f"chosen ({choice['rule']}): A = {choice['a']!r}, B = {choice['b']!r}", file=sys.stderr)

    exports = {}
    for name, own, other in (("A", choice["a"], choice["b"]), ("B", choice["b"], choice["a"])):
        exports[name] = export_dpo(store, ExportConfig(category=own, basis=basis_id, out=str(work / f"data-{name}"),
                                                       test_size=a.test_size, seed=a.seed, dedupe=True,
                                                       exclude=[other]))
    exports["harmless"] = export_dpo(store, ExportConfig(category="harmless response", basis="bench",
                                                         out=str(work / "data-harmless"), test_size=0.25,
                                                         seed=a.seed))
    for name, e in exports.items():
        print(f"export {name} {e.category!r}: {e.n_train} train / {e.n_test} test "
              f"({e.n_duplicates_dropped} duplicates, {e.n_contradicted_dropped} both-ways, "
              f"{e.n_excluded} excluded)", file=sys.stderr)
    store.close()
    t_prep = time.perf_counter() - t0

    if a.tiny:
        from prefbasis.train.tiny import build_tiny_model

        model = str(build_tiny_model(work / "tiny-lm", seed=0))
    elif a.model:
        model = a.model
    else:
        from prefbasis.models import smollm2_checkpoint

        model = str(smollm2_checkpoint())
    smaller = min(exports["A"].n_train, exports["B"].n_train)
    steps = a.max_steps if a.max_steps > 0 else math.ceil(a.epochs * smaller / a.batch)
    print(f"training both adapters for {steps} steps of {a.batch} pairs", file=sys.stderr)
    adapters, trained, t_train = {}, {}, {}
    for name in ("A", "B"):
        t1 = time.perf_counter()
        adapters[name] = str(work / f"adapter-{name}")
        trained[name] = train_adapter(a, str(exports[name].out), model, Path(adapters[name]), steps)
        t_train[name] = round(time.perf_counter() - t1, 1)
    short = {n: t["steps"] for n, t in trained.items() if t.get("steps") != steps}
    if short:  # --train-minutes cut a run short: the adapters did not get the same budget
        raise SystemExit(f"adapter(s) stopped before {steps} steps by --train-minutes: {short}; the comparison "
                         f"needs the same budget for both. Rerun with a larger --train-minutes (the run resumes "
                         f"from the last checkpoint after removing {work}/adapter-X/training_card.json)")

    data = {"A": str(exports["A"].out), "B": str(exports["B"].out), "harmless": str(exports["harmless"].out)}
    pkl = work / "evaluation.pkl"
    t1 = time.perf_counter()
    cards = {n: json.loads((Path(p) / "training_card.json").read_text()) for n, p in adapters.items()}
    key = json.dumps({"cards": cards, "data": data, "limit": a.eval_limit, "max_length": a.eval_max_length,
                      "n_bootstrap": a.n_bootstrap, "seed": a.seed,
                      **replicate_seed(a)},
                     sort_keys=True, default=str)
    saved = pickle.loads(pkl.read_bytes()) if pkl.exists() else {}
    saved = saved if isinstance(saved, dict) else {}
    if saved.get("key") == key:
        ev = saved["result"]
    else:
        from prefbasis.store import Store

        ev = evaluate(None, EvalConfig(adapter=[adapters["A"], adapters["B"]], data=list(data.values()),
                                       max_length=a.eval_max_length, limit=a.eval_limit, seed=a.seed,
                                       n_bootstrap=a.n_bootstrap, batch_size=8))
        with Store.open(work / "store.duckdb") as store:
            from prefbasis.train.evaluation import save_evaluation

            save_evaluation(store, ev.frame, ev.config)
        pkl.write_bytes(pickle.dumps({"key": key, "result": ev}))
    t_eval = time.perf_counter() - t1
    labels = {"A": f"A: {choice['a']}", "B": f"B: {choice['b']}", "harmless": "hh-rlhf harmless"}
    md, sel_rows = report(ev, {"A": adapters["A"], "B": adapters["B"]}, data, labels)
    by_length_md, by_length = length_table(ev, {"A": adapters["A"], "B": adapters["B"]}, data, labels,
                                           a.n_bootstrap, a.seed)
    md += "\nBy response length (margin, nats/token; pair bootstrap):\n\n" + by_length_md
    print(md)
    summary = {"args": vars(a), "choice": choice, "categories": table,
               "exports": {k: v.to_dict() for k, v in exports.items()}, "steps": steps,
               "training": trained, "selectivity": sel_rows, "by_length": by_length,
               "prep_s": round(t_prep, 1), "train_s": t_train,
               "eval_s": round(t_eval, 1), "total_s": round(time.perf_counter() - t0, 1),
               "rows": ev.frame.drop(columns=["evaluation_id"]).to_dict(orient="records")}
    (work / "summary.json").write_text(json.dumps(summary, default=str, indent=2))
    (work / "table.md").write_text(md)
    print(json.dumps({k: summary[k] for k in ("choice", "steps", "prep_s", "train_s", "eval_s", "total_s")},
                     default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

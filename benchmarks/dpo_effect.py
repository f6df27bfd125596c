"""DPO + LoRA on a real category subset moves held-out in-category preference accuracy (CPU).

Default (`--train-on basis`), the paper's closed loop on real data: PRD (Vicuna-80) GPT-4 reviews
-> `annotate --annotator rationale` -> `extract --k 21` (MiniLM embeddings) -> the largest preference
category -> `export-dpo` (split by prompt) -> `train` (SmolLM2-135M-Instruct, offline, LoRA) ->
`evaluate` on the held-out prompts of the category, of its complement (`export-dpo --complement`:
the other categories' pairs, same prompt split, so no held-out prompt was trained on) and of the
hh-rlhf harmless comparisons (a different kind of preference altogether).

`--train-on harmless|helpful`: the earlier set-ups (categories written directly: hh-rlhf harmless
single-turn, or all PRD answer pairs), kept for the record in benchmarks/RESULTS.md.

Training runs for `--epochs` (or a wall-clock budget `--train-minutes`, a TrainerCallback stops it;
constant learning rate after a short warm-up), saving the adapter every `--save-every` steps;
`--curve` also scores each saved checkpoint on the in-category held-out pairs (all checkpoints
against one pass of the base model).

Run (not in CI; ~32 min on the 2-core VM: 1 min to the basis, 18 min training, 12 min scoring):
    .venv/bin/python benchmarks/dpo_effect.py --bf16 --threads 2 --epochs 3 --lr 3e-4 --eval-limit 200
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
DATA = Path(os.environ.get("PREFBASIS_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")


def build_store(db: Path, n_other: int, seed: int):
    """Ingest hh-rlhf harmless (single-turn) and PRD, and assign them to two categories."""
    from prefbasis.cli import main as cli
    from prefbasis.store import Store

    for args in (["ingest", str(DATA / "hh-rlhf" / "harmless-base-test.jsonl.gz"), "--format", "hh-rlhf",
                  "--single-turn", "--no-ties"],
                 ["ingest", str(DATA / "prd-vicuna80"), "--format", "prd", "--no-ties"]):
        rc = cli(["--db", str(db), "--quiet", *args])
        if rc:
            raise SystemExit(f"ingest failed ({rc}): {args}")
    store = Store.open(db)
    with store.transaction() as con:
        con.execute("insert into bases(basis_id, name, k) values ('bench', 'dpo_effect', 2)")
        con.execute("insert into categories(basis_id, category_id, name, kind, share) values "
                    "('bench', 0, 'harmless response', 'preference', 0.5), "
                    "('bench', 1, 'helpful answer', 'preference', 0.5)")
        con.execute("""insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity)
            select 'bench', 'preference', comparison_id, 0, 1.0 from comparisons c join datasets d using (dataset_id)
            where d.format = 'hh-rlhf'""")
        con.execute(f"""insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity)
            select 'bench', 'preference', comparison_id, 1, 1.0 from comparisons c join datasets d using (dataset_id)
            where d.format = 'prd' and c.response_a is not null and c.response_b is not null
            order by hash(comparison_id || '{seed}') limit {int(n_other)}""")
    return store


def build_basis_store(db: Path, k: int, seed: int):
    """The real loop up to the basis: ingest PRD + hh-rlhf, annotate (rationale), extract k categories."""
    from prefbasis.cli import main as cli

    steps = [["ingest", str(DATA / "prd-vicuna80"), "--format", "prd"],
             ["annotate", "--annotator", "rationale"],
             ["extract", "--k", str(k), "--name", "prd-gpt4-reviews", "--seed", str(seed), "--no-topics"]]
    for args in steps:
        rc = cli(["--db", str(db), "--quiet", *args])
        if rc:
            raise SystemExit(f"{args[0]} failed ({rc}): {args}")
    return add_harmless_category(db)


def add_harmless_category(db: Path):
    """Ingest hh-rlhf harmless (single-turn, no ties) and assign it all to category 'harmless
    response' of a basis 'bench' (hh-rlhf has no rationale to extract from); the open store."""
    from prefbasis.cli import main as cli
    from prefbasis.store import Store

    args = ["ingest", str(DATA / "hh-rlhf" / "harmless-base-test.jsonl.gz"), "--format", "hh-rlhf",
            "--single-turn", "--no-ties"]
    rc = cli(["--db", str(db), "--quiet", *args])
    if rc:
        raise SystemExit(f"ingest failed ({rc}): {args}")
    store = Store.open(db)
    with store.transaction() as con:   # hh-rlhf has no rationale: its harmless category is written directly
        con.execute("insert into bases(basis_id, name, k) values ('bench', 'hh-rlhf harmless', 1)")
        con.execute("insert into categories(basis_id, category_id, name, kind, share) values "
                    "('bench', 0, 'harmless response', 'preference', 1.0)")
        con.execute("""insert into comparison_categories(basis_id, kind, comparison_id, category_id, similarity)
            select 'bench', 'preference', comparison_id, 0, 1.0 from comparisons c join datasets d using (dataset_id)
            where d.format = 'hh-rlhf'""")
    return store


def largest_category(store) -> str:
    """Id of the newest PRD basis's preference category with the most exportable (no-tie) pairs."""
    row = store.execute("""
        select v.category_id, count(distinct v.comparison_id) n from v_comparison_categories v
        join comparisons c using (comparison_id)
        where v.kind = 'preference' and v.basis_id = (select basis_id from bases where name = 'prd-gpt4-reviews'
                                                      order by created_at desc limit 1)
          and c.winner in ('a', 'b') and c.response_a is not null and c.response_b is not null
        group by 1 order by 2 desc, 1 limit 1""").fetchone()
    return str(row[0])


class Budget:
    """TrainerCallback: stop after `seconds` of training and keep every logged entry (loss curve)."""

    def __init__(self, seconds: float):
        from transformers import TrainerCallback

        self.seconds, self.logs, self.t0 = seconds, [], None
        outer = self

        class _CB(TrainerCallback):
            def on_train_begin(self, args, state, control, **kw):
                outer.t0 = time.perf_counter()

            def on_step_end(self, args, state, control, **kw):
                if time.perf_counter() - outer.t0 > outer.seconds:
                    control.should_training_stop = True

            def on_log(self, args, state, control, logs=None, **kw):
                if logs and "loss" in logs:
                    outer.logs.append({"step": state.global_step, **logs})

        self.callback = _CB()


def train_argv(a: argparse.Namespace, data: str, model: str, output_dir: str, max_steps: int, *,
               num_train_epochs: float = 1.0, resume: bool = False) -> list[str]:
    """`prefbasis train` arguments of these benchmarks: LoRA r16 alpha32 on all linear layers, DPO
    beta `a.beta`, lr `a.lr` (constant after 2 warm-up steps), batch `a.batch`, `a.max_length`
    tokens, bf16 with `a.bf16`, a checkpoint every `a.save_every` steps (0: none; with `resume`,
    full checkpoints a killed run resumes from)."""
    if a.save_every and resume:
        saving = ["--save_strategy", "steps", "--save_steps", str(a.save_every), "--resume_from_checkpoint", "auto"]
    elif a.save_every:
        saving = ["--save_strategy", "steps", "--save_steps", str(a.save_every), "--save_only_model", "true"]
    else:
        saving = ["--save_strategy", "no"]
    return ["--data", data, "--model", model, "--output_dir", output_dir,
            "--num_train_epochs", str(num_train_epochs), "--max_steps", str(max_steps),
            "--per_device_train_batch_size", str(a.batch),
            "--gradient_accumulation_steps", "1", "--learning_rate", str(a.lr), "--beta", str(a.beta),
            "--lr_scheduler_type", "constant_with_warmup", "--warmup_steps", "2",
            "--max_length", str(a.max_length), "--lora_r", "16", "--lora_alpha", "32",
            "--lora_target_modules", "all-linear", "--gradient_checkpointing", "false",
            "--logging_steps", "1", "--final_eval", "false", "--seed", str(train_seed(a)), "--report_to", "none",
            "--bf16", "true" if a.bf16 else "false", *saving,
            *(["--ld_alpha", str(a.ld_alpha)] if getattr(a, "ld_alpha", None) is not None else [])]


def train_seed(a) -> int:
    """The training seed (LoRA init, batch order): `--train-seed` where a script has it, else `--seed`."""
    seed = getattr(a, "train_seed", None)
    return a.seed if seed is None else seed


def _mean(xs: list[float]) -> float:
    return float(sum(xs) / len(xs)) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/prefbasis-dpo-effect")
    ap.add_argument("--train-on", choices=["basis", "harmless", "helpful"], default="basis",
                    help="basis: the largest category of a basis extracted from PRD GPT-4 reviews "
                         "(controls: its complement and hh-rlhf harmless); harmless / helpful: earlier set-ups")
    ap.add_argument("--category", help="with --train-on basis: the category (default: the largest)")
    ap.add_argument("--k", type=int, default=21, help="with --train-on basis: categories extracted")
    ap.add_argument("--test-size", type=float, default=0.4, help="share of prompts held out (basis mode)")
    ap.add_argument("--epochs", type=float, default=3.0, help="training epochs (bounded by the budget)")
    ap.add_argument("--train-minutes", type=float, default=45.0, help="wall-clock training budget")
    ap.add_argument("--max-steps", type=int, default=-1, help="upper bound on steps (-1: from --epochs)")
    ap.add_argument("--save-every", type=int, default=0, help="save a checkpoint every N steps (0: none)")
    ap.add_argument("--curve", action="store_true", help="score each checkpoint on the in-category pairs")
    ap.add_argument("--batch", type=int, default=8, help="pairs per step")
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--beta", type=float, default=0.1)
    ap.add_argument("--bf16", action="store_true", help="train in bf16 (CPU with AMX / AVX512-BF16: ~1.5x)")
    ap.add_argument("--max-length", type=int, default=192, help="training: prompt + response tokens")
    ap.add_argument("--eval-max-length", type=int, default=192)
    ap.add_argument("--n-other", type=int, default=120, help="PRD pairs in the helpful category (old modes)")
    ap.add_argument("--eval-limit", type=int, default=None, help="held-out pairs scored per data set (first N)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2, help="torch threads")
    a = ap.parse_args(argv)
    import torch

    torch.set_num_threads(a.threads)

    from prefbasis.models import smollm2_checkpoint
    from prefbasis.train.config import EvalConfig, ExportConfig, load_train_config
    from prefbasis.train.evaluation import evaluate
    from prefbasis.train.export import export_dpo
    from prefbasis.train.trainer import record_training_run, train

    t0 = time.perf_counter()
    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if a.train_on == "basis":
        store = build_basis_store(work / "store.duckdb", a.k, a.seed)
        cat = a.category or largest_category(store)
        train_set = export_dpo(store, ExportConfig(category=cat, basis="prd-gpt4-reviews", out=str(work / "category"),
                                                   test_size=a.test_size, seed=a.seed))
        complement = export_dpo(store, ExportConfig(category=cat, basis="prd-gpt4-reviews", complement=True,
                                                    out=str(work / "complement"), test_size=a.test_size,
                                                    seed=a.seed))
        harm = export_dpo(store, ExportConfig(category="harmless response", basis="bench",
                                              out=str(work / "harmless"), test_size=0.25, seed=a.seed))
        controls = [complement, harm]
    else:
        store = build_store(work / "store.duckdb", a.n_other, a.seed)
        harm = export_dpo(store, ExportConfig(category="harmless response", out=str(work / "harmless"),
                                              test_size=0.25, seed=a.seed))
        other = export_dpo(store, ExportConfig(category="helpful answer", out=str(work / "helpful"),
                                               test_size=0.5, seed=a.seed))
        train_set, controls = (harm, [other]) if a.train_on == "harmless" else (other, [harm])
    exports = {"category": train_set.to_dict(), "controls": [c.to_dict() for c in controls]}
    print(f"train on {train_set.category!r}: {train_set.n_train} train / {train_set.n_test} test pairs; "
          + "; ".join(f"control {c.category!r}: {c.n_test} test" for c in controls), file=sys.stderr)
    t_prep = time.perf_counter() - t0
    model = str(smollm2_checkpoint())
    cfg = load_train_config(train_argv(a, str(train_set.out), model, str(work / "adapter"), a.max_steps,
                                       num_train_epochs=a.epochs))
    budget = Budget(a.train_minutes * 60)
    t_train = time.perf_counter()
    res = train(cfg, callbacks=[budget.callback])
    t_train = time.perf_counter() - t_train
    record_training_run(store, res, cfg)
    t_eval = time.perf_counter()
    ev = evaluate(store, EvalConfig(adapter=res.output_dir, data=[str(train_set.out), *(str(c.out) for c in controls)],
                                    max_length=a.eval_max_length, limit=a.eval_limit, seed=a.seed,
                                    batch_size=8))
    t_eval = time.perf_counter() - t_eval
    curve_rows = []
    if a.curve:
        checkpoints = {int(q.name.split("-")[1]): str(q) for q in (work / "adapter").glob("checkpoint-*")}
        step_of = {path: step for step, path in checkpoints.items()}
        if checkpoints:   # every checkpoint against one pass of the base model
            cev = evaluate(store, EvalConfig(adapter=[checkpoints[s] for s in sorted(checkpoints)],
                                             data=[str(train_set.out)], limit=a.eval_limit,
                                             max_length=a.eval_max_length, seed=a.seed, batch_size=8))
            cf = cev.frame
            for r in cf[cf.variant == "delta"].itertuples():
                curve_rows.append({"step": step_of[r.adapter], "metric": r.metric, "delta": r.value,
                                   "ci_low": r.ci_low, "ci_high": r.ci_high, "n": r.n})
    store.close()
    f = ev.frame
    print("| data | role | metric | variant | value | 95% CI | n |\n| --- | --- | --- | --- | --- | --- | --- |")
    for r in f.itertuples():
        print(f"| {r.category} | {r.role} | {r.metric} | {r.variant} | {r.value:.4f} | "
              f"[{r.ci_low:.4f}, {r.ci_high:.4f}] | {r.n} |")
    for r in curve_rows:
        print(f"curve step {r['step']}: {r['metric']} delta {r['delta']:+.4f} [{r['ci_low']:+.4f}, {r['ci_high']:+.4f}]")
    logs = budget.logs
    k = max(1, min(5, len(logs) // 4))
    curve = {"loss_first": [round(x["loss"], 3) for x in logs[:k]],
             "loss_last": [round(x["loss"], 3) for x in logs[-k:]],
             "loss_mean_first_k": _mean([x["loss"] for x in logs[:k]]),
             "loss_mean_last_k": _mean([x["loss"] for x in logs[-k:]]),
             "reward_acc_mean_first_k": _mean([x.get("rewards/accuracies", float("nan")) for x in logs[:k]]),
             "reward_acc_mean_last_k": _mean([x.get("rewards/accuracies", float("nan")) for x in logs[-k:]]),
             "margin_mean_last_k": _mean([x.get("rewards/margins", float("nan")) for x in logs[-k:]]),
             "k": k, "all_losses": [round(x["loss"], 3) for x in logs]}
    summary = {"args": vars(a), "exports": exports, "steps": res.steps, "train_pairs_seen": res.steps * a.batch,
               "final_loss_mean": res.final_loss, "curve": curve, "checkpoint_curve": curve_rows,
               "prep_s": round(t_prep, 1), "train_s": round(t_train, 1), "eval_s": round(t_eval, 1),
               "total_s": round(time.perf_counter() - t0, 1), "rows": f.drop(columns=["evaluation_id"]).to_dict(orient="records")}
    print(json.dumps(summary, default=str))
    (work / "summary.json").write_text(json.dumps(summary, default=str, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

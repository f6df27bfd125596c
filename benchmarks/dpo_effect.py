"""DPO + LoRA on a real category subset moves held-out in-category preference accuracy (CPU).

SmolLM2-135M-Instruct (offline, `prefbasis.models.smollm2_checkpoint()`) is trained with LoRA on
the hh-rlhf harmless single-turn comparisons (category "harmless response") and evaluated on the
held-out prompts of that category and, as out-of-category control, on PRD (Vicuna-80) human-rated
answer pairs (category "helpful answer"). Each stage is the library call behind the CLI verb:
ingest -> (category rows written directly: no LLM annotation here) -> export_dpo -> train -> evaluate.

Training runs for a wall-clock budget (`--train-minutes`, a TrainerCallback stops it; constant
learning rate after a short warm-up, so the schedule does not depend on how many steps fit), then
the held-out pairs are scored by the base (adapter disabled) and the tuned model.

Run (not in CI; ~11 min on the shared 2-core VM; at this budget the effect is not beyond the CI,
see benchmarks/RESULTS.md):
    flock /tmp/prefbasis-bench.lock .venv/bin/python benchmarks/dpo_effect.py [--train-minutes 7]
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


def _mean(xs: list[float]) -> float:
    return float(sum(xs) / len(xs)) if xs else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/prefbasis-dpo-effect")
    ap.add_argument("--train-minutes", type=float, default=6.0, help="wall-clock training budget")
    ap.add_argument("--max-steps", type=int, default=400, help="upper bound on steps")
    ap.add_argument("--batch", type=int, default=8, help="pairs per step")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--beta", type=float, default=0.1)
    ap.add_argument("--max-length", type=int, default=128, help="training: prompt + response tokens")
    ap.add_argument("--eval-max-length", type=int, default=128)
    ap.add_argument("--n-other", type=int, default=120, help="PRD pairs in the control category")
    ap.add_argument("--eval-limit", type=int, default=80, help="held-out pairs scored per data set (first N)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train-on", choices=["harmless", "helpful"], default="harmless",
                    help="the category trained on (the other one is the out-of-category control)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (on the shared, loaded VM 1 thread ran a step 2x faster than 2)")
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
    store = build_store(work / "store.duckdb", a.n_other, a.seed)
    harm = export_dpo(store, ExportConfig(category="harmless response", out=str(work / "harmless"),
                                          test_size=0.25, seed=a.seed))
    other = export_dpo(store, ExportConfig(category="helpful answer", out=str(work / "helpful"),
                                           test_size=0.5, seed=a.seed))
    print(f"harmless: {harm.n_train} train / {harm.n_test} test; helpful (PRD): {other.n_test} test",
          file=sys.stderr)
    model = str(smollm2_checkpoint())
    train_set, control = (harm, other) if a.train_on == "harmless" else (other, harm)
    cfg = load_train_config([
        "--data", str(train_set.out), "--model", model, "--output_dir", str(work / "adapter"),
        "--max_steps", str(a.max_steps), "--per_device_train_batch_size", str(a.batch),
        "--gradient_accumulation_steps", "1", "--learning_rate", str(a.lr), "--beta", str(a.beta),
        "--lr_scheduler_type", "constant_with_warmup", "--warmup_steps", "2",
        "--max_length", str(a.max_length), "--lora_r", "16", "--lora_alpha", "32",
        "--lora_target_modules", "all-linear", "--gradient_checkpointing", "false",
        "--logging_steps", "1", "--save_strategy", "no", "--final_eval", "false",
        "--seed", str(a.seed), "--report_to", "none"])
    budget = Budget(a.train_minutes * 60)
    t_train = time.perf_counter()
    res = train(cfg, callbacks=[budget.callback])
    t_train = time.perf_counter() - t_train
    record_training_run(store, res, cfg)
    t_eval = time.perf_counter()
    ev = evaluate(store, EvalConfig(adapter=res.output_dir, data=[str(train_set.out), str(control.out)],
                                    max_length=a.eval_max_length, limit=a.eval_limit, seed=a.seed,
                                    batch_size=8))
    t_eval = time.perf_counter() - t_eval
    store.close()
    f = ev.frame
    table = f[f.metric == "preference_accuracy"][["category", "role", "variant", "value", "ci_low", "ci_high", "n"]]
    print("| category | role | variant | accuracy | 95% CI | n |\n| --- | --- | --- | --- | --- | --- |")
    for r in table.itertuples():
        print(f"| {r.category} | {r.role} | {r.variant} | {r.value:.3f} | [{r.ci_low:.3f}, {r.ci_high:.3f}] | {r.n} |")
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
    summary = {"steps": res.steps, "batch": a.batch, "train_pairs_seen": res.steps * a.batch,
               "lr": a.lr, "beta": a.beta, "threads": a.threads, "final_loss_mean": res.final_loss,
               "curve": curve, "train_s": round(t_train, 1), "eval_s": round(t_eval, 1),
               "total_s": round(time.perf_counter() - t0, 1), "rows": table.to_dict(orient="records")}
    print(json.dumps(summary, default=float))
    (work / "summary.json").write_text(json.dumps(summary, default=float, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

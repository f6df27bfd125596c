"""DPO + LoRA throughput (tokens/s): `prefbasis train` vs a plain TRL script, same config and data.

The model is built from a config (a ~150M-parameter Llama with random weights and prefbasis's
byte-level tokenizer: no download); the preference data is synthetic, written as an export-dpo
folder. Each path runs in its own process, alternating (TRL, prefbasis, TRL, prefbasis, ...);
tokens/s = TRL's `num_tokens` / `train_runtime`. Target: prefbasis / TRL >= 0.95.

GPU (about 4 min on an H100/H200; the figure in benchmarks/RESULTS.md):
    .venv/bin/python benchmarks/dpo_gpu.py --steps 120 --repeats 3 --out /tmp/dpo_gpu.json
The defaults (40 steps x 2 runs, ~2 min) are a quick check: runs that short are noisy (+-5%).
CPU smoke test (tiny sizes, checks the script end to end):
    .venv/bin/python benchmarks/dpo_gpu.py --smoke
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]

PLAIN_TRL = r'''
import json, sys, torch
from datasets import load_from_disk
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import DPOConfig, DPOTrainer
a = json.loads(sys.argv[1])
bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
tok = AutoTokenizer.from_pretrained(a["model"])
model = AutoModelForCausalLM.from_pretrained(a["model"], dtype=torch.bfloat16 if bf16 else torch.float32)
ds = load_from_disk(a["data"])["train"].select_columns(["prompt", "chosen", "rejected"])
args = DPOConfig(output_dir=a["out"], bf16=bf16, **a["dpo"])
peft = LoraConfig(task_type="CAUSAL_LM", **a["lora"])
trainer = DPOTrainer(model=model, args=args, train_dataset=ds, processing_class=tok, peft_config=peft)
m = trainer.train().metrics
tokens = [e["num_tokens"] for e in trainer.state.log_history if "num_tokens" in e][-1]
print("RESULT " + json.dumps({"train_runtime": m["train_runtime"], "num_tokens": tokens,
                              "steps": trainer.state.global_step}))
'''


def make_data(out: Path, n: int, words: int, seed: int) -> None:
    """Synthetic conversational preference pairs saved as an export-dpo style DatasetDict."""
    from datasets import Dataset, DatasetDict

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(500)]

    def text(k: int) -> str:
        return " ".join(rng.choice(vocab) for _ in range(k))

    rows = [{"prompt": [{"role": "user", "content": text(words // 2)}],
             "chosen": [{"role": "assistant", "content": text(words)}],
             "rejected": [{"role": "assistant", "content": text(words)}]} for _ in range(n)]
    DatasetDict({"train": Dataset.from_list(rows), "test": Dataset.from_list(rows[:4])}).save_to_disk(str(out))


def make_model(out: Path, smoke: bool) -> None:
    from prefbasis.train.tiny import build_tiny_model

    if smoke:
        build_tiny_model(out, hidden_size=32, num_layers=2, num_heads=4)
    else:  # ~150M parameters
        build_tiny_model(out, hidden_size=1024, num_layers=12, num_heads=16, max_positions=2048)


def run(cmd: list[str], label: str) -> dict:
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=os.environ | {"PREFBASIS_QUIET": "1"})
    if proc.returncode:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
        raise SystemExit(f"{label} failed with exit code {proc.returncode}")
    return {"wall_s": time.perf_counter() - t, "stdout": proc.stdout}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny model and data (CPU check)")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", help="write the JSON summary here too")
    a = ap.parse_args(argv)
    steps = a.steps or (4 if a.smoke else 40)
    batch = a.batch or (2 if a.smoke else 8)
    max_length = 128 if a.smoke else 1024
    work = Path(tempfile.mkdtemp(prefix="dpo_gpu_"))
    make_model(work / "model", a.smoke)
    make_data(work / "data", n=steps * batch, words=40 if a.smoke else 200, seed=0)
    dpo = {"max_steps": steps, "per_device_train_batch_size": batch, "learning_rate": 5e-5,
           "max_length": max_length, "gradient_checkpointing": False, "logging_steps": 5,
           "save_strategy": "no", "report_to": "none", "seed": 0, "beta": 0.1,
           "dataloader_num_workers": 0}
    lora = {"r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "target_modules": "all-linear"}
    results: dict[str, list[dict]] = {"trl": [], "prefbasis": []}
    for rep in range(a.repeats):
        spec = {"model": str(work / "model"), "data": str(work / "data"), "out": str(work / f"trl{rep}"),
                "dpo": dpo, "lora": lora}
        r = run([sys.executable, "-c", PLAIN_TRL, json.dumps(spec)], "plain TRL")
        line = [x for x in r["stdout"].splitlines() if x.startswith("RESULT ")][-1]
        results["trl"].append(json.loads(line[7:]))
        flags = [x for k, v in dpo.items() for x in (f"--{k}", str(v).lower() if isinstance(v, bool) else str(v))]
        flags += ["--lora_r", "16", "--lora_alpha", "32", "--lora_dropout", "0.05",
                  "--lora_target_modules", "all-linear", "--final_eval", "false"]
        r = run([sys.executable, str(REPO / "cli.py"), "--db", str(work / "store.duckdb"), "train",
                 "--data", str(work / "data"), "--model", str(work / "model"),
                 "--output_dir", str(work / f"pb{rep}"), *flags], "prefbasis train")
        res = json.loads(r["stdout"].strip().splitlines()[-1])
        results["prefbasis"].append({"train_runtime": res["metrics"]["train_runtime"],
                                     "num_tokens": res["metrics"]["num_tokens"], "steps": res["steps"],
                                     "device": res["device"]})
    tps = {k: [x["num_tokens"] / x["train_runtime"] for x in v] for k, v in results.items()}
    import torch

    summary = {"device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
               "smoke": a.smoke, "steps": steps, "batch": batch, "max_length": max_length,
               "tokens_per_s": {k: round(max(v), 1) for k, v in tps.items()},
               "all_tokens_per_s": {k: [round(x, 1) for x in v] for k, v in tps.items()},
               "ratio_prefbasis_over_trl": round(max(tps["prefbasis"]) / max(tps["trl"]), 3),
               "runs": results}
    print(f"| path | tokens/s (best of {a.repeats}) |\n| --- | --- |")
    for k in ("trl", "prefbasis"):
        print(f"| {k} | {summary['tokens_per_s'][k]:.1f} |")
    print(f"ratio prefbasis/TRL = {summary['ratio_prefbasis_over_trl']} (target >= 0.95)")
    print(json.dumps(summary))
    if a.out:
        Path(a.out).write_text(json.dumps(summary, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""DPO + LoRA on an export-dpo folder: TRL `DPOTrainer` with a PEFT `LoraConfig`.

No separate reference model: with a PEFT adapter, TRL scores the reference with the adapter
disabled (the base). GPU (bf16 where supported) when there is one, CPU otherwise; `accelerate
launch -m prefbasis.cli.train ...` for several GPUs. Writes the adapter, `train_config.yaml` (the
resolved config), `training_card.json` / `training_card.md`. `resume_from_checkpoint: auto` resumes
from the newest checkpoint in the output folder.

Example:
    >>> from prefbasis.train.config import load_train_config
    >>> cfg = load_train_config(["--data", "dpo-concise", "--model", "HuggingFaceTB/SmolLM2-135M-Instruct"])  # doctest: +SKIP
    >>> result = train(cfg)  # doctest: +SKIP
    >>> result.steps, round(result.final_loss, 3)  # doctest: +SKIP
    (40, 0.612)
"""
from __future__ import annotations

import contextlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefbasis.errors import ConfigError
from prefbasis.hashing import content_hash
from prefbasis.progress import quiet_default
from prefbasis.store import Store
from prefbasis.train.config import checkpointing_renames_hushed
from prefbasis.train.export import read_export_card

KEEP_COLUMNS = ("prompt", "chosen", "rejected")


@dataclass
class TrainResult:
    """What a training run produced."""

    output_dir: str
    base_model: str
    data: str
    category: str | None
    basis_id: str | None
    n_train: int
    n_eval: int
    steps: int
    final_loss: float | None
    reward_accuracy: float | None
    device: str
    train_runtime_s: float
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_splits(data: str, train_split: str = "train", test_split: str = "test"):
    """(train, test-or-None) from an export folder, keeping only prompt/chosen/rejected."""
    from prefbasis.train.export import load_export_splits

    dd = load_export_splits(data)
    if train_split not in dd:
        raise ConfigError(f"--data {data} has no split {train_split!r} (has {list(dd)})")
    if not len(dd[train_split]):
        raise ConfigError(f"--data {data}: split {train_split!r} is empty: nothing to train on")

    def keep(ds):
        return ds.remove_columns([c for c in ds.column_names if c not in KEEP_COLUMNS])

    test = keep(dd[test_split]) if test_split in dd and len(dd[test_split]) else None
    return keep(dd[train_split]), test


def resolve_resume(cfg) -> str | bool | None:
    """'auto'/'last'/'true' -> the newest checkpoint in output_dir (None when there is none)."""
    value = cfg.resume_from_checkpoint
    if value is None or str(value).lower() in ("", "false", "none", "no"):
        return None
    if str(value).lower() in ("auto", "last", "true", "yes"):
        from transformers.trainer_utils import get_last_checkpoint

        out = Path(cfg.output_dir)
        return get_last_checkpoint(str(out)) if out.is_dir() else None
    if not Path(value).exists():
        raise ConfigError(f"--resume_from_checkpoint {value}: no such checkpoint folder")
    return str(value)


def _last(log_history: list[dict[str, Any]], key: str) -> float | None:
    for entry in reversed(log_history):
        if key in entry:
            return float(entry[key])
    return None


def load_model_and_tokenizer(model_id: str, *, bf16: bool = False):
    """Tokenizer (pad token = eos when missing) and causal LM (bf16 or fp32)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from prefbasis.progress import hush_library_bars

    hush_library_bars()
    try:
        tok = AutoTokenizer.from_pretrained(model_id)
        model = AutoModelForCausalLM.from_pretrained(
            model_id, dtype=torch.bfloat16 if bf16 else torch.float32)
    except OSError as exc:
        raise ConfigError(f"--model {model_id}: cannot load ({str(exc).splitlines()[0]})") from None
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return model, tok


def _card_md(res: TrainResult, cfg) -> str:
    acc = "n/a" if res.reward_accuracy is None else f"{res.reward_accuracy:.3f}"
    loss = "n/a" if res.final_loss is None else f"{res.final_loss:.4f}"
    return (f"# DPO + LoRA adapter: {res.category or Path(res.data).name}\n\n"
            f"| | |\n| --- | --- |\n| base model | `{res.base_model}` |\n| data | `{res.data}` "
            f"({res.n_train} train / {res.n_eval} test pairs) |\n| category | {res.category} "
            f"(basis `{res.basis_id}`) |\n| steps | {res.steps} |\n| final training loss | {loss} |\n"
            f"| reward accuracy | {acc} |\n| beta / loss | {cfg.beta} / {cfg.loss_type} |\n"
            f"| LoRA | r={cfg.lora_r}, alpha={cfg.lora_alpha}, dropout={cfg.lora_dropout}, "
            f"targets={cfg.lora_target_modules} |\n| device | {res.device} |\n"
            f"| runtime | {res.train_runtime_s:.1f} s |\n\n"
            "Trained by `prefbasis train` (TRL DPOTrainer, PEFT LoRA; reference = adapter-disabled "
            "base). Resolved config: `train_config.yaml`.\n")


def resolved_config(cfg) -> dict[str, Any]:
    """The config as plain data, with anything token-like removed."""
    d = cfg.to_dict()
    return {k: v for k, v in d.items() if not (k.endswith("_token") or k == "hub_token")}


def train(cfg, callbacks: list[Any] | None = None) -> TrainResult:
    """Fine-tune `cfg.model` with DPO + LoRA on `cfg.data`; save the adapter and cards.

    `callbacks`: extra `transformers.TrainerCallback`s (e.g. a wall-clock budget), passed to DPOTrainer.
    """
    import yaml
    from trl import DPOTrainer

    train_ds, eval_ds = load_splits(cfg.data, cfg.train_split, cfg.test_split)
    if not cfg.final_eval:
        eval_ds = None
    card = read_export_card(cfg.data)
    model, tok = load_model_and_tokenizer(cfg.model, bf16=bool(cfg.bf16))
    resume = resolve_resume(cfg)
    with contextlib.redirect_stdout(sys.stderr), checkpointing_renames_hushed():  # stdout: results only
        trainer = DPOTrainer(model=model, args=cfg, train_dataset=train_ds, eval_dataset=eval_ds,
                             processing_class=tok, peft_config=cfg.lora_config(),
                             callbacks=callbacks)
        if quiet_default():   # --quiet / PREFBASIS_QUIET: no per-step log lines either
            from transformers import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        start = time.perf_counter()
        output = trainer.train(resume_from_checkpoint=resume)
        runtime = time.perf_counter() - start
        metrics: dict[str, Any] = dict(output.metrics)
        if eval_ds is not None:
            metrics.update(trainer.evaluate())
    out = Path(cfg.output_dir)
    trainer.save_model(str(out))
    tok.save_pretrained(str(out))
    history = trainer.state.log_history
    if _last(history, "num_tokens") is not None:   # tokens seen (TRL's count), for throughput
        metrics["num_tokens"] = _last(history, "num_tokens")
    reward_acc = metrics.get("eval_rewards/accuracies", _last(history, "rewards/accuracies"))
    res = TrainResult(output_dir=str(out), base_model=str(cfg.model), data=str(cfg.data),
                      category=card.get("category"), basis_id=card.get("basis_id"),
                      n_train=len(train_ds), n_eval=0 if eval_ds is None else len(eval_ds),
                      steps=int(trainer.state.global_step),
                      final_loss=metrics.get("train_loss", _last(history, "loss")),
                      reward_accuracy=None if reward_acc is None else float(reward_acc),
                      device=str(trainer.args.device), train_runtime_s=runtime,
                      metrics={k: float(v) for k, v in metrics.items() if isinstance(v, (int, float))})
    if trainer.is_world_process_zero():
        (out / "train_config.yaml").write_text(
            yaml.safe_dump(json.loads(json.dumps(resolved_config(cfg), default=str)), sort_keys=True),
            encoding="utf-8")
        (out / "training_card.json").write_text(json.dumps(res.to_dict(), indent=2), encoding="utf-8")
        (out / "training_card.md").write_text(_card_md(res, cfg), encoding="utf-8")
    return res


def record_training_run(store: Store, res: TrainResult, cfg) -> str:
    """Insert one `training_runs` row (one transaction); returns its run_id."""
    config = json.dumps(resolved_config(cfg), default=str, sort_keys=True)
    run_id = content_hash(res.output_dir, config, str(res.steps), str(res.final_loss))
    with store.transaction() as con:
        con.execute("delete from training_runs where run_id = ?", [run_id])
        con.execute(
            "insert into training_runs(run_id, output_dir, base_model, data, basis_id, category, "
            "n_train, steps, final_loss, reward_accuracy, device, config) values (?,?,?,?,?,?,?,?,?,?,?,?)",
            [run_id, res.output_dir, res.base_model, res.data, res.basis_id, res.category, res.n_train,
             res.steps, res.final_loss, res.reward_accuracy, res.device, config])
    return run_id


def is_main_process() -> bool:
    """False on the non-zero ranks of a distributed run (only rank 0 records to the store)."""
    import torch.distributed as dist

    return not (dist.is_available() and dist.is_initialized() and dist.get_rank() != 0)


def train_and_record(cfg, db: str | None = None, callbacks: list[Any] | None = None) -> TrainResult:
    """`train`, then (on the main process) record the run in the store at `db`; the store is opened
    only after training, so it is not locked while the model trains."""
    res = train(cfg, callbacks=callbacks)
    if is_main_process():
        with Store.open(db) as store:
            record_training_run(store, res, cfg)
    return res

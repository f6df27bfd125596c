"""export -> train (a few DPO+LoRA steps) -> evaluate on a tiny random LM built in code (no download)."""
from __future__ import annotations

import dataclasses
import json

import pytest

from prefbasis.cli import main as cli
from prefbasis.errors import ConfigError
from prefbasis.store import Store
from prefbasis.train.config import load_train_config
from test_train_export import populate

FAST = ["--gradient_checkpointing", "false", "--max_length", "96", "--per_device_train_batch_size", "4",
        "--per_device_eval_batch_size", "8", "--learning_rate", "2e-2", "--logging_steps", "1",
        "--report_to", "none", "--seed", "0", "--lora_r", "8", "--lora_target_modules", "all-linear"]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from prefbasis.train.tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "lm", seed=0)


def test_config_yaml_and_overrides_reach_every_field(tmp_path):
    from peft import LoraConfig
    from trl import DPOConfig

    from prefbasis.train.config import TrainConfig

    names = {f.name for f in dataclasses.fields(TrainConfig)}
    assert {f.name for f in dataclasses.fields(DPOConfig)} <= names
    assert {"lora_r", "lora_alpha", "lora_target_modules", "lora_use_dora", "lora_bias_mode"} <= names
    yml = tmp_path / "c.yaml"
    yml.write_text("data: d\nmodel: m\nbeta: 0.3\nlora_r: 4\nloss_type: [ipo]\nmax_steps: 5\n")
    cfg = load_train_config(["--config", str(yml), "--beta", "0.5", "--lora_use_dora", "true"])
    assert (cfg.beta, cfg.lora_r, cfg.loss_type, cfg.max_steps) == (0.5, 4, ["ipo"], 5)
    lora = cfg.lora_config()
    assert isinstance(lora, LoraConfig) and lora.r == 4 and lora.use_dora and lora.task_type == "CAUSAL_LM"
    assert cfg.bf16 is False and cfg.output_dir == "d-lora"  # CPU: fp32
    with pytest.raises(ConfigError, match="--data"):
        load_train_config(["--model", "m"])
    # a LoRA learning rate by default (DPOConfig's 1e-6 learns nothing with LoRA); overridable
    assert {f.name: f.default for f in dataclasses.fields(DPOConfig)}["learning_rate"] == 1e-6
    assert cfg.learning_rate == 5e-4
    assert load_train_config(["--data", "d", "--model", "m", "--learning_rate", "1e-5"]).learning_rate == 1e-5


def test_train_package_is_a_plain_package():
    import prefbasis.train
    from prefbasis.train import train
    from prefbasis.train.trainer import train as trainer_train

    assert train is trainer_train and not callable(prefbasis.train)


def test_export_train_resume_evaluate(store, tmp_path, tiny_model, capsys):
    populate(store, n=48, n_prompts=24, short_wins=False)  # base prefers short: starts low
    db = store.path
    store.close()
    data, other, adapter = tmp_path / "concise", tmp_path / "polite", tmp_path / "adapter"
    assert cli(["--db", db, "-q", "export-dpo", "--category", "concise answers", "--out", str(data)]) == 0
    assert cli(["--db", db, "-q", "export-dpo", "--category", "polite tone", "--out", str(other),
                "--test-size", "0.4"]) == 0
    capsys.readouterr()
    base = ["--db", db, "-q", "train", "--data", str(data), "--model", str(tiny_model),
            "--output_dir", str(adapter), *FAST, "--save_steps", "3"]
    assert cli([*base, "--max_steps", "3"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["steps"] == 3 and first["category"] == "concise answers" and first["device"] == "cpu"
    # resume from checkpoint-3 and go on to 8 steps
    assert cli([*base, "--max_steps", "8", "--resume_from_checkpoint", "auto"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["steps"] == 8 and 0 < res["final_loss"] < 0.7 and res["reward_accuracy"] > 0.5
    for name in ("adapter_model.safetensors", "adapter_config.json", "train_config.yaml",
                 "training_card.md", "checkpoint-3"):
        assert (adapter / name).exists(), name
    assert "concise answers" in (adapter / "training_card.md").read_text()

    assert cli(["--db", db, "-q", "evaluate", "--adapter", str(adapter), "--data", str(data),
                "--other", str(other), "--probe", "length", "--probe-prompts", "2",
                "--max-new-tokens", "6", "--n-bootstrap", "200", "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    acc = {(r["role"], r["variant"]): r for r in rows if r["metric"] == "preference_accuracy"}
    assert set(acc) == {(role, v) for role in ("category", "other") for v in ("base", "tuned", "delta")}
    tuned = acc[("category", "tuned")]
    assert tuned["ci_low"] <= tuned["value"] <= tuned["ci_high"]
    # the tiny model learned "long answer wins" on its category's held-out prompts
    assert tuned["value"] > acc[("category", "base")]["value"] and tuned["value"] >= 0.8
    assert any(r["metric"] == "probe:length" and r["n"] == 2 for r in rows)
    by = {(r["metric"], r["role"], r["variant"]): r["value"] for r in rows}
    # the margin moved towards the chosen side, and DPO's implicit reward ranks held-out pairs right
    assert by[("preference_margin", "category", "delta")] > 0
    assert by[("preference_margin", "category", "tuned")] > by[("preference_margin", "category", "base")]
    assert by[("reward_accuracy", "category", "tuned")] >= 0.8
    assert ("reward_accuracy", "category", "base") not in by
    with Store.open(db, read_only=True) as s:
        assert s.scalar("select count(*) from training_runs") == 2
        assert s.scalar("select count(*) from evaluations where metric = 'preference_accuracy'") == 6


def test_train_and_evaluate_errors(db_path, tmp_path):
    assert cli(["--db", str(db_path), "train", "--data", str(tmp_path / "none"), "--model", "m"]) == 2
    assert cli(["--db", str(db_path), "evaluate", "--adapter", str(tmp_path), "--data", str(tmp_path)]) == 2

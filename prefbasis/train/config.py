"""Config dataclasses for export-dpo, train and evaluate.

`ExportConfig` and `EvalConfig` are plain dataclasses. `TrainConfig` is TRL's `DPOConfig` plus every
PEFT `LoraConfig` field (prefixed `lora_`: `lora_r`, `lora_alpha`, `lora_target_modules`, ...) plus
`data` and `model`; it loads from YAML and the command line the same way, through `trl.TrlParser`
(`make_parser().parse_args_and_config(argv)`, the pattern of TRL's own scripts). Because it needs
trl and peft, `TrainConfig` is built on first access (``from prefbasis.train.config import
TrainConfig`` works; importing this module alone stays fast).

Example:
    >>> cfg = ExportConfig(category="concise answers", test_size=0.2, seed=0)
    >>> cfg.style.value
    'conversational'
    >>> parser = make_parser()  # doctest: +SKIP
    >>> (cfg,) = parser.parse_args_and_config(["--data", "d", "--model", "m", "--lora_r", "4"])  # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import dataclasses
import sys
import warnings
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional

from prefbasis.errors import ConfigError


class ExportStyle(str, Enum):
    """TRL dataset formats: message lists (`conversational`) or plain strings (`standard`)."""

    conversational = "conversational"
    standard = "standard"


class Probe(str, Enum):
    """Behaviour probes for `evaluate --probe`: `length` = mean generated response length (words)."""

    length = "length"


@dataclass
class ExportConfig:
    """What `export_dpo` writes: the comparisons of one category as a DPO data set."""

    category: str = field(metadata={"help": "preference category: id, name, or the start of a name"})
    basis: Optional[str] = field(default=None, metadata={
        "help": "basis id, id prefix or name (default: the latest)"})
    topic: Optional[str] = field(default=None, metadata={
        "help": "only comparisons in this topic category (id or name) of the same basis"})
    min_similarity: Optional[float] = field(default=None, metadata={
        "metavar": "S", "help": "only assignments with similarity >= S"})
    out: Optional[str] = field(default=None, metadata={"help": "output folder (default ./dpo-<category>)"})
    style: ExportStyle = field(default=ExportStyle.conversational, metadata={
        "help": "TRL dataset format: message lists or plain strings"})
    weight: bool = field(default=False, metadata={"help": "add a per-pair weight column (similarity)"})
    test_size: float = field(default=0.2, metadata={"help": "share of prompts held out"})
    seed: int = field(default=42, metadata={"help": "seed of the train/test split"})
    min_pairs: int = field(default=8, metadata={"help": "refuse subsets smaller than this"})
    complement: bool = field(default=False, metadata={
        "help": "export the basis's other categories' pairs that are NOT in --category "
                "(an out-of-category control for evaluate; same --seed/--test-size split)"})
    dedupe: bool = field(default=False, metadata={
        "help": "one row per (prompt, chosen, rejected); drop pairs exported in both directions"})
    exclude: list[str] = field(default_factory=list, metadata={
        "help": "drop pairs also in this category, same direction (repeatable; same basis)"})

    def __post_init__(self) -> None:
        self.style = ExportStyle(self.style)
        if isinstance(self.exclude, str):
            self.exclude = [self.exclude]
        self.exclude = list(self.exclude or [])
        if not 0.0 <= self.test_size < 1.0:
            raise ConfigError(f"--test-size must be in [0, 1), got {self.test_size}")
        if self.min_similarity is not None and not -1.0 <= self.min_similarity <= 1.0:
            raise ConfigError(f"--min-similarity is a cosine similarity, in [-1, 1]; got {self.min_similarity}")


@dataclass
class EvalConfig:
    """What `evaluate` measures: preference accuracy of base vs tuned, and optional probes."""

    adapter: list[str] = field(metadata={
        "help": "folder written by `prefbasis train` (repeatable: the base model is scored once for all)"})
    data: list[str] = field(metadata={
        "help": "export-dpo folder (repeatable): the first is the category, the others other categories"})
    other: list[str] = field(default_factory=list, metadata={
        "help": "other categories' export folders (the same as more --data)"})
    split: str = field(default="test", metadata={"help": "split of each export folder to score"})
    model: Optional[str] = field(default=None, metadata={
        "help": "base model (default: the one the adapter was trained on)"})
    max_length: int = field(default=256, metadata={"help": "prompt + response tokens (prompt cut from the left)"})
    batch_size: int = field(default=8, metadata={"help": "pairs per forward pass"})
    limit: Optional[int] = field(default=None, metadata={"help": "at most N pairs per data set (the first N)"})
    n_bootstrap: int = field(default=1000, metadata={"help": "bootstrap rounds of the CIs"})
    confidence: float = field(default=0.95, metadata={"help": "coverage of the CIs"})
    seed: int = field(default=42, metadata={"help": "bootstrap seed"})
    probe: Optional[Probe] = field(default=None, metadata={"help": "behaviour probe on held-out prompts"})
    probe_prompts: int = field(default=16, metadata={"help": "prompts the probe generates for"})
    max_new_tokens: int = field(default=64, metadata={"help": "tokens the probe generates per prompt"})
    device: Optional[str] = field(default=None, metadata={"help": "torch device (default: cuda when available, else cpu)"})

    def __post_init__(self) -> None:
        if isinstance(self.adapter, str):
            self.adapter = [self.adapter]
        if isinstance(self.data, str):
            self.data = [self.data]
        self.data = list(self.data) + list(self.other)   # --other: more folders, after --data
        self.other = []
        self.adapter = list(dict.fromkeys(str(a) for a in self.adapter))
        if not self.adapter:
            raise ConfigError("evaluate needs at least one --adapter folder")
        if not self.data:
            raise ConfigError("evaluate needs at least one --data folder")
        if self.probe is not None:
            self.probe = Probe(self.probe)


# ---- TrainConfig: DPOConfig + LoraConfig fields, built lazily --------------------------------
_LORA_SKIP = {"task_type", "peft_type", "auto_mapping", "peft_version", "base_model_name_or_path",
              "revision", "inference_mode", "runtime_config"}
_LORA_RENAME = {"bias": "lora_bias_mode"}      # `lora_bias` is already a LoraConfig field
LORA_DEFAULTS = {"r": 16, "lora_alpha": 32, "lora_dropout": 0.05}   # prefbasis defaults over PEFT's
_BUILT: dict[str, type] = {}
LORA_LEARNING_RATE = 5e-4                     # TrainConfig default (see the field below)


def _lora_arg_name(name: str) -> str:
    return _LORA_RENAME.get(name, name if name.startswith("lora_") else f"lora_{name}")


def _lora_arg_type(type_text: str) -> Any:
    """A LoraConfig annotation -> a type HfArgumentParser understands (complex ones as YAML text)."""
    t = str(type_text).replace(" ", "")
    simple = {"int": int, "float": float, "bool": bool, "str": str, "Optional[str]": Optional[str],
              "Optional[int]": Optional[int], "Optional[float]": Optional[float]}
    if t in simple:
        return simple[t]
    if t.startswith("Literal[") or t.startswith("bool|Literal["):
        return str
    if "dict" not in t and "list[str]" in t:
        return Optional[list[str]]
    if "dict" not in t and "list[int]" in t and "tuple" not in t:
        return Optional[list[int]]
    return Optional[str]                       # parsed with yaml.safe_load in lora_config()


def _lora_fields() -> list[tuple[str, Any, Any]]:
    from peft import LoraConfig

    out = []
    for f in dataclasses.fields(LoraConfig):
        if not f.init or f.name in _LORA_SKIP:
            continue
        typ = _lora_arg_type(f.type)
        default = LORA_DEFAULTS.get(f.name, f.default)
        if default is dataclasses.MISSING or (typ is Optional[str] and not isinstance(default, str)):
            default = None
        if isinstance(default, bool) and typ is str:   # init_lora_weights: bool | Literal[...]
            default = str(default).lower()
        help_text = (f.metadata or {}).get("help", "")
        meta = {"help": f"LoraConfig.{f.name}. {help_text}".strip()}
        out.append((_lora_arg_name(f.name), typ, field(default=default, metadata=meta)))
    return out


def _coerce_lora_value(name: str, value: Any, type_text: str) -> Any:
    import yaml

    t = str(type_text)
    if isinstance(value, list) and len(value) == 1 and "str" in t and value[0] in ("all-linear",):
        return value[0]
    if isinstance(value, str) and name == "init_lora_weights" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, str) and _lora_arg_type(t) is Optional[str] and t != "Optional[str]":
        return yaml.safe_load(value)
    return value


@dataclass
class TrainOptions:
    """prefbasis's own `train` options (and its defaults that differ from TRL's); `TrainConfig` adds
    every DPOConfig and LoraConfig field. Light: `prefbasis train --help` lists these first."""

    data: Optional[str] = field(default=None, metadata={
        "help": "folder written by `prefbasis export-dpo` (a DatasetDict with train/test)"})
    model: Optional[str] = field(default=None, metadata={
        "help": "base model: a local folder or a Hugging Face id"})
    train_split: str = field(default="train", metadata={"help": "split to train on"})
    test_split: str = field(default="test", metadata={"help": "split for the final evaluation"})
    final_eval: bool = field(default=True, metadata={
        "help": "evaluate on the test split after training (eval loss, reward accuracy)"})
    # DPOConfig's default (1e-6) is a full fine-tuning rate: with LoRA's few, zero-initialised
    # adapter weights it moves nothing in a short run (loss stays at ln 2). LoRA needs ~1e-4..1e-3.
    learning_rate: float = field(default=LORA_LEARNING_RATE, metadata={
        "help": f"AdamW learning rate (prefbasis default {LORA_LEARNING_RATE:g}, a LoRA rate; "
                "TRL's DPOConfig default 1e-6 is for full fine-tuning)"})
    # TRL turns checkpointing on through `gradient_checkpointing`, a name transformers deprecates
    # (a FutureWarning on every run): prefbasis sets the new name and leaves the old one unset.
    activation_checkpointing: bool = field(default=True, metadata={
        "help": "recompute activations in the backward pass: less memory, ~20%% slower (TRL's default: on)"})
    gradient_checkpointing: Optional[bool] = field(default=None, metadata={
        "help": "deprecated alias of --activation_checkpointing (given: it wins)"})


def _build_train_config() -> type:
    from transformers import TrainingArguments
    from trl import DPOConfig

    lora_base = dataclasses.make_dataclass("LoraArguments", _lora_fields())
    lora_base.__module__ = __name__
    _BUILT["LoraArguments"] = lora_base
    new_checkpointing_name = "activation_checkpointing" in {f.name for f in dataclasses.fields(TrainingArguments)}

    @dataclass
    class TrainConfig(TrainOptions, lora_base, DPOConfig):  # type: ignore[misc, valid-type]
        """DPOConfig + every LoraConfig field (`lora_*`) + prefbasis's `TrainOptions`."""

        def __post_init__(self) -> None:
            import torch

            if self.bf16 is None:      # bf16 only where the GPU supports it; CPU trains in fp32
                self.bf16 = bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported()
                                 and not self.fp16)
            elif self.bf16 and not torch.cuda.is_available():
                # `--bf16 true` on a CPU (fast where it has AMX / AVX512-BF16): Trainer wants use_cpu
                self.use_cpu = True
            if self.disable_tqdm is None:   # no bar when quiet, nor as carriage-return runs in a log
                from prefbasis.progress import quiet_default

                self.disable_tqdm = quiet_default() or not sys.stderr.isatty()
            if not torch.cuda.is_available():   # pinned memory needs an accelerator (else a UserWarning)
                self.dataloader_pin_memory = False
            if self.output_dir is None and self.data:
                self.output_dir = str(self.data).rstrip("/") + "-lora"
            if self.gradient_checkpointing is not None:   # the old name, given explicitly
                self.activation_checkpointing = bool(self.gradient_checkpointing)
            # transformers mirrors the new name into the old one; older versions know only the old
            self.gradient_checkpointing = None if new_checkpointing_name else self.activation_checkpointing
            super().__post_init__()

        def lora_config(self):
            """The PEFT `LoraConfig` (task CAUSAL_LM) from the `lora_*` fields."""
            from peft import LoraConfig

            kwargs = {}
            for f in dataclasses.fields(LoraConfig):
                if not f.init or f.name in _LORA_SKIP:
                    continue
                value = getattr(self, _lora_arg_name(f.name))
                if value is None and f.default is dataclasses.MISSING:
                    continue
                kwargs[f.name] = _coerce_lora_value(f.name, value, f.type)
            return LoraConfig(task_type="CAUSAL_LM", **kwargs)

    TrainConfig.__module__ = __name__
    TrainConfig.__qualname__ = "TrainConfig"
    _BUILT["TrainConfig"] = TrainConfig
    return TrainConfig


def __getattr__(name: str) -> Any:
    if name in ("TrainConfig", "LoraArguments"):
        if name not in _BUILT:
            _build_train_config()
        return _BUILT[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def checkpointing_renames_hushed():
    """transformers 5 renamed gradient checkpointing to activation checkpointing; PEFT and TRL still
    call the old methods and properties, a FutureWarning per call that no setting of ours avoids.
    Inside this block those (and only those) are not shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*gradient_checkpointing.* is deprecated", category=FutureWarning)
        yield


def make_parser(prog: str | None = "prefbasis train"):
    """A `trl.TrlParser` over `TrainConfig`: `--config FILE.yaml`, then command-line overrides."""
    from trl import TrlParser

    return TrlParser((__getattr__("TrainConfig"),), prog=prog)


def load_train_config(argv: list[str] | None = None):
    """Parse `[--config FILE.yaml] [--field value ...]` into a `TrainConfig`."""
    import yaml

    parser = make_parser()
    try:
        (cfg,) = parser.parse_args_and_config(argv)
    except OSError as exc:  # --config FILE that cannot be read
        raise ConfigError(f"--config {exc.filename or ''}: cannot read it ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"--config: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not cfg.data or not cfg.model:
        raise ConfigError("train needs --data DIR and --model PATH_OR_ID (on the command line or in --config)")
    return cfg

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

import dataclasses
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

    category: str                            # name or integer id (kind 'preference')
    basis: Optional[str] = None              # basis id or name; default: the newest basis that has it
    topic: Optional[str] = None              # topic category name or id within the same basis
    min_similarity: Optional[float] = None   # keep assignments with similarity >= this
    out: Optional[str] = None                # output folder; default ./dpo-<category>
    style: ExportStyle = ExportStyle.conversational
    weight: bool = False                     # add a `weight` column from the assignment similarity
    test_size: float = 0.2                   # share of PROMPTS held out
    seed: int = 42
    min_pairs: int = 8                       # fewer pairs than this is "too small to train on"
    complement: bool = False                 # export the pairs NOT in the category (out-of-category control)
    dedupe: bool = False                     # one row per (prompt, chosen, rejected); drop pairs seen both ways
    exclude: list[str] = field(default_factory=list)  # drop pairs (same direction) also in these categories

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

    adapter: list[str]                        # folders written by `train` (the base is scored once for all)
    data: list[str]                           # first: the category's export; others: other categories
    split: str = "test"
    model: Optional[str] = None               # base model; default: the one the adapter was trained on
    max_length: int = 256                     # prompt + response tokens (prompt cut from the left)
    batch_size: int = 8
    limit: Optional[int] = None               # at most this many pairs per data set (first N)
    n_bootstrap: int = 1000
    confidence: float = 0.95
    seed: int = 42
    probe: Optional[Probe] = None
    probe_prompts: int = 16
    max_new_tokens: int = 64
    device: Optional[str] = None              # default: cuda when available, else cpu

    def __post_init__(self) -> None:
        if isinstance(self.adapter, str):
            self.adapter = [self.adapter]
        if isinstance(self.data, str):
            self.data = [self.data]
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
_LORA_DEFAULTS = {"r": 16, "lora_alpha": 32, "lora_dropout": 0.05}
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
        default = _LORA_DEFAULTS.get(f.name, f.default)
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


def _build_train_config() -> type:
    import torch
    from trl import DPOConfig

    lora_base = dataclasses.make_dataclass("LoraArguments", _lora_fields())
    lora_base.__module__ = __name__
    _BUILT["LoraArguments"] = lora_base

    @dataclass
    class TrainConfig(lora_base, DPOConfig):  # type: ignore[misc, valid-type]
        """DPOConfig + every LoraConfig field (`lora_*`) + the data folder and the base model."""

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

        def __post_init__(self) -> None:
            if self.bf16 is None:      # bf16 only where the GPU supports it; CPU trains in fp32
                self.bf16 = bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported()
                                 and not self.fp16)
            elif self.bf16 and not torch.cuda.is_available():
                # `--bf16 true` on a CPU (fast where it has AMX / AVX512-BF16): Trainer wants use_cpu
                self.use_cpu = True
            if self.output_dir is None and self.data:
                self.output_dir = str(self.data).rstrip("/") + "-lora"
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

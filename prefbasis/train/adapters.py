"""Load one base model with several LoRA adapters on it, and find each adapter's own category.

`evaluate` scores the base once (adapters disabled) and then each adapter in turn (`set_adapter`),
so N adapters cost N + 1 passes over the held-out pairs instead of 2N.

Example:
    >>> loaded = load_adapters(["dpo-concise-lora", "dpo-detailed-lora"])  # doctest: +SKIP
    >>> loaded.names  # PEFT adapter names, in the order given  # doctest: +SKIP
    ['a0', 'a1']
    >>> own_data_index("dpo-concise-lora", ["dpo-detailed", "dpo-concise"])  # doctest: +SKIP
    1
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefbasis.errors import ConfigError
from prefbasis.train.export import read_export_card


@dataclass
class LoadedAdapters:
    """A `PeftModel` holding every adapter (PEFT names `names`, same order as `adapters`)."""

    model: Any
    tokenizer: Any
    base_model: str
    adapters: list[str]
    names: list[str]


def training_card(adapter: str | Path) -> dict[str, Any]:
    """The adapter folder's `training_card.json` ({} for an adapter trained elsewhere)."""
    path = Path(adapter) / "training_card.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def adapter_base_model(adapter: str | Path) -> str:
    """The base model an adapter was trained on (training card, else adapter_config.json)."""
    path = Path(adapter)
    if not (path / "adapter_config.json").exists():
        raise ConfigError(f"--adapter {adapter}: no adapter_config.json (train one with `prefbasis train`)")
    card = training_card(path)
    if card.get("base_model"):
        return str(card["base_model"])
    return str(json.loads((path / "adapter_config.json").read_text())["base_model_name_or_path"])


def common_base_model(adapters: list[str], base: str | None = None) -> str:
    """`base` if given, else the one base model every adapter was trained on (a clear error if not)."""
    bases = {a: adapter_base_model(a) for a in adapters}
    if base is not None:
        return base
    distinct = sorted(set(bases.values()))
    if len(distinct) > 1:
        listed = "; ".join(f"{a}: {b}" for a, b in bases.items())
        raise ConfigError(f"the adapters were trained on different base models ({listed}); evaluate them "
                          "in separate runs, or pass --model to score them all on one base")
    return distinct[0]


def load_adapters(adapters: list[str], base: str | None = None, device: str | None = None) -> LoadedAdapters:
    """The base model (fp32) with every adapter loaded under the names a0, a1, ...; eval mode."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not adapters:
        raise ConfigError("evaluate needs at least one --adapter folder")
    from prefbasis.progress import hush_library_bars
    from prefbasis.train.config import checkpointing_renames_hushed

    base = common_base_model(adapters, base)
    hush_library_bars()
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    first = Path(adapters[0])
    tok = AutoTokenizer.from_pretrained(str(first) if (first / "tokenizer_config.json").exists() else base)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    names = [f"a{i}" for i in range(len(adapters))]
    with checkpointing_renames_hushed():
        model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32).to(device)
        model = PeftModel.from_pretrained(model, str(adapters[0]), adapter_name=names[0])
        for adapter, name in zip(adapters[1:], names[1:]):
            model.load_adapter(str(adapter), adapter_name=name)
    model.eval()
    return LoadedAdapters(model=model, tokenizer=tok, base_model=base, adapters=list(adapters), names=names)


def _category_key(card: dict[str, Any]) -> tuple[Any, Any] | None:
    return (card.get("basis_id"), card["category"]) if card.get("category") else None


def own_data_index(adapter: str | Path, data: list[str]) -> int:
    """Index in `data` of the adapter's own category: the export folder it was trained on, or one
    exported from the same (basis, category); 0 (the first --data) when none matches or the
    adapter has no training card."""
    card = training_card(adapter)
    trained_on = Path(card["data"]).resolve() if card.get("data") else None
    key = _category_key(card)
    for i, folder in enumerate(data):
        if trained_on is not None and Path(folder).resolve() == trained_on:
            return i
        if key is not None and _category_key(read_export_card(folder)) == key:
            return i
    return 0

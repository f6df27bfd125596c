"""Price table (USD per million tokens) and the spending budget.

Users override or extend the table with a YAML or JSON file:
``{"my-model": {"input": 0.5, "output": 1.5}}`` (`--prices FILE`).

Example:
    >>> table = PriceTable.default()
    >>> round(table.cost("gpt-4o-mini", 1_000_000, 0), 2)
    0.15
    >>> b = Budget(limit_usd=0.01)
    >>> b.reserve(0.004), b.reserve(0.004), b.reserve(0.004)
    (True, True, False)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from prefbasis.errors import ConfigError, InputError

# USD per 1M tokens (input, output), list prices; override with --prices for your account.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}


@dataclass
class PriceTable:
    """Model name -> (input, output) USD per million tokens; longest matching prefix wins."""

    prices: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def default(cls) -> "PriceTable":
        return cls(dict(DEFAULT_PRICES))

    @classmethod
    def load(cls, path: str | Path | None) -> "PriceTable":
        """The default table, updated from a YAML/JSON file when given."""
        table = cls.default()
        if not path:
            return table
        p = Path(path)
        if not p.exists():
            raise ConfigError(f"price file {p} does not exist")
        text = p.read_text(encoding="utf-8")
        if p.suffix.lower() in (".yaml", ".yml"):
            import yaml
            data = yaml.safe_load(text)
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", file=str(p), row=exc.lineno) from None
        if not isinstance(data, dict):
            raise InputError("expected a mapping of model -> {input, output}", file=str(p))
        for model, entry in data.items():
            try:
                table.prices[str(model)] = (float(entry["input"]), float(entry["output"]))
            except (TypeError, KeyError, ValueError):
                raise InputError("needs numeric 'input' and 'output' (USD per 1M tokens)",
                                 file=str(p), field=str(model)) from None
        return table

    def lookup(self, model: str) -> tuple[float, float] | None:
        name = model.rsplit("/", 1)[-1]
        best = None
        for key in self.prices:
            if (name == key or name.startswith(key + "-") or model == key) and (best is None or len(key) > len(best)):
                best = key
        return self.prices[best] if best else None

    def cost(self, model: str, tokens_in: int, tokens_out: int) -> float:
        """USD for this usage (0.0 for a model without a price)."""
        price = self.lookup(model)
        if price is None:
            return 0.0
        return (tokens_in * price[0] + tokens_out * price[1]) / 1e6


@dataclass
class Budget:
    """Spending cap: a request is sent only if spent + reserved + its worst case stays <= limit."""

    limit_usd: float | None = None
    spent: float = 0.0
    reserved: float = 0.0

    def reserve(self, worst_case: float) -> bool:
        if self.limit_usd is not None and self.spent + self.reserved + worst_case > self.limit_usd + 1e-12:
            return False
        self.reserved += worst_case
        return True

    def settle(self, reserved: float, actual: float) -> None:
        self.reserved = max(0.0, self.reserved - reserved)
        self.spent += actual

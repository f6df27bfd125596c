"""The in-memory comparison record every format parser produces, and the shared field checks.

Example:
    >>> r = Record(source_key="a.jsonl:1", prompt="Hi", response_a="Hello", response_b="Yo",
    ...            winner=normalize_winner("tie (bothbad)", file="a.jsonl", row=1))
    >>> r.winner
    'tie'
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from prefbasis.errors import InputError

# Upstream winner spellings -> 'a' / 'b' / 'tie'. Both "tie" flavours of Chatbot Arena
# ("tie" and "tie (bothbad)" / "both_bad") are ties; the raw value is kept in `extra`.
WINNER_VALUES: dict[str, str] = {
    "model_a": "a", "a": "a",
    "model_b": "b", "b": "b",
    "tie": "tie", "tie (bothbad)": "tie", "both_bad": "tie", "tie (both bad)": "tie",
}


@dataclass(slots=True)
class Record:
    """One pairwise comparison, normalized. `source_key` is the upstream id or `file:row`."""

    source_key: str
    prompt: str | None
    response_a: str | None
    response_b: str | None
    winner: str
    model_a: str | None = None
    model_b: str | None = None
    judge: str | None = None
    language: str | None = None
    turns: int | None = 1
    rationale: str | None = None
    presented_order: str | None = None  # 'a_first' | 'b_first': the order the rationale's judge saw
    extra: dict[str, Any] | str | None = field(default=None)  # a str is JSON text


def normalize_winner(value: Any, *, file: str | None, row: int | None, field_name: str = "winner",
                     values: dict[str, str] | None = None) -> str:
    """Map an upstream winner value to 'a'/'b'/'tie' or raise `InputError` naming the value."""
    table = WINNER_VALUES if values is None else values
    key = str(value).strip().lower() if value is not None else ""
    try:
        return table[key]
    except KeyError:
        allowed = ", ".join(sorted(table))
        raise InputError(f"unknown winner value {value!r} (expected one of: {allowed})",
                         file=file, row=row, field=field_name) from None


# How a source may spell the order the judge saw the pair in (`--map presented_order=FIELD`).
PRESENTED_ORDER_VALUES: dict[str, str] = {
    **{v: "a_first" for v in ("a_first", "ab", "a", "original", "normal", "false", "0", "no", "not_swapped")},
    **{v: "b_first" for v in ("b_first", "ba", "b", "swapped", "reversed", "true", "1", "yes")},
}


def normalize_presented_order(value: Any, *, file: str | None, row: int | None, field_name: str) -> str | None:
    """'a_first' / 'b_first' from a source's presented-order value (None stays None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    key = str(value).strip().lower()
    if key not in PRESENTED_ORDER_VALUES:
        allowed = ", ".join(sorted(PRESENTED_ORDER_VALUES))
        raise InputError(f"unknown presented order {value!r} (expected one of: {allowed})", file=file, row=row,
                         field=field_name)
    return PRESENTED_ORDER_VALUES[key]


def require(row: dict[str, Any], name: str, *, file: str | None, row_no: int | None) -> Any:
    """`row[name]`, or an `InputError` for the missing column."""
    try:
        return row[name]
    except KeyError:
        raise InputError(f"missing column {name!r} (this row has: {', '.join(map(str, row))})",
                         file=file, row=row_no, field=name) from None
    except TypeError:
        raise InputError(f"expected an object with field {name!r}, got {type(row).__name__}",
                         file=file, row=row_no, field=name) from None


def text(value: Any, *, file: str | None, row: int | None, field_name: str,
         allow_empty: bool = False) -> str:
    """A non-empty string, or an `InputError` ("empty prompt", "not text", ...)."""
    if not isinstance(value, str):
        if value is None:
            raise InputError("empty value (null)", file=file, row=row, field=field_name)
        raise InputError(f"expected text, got {type(value).__name__}", file=file, row=row,
                         field=field_name)
    if not allow_empty and not value.strip():
        raise InputError("empty text", file=file, row=row, field=field_name)
    return value


def jsonable(value: Any) -> Any:
    """`json.dumps` default: numpy arrays/scalars and timestamps from Parquet or HF datasets."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> str | None:
    """Compact JSON for the `extra` column (None stays NULL; a str is JSON text already)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=jsonable)

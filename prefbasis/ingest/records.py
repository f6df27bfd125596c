"""The in-memory comparison record every format parser produces, and the shared field checks.

Example:
    >>> r = Record(source_key="a.jsonl:1", prompt="Hi", response_a="Hello", response_b="Yo",
    ...            winner=normalize_winner("tie (bothbad)", file="a.jsonl", row=1))
    >>> r.winner
    'tie'
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from prefbasis.errors import InputError

MAX_TURNS = 1_000_000  # a `turns` value above this is an error (it is stored as a 32-bit integer)

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


class BadRows(str, Enum):
    """What `ingest` does with a row that fails a check: `error` stops with exit 2 and writes
    nothing; `skip` reports it, keeps it in `rejected_rows` and ingests the rest."""

    ERROR = "error"
    SKIP = "skip"


@dataclass
class BadRow:
    """A row that failed a check: the error (file, row, field, reason) and the row's text if any."""

    error: InputError
    raw: str | None = None


def nesting_depth(value: Any, limit: int) -> int:
    """Levels of lists/dicts in `value`, counted without recursion up to `limit` + 1.

    >>> nesting_depth({"a": [1, {"b": []}]}, 64)
    4
    """
    depth, level = 0, [value] if isinstance(value, (dict, list)) else []
    while level and depth <= limit:
        depth += 1
        level = [v for x in level for v in (x.values() if isinstance(x, dict) else x)
                 if isinstance(v, (dict, list))]
    return depth


def unencodable(value: Any) -> str | None:
    """The first text in `value` (nested lists/dicts included) that is not valid Unicode (a lone
    surrogate such as the JSON escape \\ud800), else None.

    >>> lone = "x" + chr(0xD800)
    >>> unencodable({"a": ["ok", lone]}) == lone, unencodable({"a": ["ok"]})
    (True, None)
    """
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return v
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return None


TEXT_FIELDS = ("source_key", "prompt", "response_a", "response_b", "model_a", "model_b", "judge",
               "language", "rationale")


def check_record(record: "Record", *, file: str | None, row: int | None) -> "Record":
    """`record` with its types checked, or an `InputError` naming the field: text fields hold text
    or NULL (a finite number is kept as its text, e.g. a numeric model id), `turns` a whole number
    in [0, MAX_TURNS], and no text anywhere (`extra` included) holds a lone surrogate."""
    for name in TEXT_FIELDS:
        value = getattr(record, name)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            setattr(record, name, str(value))
            continue
        raise InputError(f"expected text, got {type(value).__name__}", file=file, row=row, field=name)
    if record.turns is not None:
        record.turns = turn_count(record.turns, file=file, row=row, field_name="turns")
    for name in TEXT_FIELDS + ("extra",):
        bad = unencodable(getattr(record, name))
        if bad is not None:
            at = next(i for i, ch in enumerate(bad) if 0xD800 <= ord(ch) <= 0xDFFF)
            raise InputError(f"invalid Unicode: lone surrogate \\u{ord(bad[at]):04x} at character {at + 1}",
                             file=file, row=row, field=name)
    return record


def turn_count(value: Any, *, file: str | None, row: int | None, field_name: str) -> int:
    """A `turns` value as an integer in [0, MAX_TURNS], or an `InputError`.

    >>> turn_count("2", file=None, row=None, field_name="turns")
    2
    """
    try:
        number = float(value) if isinstance(value, str) else value
        turns = int(number)
        if turns != number or not 0 <= turns <= MAX_TURNS:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"turns must be a whole number from 0 to {MAX_TURNS}, got {value!r}",
                         file=file, row=row, field=field_name) from None
    return turns


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


def raw_json(row: Any) -> str | None:
    """A source row as JSON text for `rejected_rows` (None if it cannot be written as JSON); text
    that is not valid Unicode (a lone surrogate) is kept as its JSON escape."""
    try:
        text = dumps(row)
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(row, default=jsonable)
    except (TypeError, ValueError, RecursionError):
        return None

"""`arena-kaggle`: lmsys-arena-human-preference-55k (the Kaggle competition's train.csv).

Upstream row: `id, model_a, model_b, prompt, response_a, response_b` (each a JSON-encoded list of
strings, one per turn) and one-hot `winner_model_a, winner_model_b, winner_tie`.

Example:
    >>> row = {"id": 7, "model_a": "m1", "model_b": "m2", "prompt": '["Hi"]',
    ...        "response_a": '["A"]', "response_b": '["B"]',
    ...        "winner_model_a": 0, "winner_model_b": 0, "winner_tie": 1}
    >>> parse_kaggle_row("train.csv", 2, row).winner
    'tie'
"""
from __future__ import annotations

from typing import Any

from prefbasis.errors import InputError
from prefbasis.ingest.formats.conversation import decode_list_field
from prefbasis.ingest.records import Record, require, text

_ONE_HOT = (("winner_model_a", "a"), ("winner_model_b", "b"), ("winner_tie", "tie"))


def _turn_list(value: Any, *, file: str, row: int, field_name: str) -> list[Any]:
    value = decode_list_field(value, error="bad JSON-encoded list", file=file, row=row, field_name=field_name)
    if not isinstance(value, list) or not value:
        raise InputError("expected a non-empty JSON list of strings", file=file, row=row, field=field_name)
    return value


def _flag(value: Any, *, file: str, row: int, field_name: str) -> bool:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        number = -1
    if number not in (0, 1):
        raise InputError(f"unknown winner value {value!r} (expected 0 or 1)", file=file, row=row,
                         field=field_name)
    return number == 1


def parse_kaggle_row(file: str, row_no: int, row: dict[str, Any]) -> Record:
    """One Kaggle 55k row -> Record; the one-hot winner must have exactly one 1."""
    lists = {k: _turn_list(require(row, k, file=file, row_no=row_no), file=file, row=row_no, field_name=k)
             for k in ("prompt", "response_a", "response_b")}
    flags = [w for col, w in _ONE_HOT
             if _flag(require(row, col, file=file, row_no=row_no), file=file, row=row_no, field_name=col)]
    if len(flags) != 1:
        raise InputError(f"unknown winner value: {len(flags)} of winner_model_a/winner_model_b/"
                         f"winner_tie are 1 (expected exactly one)", file=file, row=row_no,
                         field="winner_model_a")
    turns = len(lists["prompt"])
    extra = {k: v for k, v in row.items()
             if k not in ("id", "model_a", "model_b", "prompt", "response_a", "response_b")
             and k not in dict(_ONE_HOT)}
    if turns > 1:
        extra.update(lists)
    return Record(
        source_key=str(require(row, "id", file=file, row_no=row_no)),
        prompt=text(lists["prompt"][0], file=file, row=row_no, field_name="prompt"),
        response_a=text(lists["response_a"][0], file=file, row=row_no, field_name="response_a"),
        response_b=text(lists["response_b"][0], file=file, row=row_no, field_name="response_b"),
        winner=flags[0], model_a=require(row, "model_a", file=file, row_no=row_no),
        model_b=require(row, "model_b", file=file, row_no=row_no), turns=turns, extra=extra or None)

"""Chat transcripts as lists of {role, content}: first user turn, first assistant turn, turn count.

Example:
    >>> conv = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
    ...         {"role": "user", "content": "More"}, {"role": "assistant", "content": "Sure"}]
    >>> split_conversation(conv, file="f", row=1, field_name="conversation_a")
    ('Hi', 'Hello', 2)
"""
from __future__ import annotations

import json
from typing import Any

from prefbasis.errors import InputError

USER_ROLES = frozenset({"user", "human"})
ASSISTANT_ROLES = frozenset({"assistant", "gpt", "model", "bot"})


def content_text(content: Any) -> str | None:
    """A message's text: a string, or the text parts of a list of {type, text} parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") if isinstance(p, dict) else p for p in content]
        return "\n".join(p for p in parts if isinstance(p, str))
    return None


def decode_list_field(value: Any, *, error: str, file: str | None, row: int | None, field_name: str) -> Any:
    """A list-valued field as Python: a JSON-encoded string is decoded, a numpy array (Parquet,
    HF datasets) becomes a list; anything else is returned as it is for the caller to check.
    Undecodable JSON raises `InputError("<error> (<reason>)")` naming file, row and field."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InputError(f"{error} ({exc.msg})", file=file, row=row, field=field_name) from None
    if hasattr(value, "tolist"):
        value = value.tolist()
    return value


def as_messages(value: Any, *, file: str | None, row: int | None, field_name: str) -> list[dict]:
    """A list of message dicts (a JSON-encoded string of one is decoded)."""
    value = decode_list_field(value, error="bad JSON in a conversation", file=file, row=row, field_name=field_name)
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise InputError("expected a list of {role, content} messages", file=file, row=row,
                         field=field_name)
    return value


def split_conversation(value: Any, *, file: str | None, row: int | None, field_name: str
                       ) -> tuple[str | None, str | None, int]:
    """(first user text, first assistant text, number of user turns) of a conversation."""
    messages = as_messages(value, file=file, row=row, field_name=field_name)
    prompt = response = None
    turns = 0
    for m in messages:
        role = str(m.get("role", "")).lower()
        if role in USER_ROLES:
            turns += 1
            if prompt is None:
                prompt = content_text(m.get("content"))
        elif role in ASSISTANT_ROLES and response is None:
            response = content_text(m.get("content"))
    return prompt, response, turns


def plain_messages(value: Any) -> list[dict[str, Any]]:
    """Just role and text of each message (for keeping multi-turn conversations in `extra`)."""
    return [{"role": m.get("role"), "content": content_text(m.get("content"))} for m in value]

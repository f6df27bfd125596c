"""`trl`: TRL preference datasets (https://huggingface.co/docs/trl/dataset_formats).

Standard: `{"prompt": str, "chosen": str, "rejected": str}`. Conversational: `prompt` a list of
{role, content} messages and `chosen` / `rejected` lists of assistant messages. Implicit prompt:
no `prompt` column; `chosen` / `rejected` hold the whole conversation (user turns included).
The chosen side becomes `a`, so `winner` is always 'a'; `turns` counts user turns.

Example:
    >>> parse_trl_row("p.jsonl", 1, {"prompt": "Sky?", "chosen": "Blue.", "rejected": "Green."}).response_b
    'Green.'
    >>> conv = {"prompt": [{"role": "user", "content": "Sky?"}],
    ...         "chosen": [{"role": "assistant", "content": "Blue."}],
    ...         "rejected": [{"role": "assistant", "content": "Green."}]}
    >>> parse_trl_row("p.jsonl", 2, conv).prompt
    'Sky?'
"""
from __future__ import annotations

from typing import Any

from prefbasis.ingest.formats.conversation import as_messages, plain_messages, split_conversation
from prefbasis.ingest.records import Record, require, text


def _side(value: Any, *, file: str, row: int, field_name: str) -> tuple[str | None, str | None, int, Any]:
    """(user text, assistant text, user turns, messages or None) of a chosen/rejected value."""
    if isinstance(value, str):
        return None, value, 0, None
    messages = as_messages(value, file=file, row=row, field_name=field_name)
    prompt, response, turns = split_conversation(messages, file=file, row=row, field_name=field_name)
    return prompt, response, turns, messages


def parse_trl_row(file: str, row_no: int, row: dict[str, Any]) -> Record:
    """One TRL preference row (standard, conversational or implicit prompt) -> Record."""
    chosen = require(row, "chosen", file=file, row_no=row_no)
    rejected = require(row, "rejected", file=file, row_no=row_no)
    user_a, resp_a, turns_a, msgs_a = _side(chosen, file=file, row=row_no, field_name="chosen")
    user_b, resp_b, turns_b, msgs_b = _side(rejected, file=file, row=row_no, field_name="rejected")
    extra: dict[str, Any] = {}
    if "prompt" in row:
        raw_prompt = row["prompt"]
        if isinstance(raw_prompt, str):
            prompt, prompt_turns = raw_prompt, 1
        else:
            messages = as_messages(raw_prompt, file=file, row=row_no, field_name="prompt")
            prompt, _, prompt_turns = split_conversation(messages, file=file, row=row_no, field_name="prompt")
            if prompt_turns > 1:
                extra["prompt"] = plain_messages(messages)
        prompt_field = "prompt"
    else:  # implicit prompt: the user turns live inside chosen / rejected
        prompt, prompt_turns, prompt_field = user_a or user_b, 0, "chosen[user]"
    turns = max(prompt_turns + turns_a, prompt_turns + turns_b, 1)
    if turns > 1 and msgs_a is not None:
        extra["chosen"], extra["rejected"] = plain_messages(msgs_a), plain_messages(msgs_b or [])
    return Record(source_key=f"{file}:{row_no}",
                  prompt=text(prompt, file=file, row=row_no, field_name=prompt_field),
                  response_a=text(resp_a, file=file, row=row_no, field_name="chosen"),
                  response_b=text(resp_b, file=file, row=row_no, field_name="rejected"),
                  winner="a", turns=turns, extra=extra or None)

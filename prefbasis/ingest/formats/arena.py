"""Chatbot Arena: `arena` (lmsys/chatbot_arena_conversations) and `arena-100k`
(lmarena-ai/arena-human-preference-100k and -140k).

Upstream row: `question_id` (100k/140k: `id`), `model_a`, `model_b`, `winner` in {model_a, model_b,
tie, tie (bothbad)} (140k: `both_bad`), `judge`, `conversation_a`, `conversation_b` (lists of
{role, content}), `turn`, `language`, and extras (`anony`, `tstamp`, `openai_moderation`,
`toxic_chat_tag`, `conv_metadata`, `category_tag`, ...), which go to `extra` verbatim.

Example:
    >>> row = {"question_id": "q1", "model_a": "m1", "model_b": "m2", "winner": "model_b",
    ...        "judge": "arena_user_1", "turn": 1, "language": "English",
    ...        "conversation_a": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "A"}],
    ...        "conversation_b": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "B"}]}
    >>> parse_arena_row("x.jsonl", 1, row).winner
    'b'
"""
from __future__ import annotations

from typing import Any

from prefbasis.errors import InputError
from prefbasis.ingest.formats.conversation import as_messages, plain_messages, split_conversation
from prefbasis.ingest.records import MAX_TURNS, Record, normalize_winner, require, text

_CORE = frozenset({"question_id", "id", "model_a", "model_b", "winner", "judge", "conversation_a",
                   "conversation_b", "turn", "language"})


def _parse(file: str, row_no: int, row: dict[str, Any], id_fields: tuple[str, ...]) -> Record:
    upstream_id = next((row[k] for k in id_fields if k in row and row[k] is not None), None)
    if upstream_id is None:
        require(row, id_fields[0], file=file, row_no=row_no)
        raise InputError("empty id", file=file, row=row_no, field=id_fields[0])
    model_a = require(row, "model_a", file=file, row_no=row_no)
    model_b = require(row, "model_b", file=file, row_no=row_no)
    raw_winner = require(row, "winner", file=file, row_no=row_no)
    winner = normalize_winner(raw_winner, file=file, row=row_no)
    conv_a = require(row, "conversation_a", file=file, row_no=row_no)
    conv_b = require(row, "conversation_b", file=file, row_no=row_no)
    conv_a = as_messages(conv_a, file=file, row=row_no, field_name="conversation_a")
    conv_b = as_messages(conv_b, file=file, row=row_no, field_name="conversation_b")
    prompt, resp_a, turns_a = split_conversation(conv_a, file=file, row=row_no, field_name="conversation_a")
    prompt_b, resp_b, turns_b = split_conversation(conv_b, file=file, row=row_no, field_name="conversation_b")
    prompt = text(prompt if prompt is not None else prompt_b, file=file, row=row_no,
                  field_name="conversation_a[user]")
    resp_a = text(resp_a, file=file, row=row_no, field_name="conversation_a[assistant]")
    resp_b = text(resp_b, file=file, row=row_no, field_name="conversation_b[assistant]")
    try:  # as the vectorized path's try_cast: a `turn` that is no 32-bit integer is counted instead
        turns = int(row["turn"])
        if not 0 <= turns <= MAX_TURNS:
            raise ValueError
    except (KeyError, TypeError, ValueError, OverflowError):
        turns = max(turns_a, turns_b, 1)
    extra = {k: v for k, v in row.items() if k not in _CORE}
    if winner == "tie" and str(raw_winner) != "tie":
        extra["winner_raw"] = raw_winner  # 'tie (bothbad)' / 'both_bad' stays distinguishable
    if turns > 1:
        extra["conversation_a"] = plain_messages(conv_a)
        extra["conversation_b"] = plain_messages(conv_b)
    return Record(source_key=str(upstream_id), prompt=prompt, response_a=resp_a, response_b=resp_b,
                  winner=winner, model_a=model_a, model_b=model_b, judge=row.get("judge"),
                  language=row.get("language"), turns=turns, extra=extra or None)


def parse_arena_row(file: str, row_no: int, row: dict[str, Any]) -> Record:
    """lmsys/chatbot_arena_conversations row -> Record (upstream id: `question_id`)."""
    return _parse(file, row_no, row, ("question_id",))


def parse_arena100k_row(file: str, row_no: int, row: dict[str, Any]) -> Record:
    """arena-human-preference-100k/140k row -> Record (upstream id: `id`, else `question_id`)."""
    return _parse(file, row_no, row, ("id", "question_id"))

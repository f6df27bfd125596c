"""`hh-rlhf`: Anthropic hh-rlhf `{chosen, rejected}` transcripts.

Each side is a transcript `\\n\\nHuman: ...\\n\\nAssistant: ...` (several turns possible). The
chosen side becomes `a`, so `winner` is always 'a'. prompt = first Human turn; responses = first
Assistant turn of each side; `turns` = Human turns (the larger side). The data is English, has no
model names and no ties. An Assistant turn that is present but empty (the chosen answer of a few
harmlessness pairs is silence) is kept as '' - it is the upstream judgement, not missing data;
`IngestReport.notes` counts them. A transcript without a Human or an Assistant turn is an error.

Example:
    >>> row = {"chosen": "\\n\\nHuman: Hi\\n\\nAssistant: Hello", "rejected": "\\n\\nHuman: Hi\\n\\nAssistant: Go away"}
    >>> r = parse_hh_row("x.jsonl", 1, row)
    >>> (r.prompt, r.response_a, r.response_b, r.winner, r.turns)
    ('Hi', 'Hello', 'Go away', 'a', 1)
"""
from __future__ import annotations

import re
from typing import Any

from prefbasis.errors import InputError
from prefbasis.ingest.records import Record, require, text

_TURN = re.compile(r"\n\n(Human|Assistant): ?")


def split_transcript(transcript: str, *, file: str, row: int, field_name: str) -> tuple[str, str, int]:
    """(first Human text, first Assistant text, number of Human turns) of one transcript."""
    parts = _TURN.split(transcript)
    roles, texts = parts[1::2], parts[2::2]
    human = [t for r, t in zip(roles, texts) if r == "Human"]
    assistant = [t for r, t in zip(roles, texts) if r == "Assistant"]
    if not human:
        raise InputError("no '\\n\\nHuman: ' turn in the transcript", file=file, row=row, field=field_name)
    if not assistant:
        raise InputError("no '\\n\\nAssistant: ' turn in the transcript", file=file, row=row,
                         field=field_name)
    return human[0].strip(), assistant[0].strip(), len(human)


def parse_hh_row(file: str, row_no: int, row: dict[str, Any]) -> Record:
    """One hh-rlhf row -> Record (chosen = a = winner)."""
    chosen = text(require(row, "chosen", file=file, row_no=row_no), file=file, row=row_no,
                  field_name="chosen")
    rejected = text(require(row, "rejected", file=file, row_no=row_no), file=file, row=row_no,
                    field_name="rejected")
    prompt, resp_a, turns_a = split_transcript(chosen, file=file, row=row_no, field_name="chosen")
    prompt_b, resp_b, turns_b = split_transcript(rejected, file=file, row=row_no, field_name="rejected")
    text(prompt, file=file, row=row_no, field_name="chosen[Human]")
    turns = max(turns_a, turns_b)
    extra = {"chosen": chosen, "rejected": rejected} if turns > 1 else None
    return Record(source_key=f"{file}:{row_no}", prompt=prompt, response_a=resp_a, response_b=resp_b,
                  winner="a", language="English", turns=turns, extra=extra)

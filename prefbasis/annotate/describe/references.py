"""How a judge names the two responses: every common reference style, mapped to a position.

Positions are 1 and 2 in the order the judge *saw* the responses. Styles read:
"Assistant 1/2", "Response A/B/1/2", "Output (a)/(b)", "Answer A/B/1/2", "Model A/B", "Candidate",
"Submission", "Completion", "Reply", "Option", "Summary", "Chatbot", "AI", "System", "Bot" with a
label `1`/`2`, an upper-case `A`/`B` or a parenthesized `(a)`/`(b)`/`(1)`/`(2)`; "the first/second
response" (or answer, output, one, ...); "the former/the latter". A trailing "'s answer" (or
response, output, reply) is part of the reference, so "Assistant 1's answer" is one mention.
Lower-case "response a" without parentheses is not read (it is the English article).

`winner_position(winner, presented_order)` gives where the stored winner was shown:
presented_order 'b_first' means the judge saw response_b first.

Example:
    >>> [(m.text, m.position) for m in find_references("Output (a) is vague; Response B's answer is not.")]
    [('Output (a)', 1), ("Response B's answer", 2)]
    >>> [m.position for m in find_references("The latter is shorter than the first response.")]
    [2, 1]
    >>> winner_position("a", "b_first")
    2
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NOUNS = (r"assistant|response|output|answer|model|candidate|submission|completion|reply|option|summary|"
         r"chatbot|ai|system|bot")
_OWNED = r"(?:'s|’s)?(?:\s+(?:answer|response|output|reply|submission|completion|summary)\b(?!-))?"
_LABELLED = re.compile(
    rf"\b(?i:{NOUNS})(?:[ \t]*#?[ \t]*(?P<digit>[12])\b|\s+(?P<upper>[AB])\b(?!\.\w)|\s*\((?P<paren>[abAB12])\))"
    rf"(?P<owned>{_OWNED})")
_ORDINAL = re.compile(
    rf"\b(?i:the\s+(?P<ord>first|second)\s+(?P<noun>{NOUNS}|one)s?\b|the\s+(?P<fl>former|latter)\b)(?P<owned>{_OWNED})")

_POSITION = {"1": 1, "a": 1, "first": 1, "former": 1, "2": 2, "b": 2, "second": 2, "latter": 2}


@dataclass(frozen=True)
class Reference:
    """One mention of a response: its span in the text and the position (1 or 2) it names."""

    start: int
    end: int
    position: int
    text: str


@lru_cache(maxsize=200_000)  # the same sentences and clauses are scanned by several steps
def find_references(text: str) -> tuple[Reference, ...]:
    """Every mention of response 1 or 2 in `text`, in order of appearance (no overlaps)."""
    return tuple(_find_references(text))


def _find_references(text: str) -> list[Reference]:
    found: list[Reference] = []
    for m in _LABELLED.finditer(text):
        label = (m.group("digit") or m.group("upper") or m.group("paren")).lower()
        found.append(Reference(m.start(), m.end(), _POSITION[label], m.group(0)))
    for m in _ORDINAL.finditer(text):
        label = (m.group("ord") or m.group("fl")).lower()
        found.append(Reference(m.start(), m.end(), _POSITION[label], m.group(0)))
    found.sort(key=lambda r: (r.start, -r.end))
    out: list[Reference] = []
    for r in found:
        if not out or r.start >= out[-1].end:
            out.append(r)
    return out


PRESENTED_ORDERS = {"a_first": "a_first", "b_first": "b_first"}


def winner_position(winner: str, presented_order: str | None = None) -> int:
    """Position (1/2) at which the judge saw the stored winner ('a'/'b'); 0 for a tie."""
    if winner not in ("a", "b"):
        return 0
    swapped = presented_order == "b_first"
    return 1 if (winner == "a") != swapped else 2

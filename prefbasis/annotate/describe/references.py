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


# Any other noun a judge labels the two responses with ("Text A" … "Text B", "Translation 1" …
# "Translation 2", "Solution (a)" …), read when the rationale uses none of the styles above.
_ANY_LABELLED = re.compile(
    r"\b(?P<noun>[A-Za-z][a-z]{2,})[ \t]*#?[ \t]*(?:(?P<digit>[12])\b(?![.,]\d)|(?P<upper>[AB])\b(?!\.\w)|"
    r"\((?P<paren>[abAB12])\))")
# nouns that label things *inside* a task or an answer (steps, parts, people and objects of a word
# problem), not the two responses
NOT_RESPONSE_NOUNS = frozenset("""
step steps part parts chapter section figure fig table question questions item items point points line lines page
paragraph paragraphs example examples case cases level stage phase round problem problems equation rule rules type
types group groups class plan vitamin category grade day days week year years player players team teams person people
user users speaker speakers character characters customer customers party parties train trains car cars box boxes
city cities company companies country countries bag bags store stores school schools student students worker workers
machine machines pipe pipes tank tanks jar jars runner runners route routes set sets list lists vector
matrix node nodes gene genes hepatitis covid api exhibit appendix article articles scenario
scenarios condition conditions patient patients drug drugs treatment treatments factor factors term terms task tasks
""".split())


def reference_noun(text: str, context: "tuple[str | None, ...] | list[str | None]" = ()) -> str | None:
    """The noun (lowercased) with which `text` names both responses in a style the patterns above do
    not know ("Text A is more fluent than Text B"), or None. Only for a text with no reference of a
    known style; the noun must label both positions, must not label things in the comparison's own
    prompt or responses (`context`: "Train A" of a word problem), and must not be one of
    `NOT_RESPONSE_NOUNS`. With more than one such noun the text is ambiguous: None.

    Example:
        >>> reference_noun("Translation 1 keeps the tense; Translation 2 does not.")
        'translation'
        >>> reference_noun("Train A is faster than Train B.", ["Train A leaves at 9; Train B at 10."]) is None
        True
    """
    seen: dict[str, set[int]] = {}
    for m in _ANY_LABELLED.finditer(text):
        label = (m.group("digit") or m.group("upper") or m.group("paren")).lower()
        seen.setdefault(m.group("noun").lower(), set()).add(_POSITION[label])
    nouns = [n for n, pos in seen.items() if pos == {1, 2} and n not in NOT_RESPONSE_NOUNS]
    if len(nouns) != 1:
        return None
    in_context = {m.group("noun").lower() for part in context if part for m in _ANY_LABELLED.finditer(part)}
    return None if nouns[0] in in_context else nouns[0]


def as_responses(text: str, noun: str) -> str:
    """`text` with `noun`'s labelled mentions written in a known style ("Text A" → "Response A",
    "the second text" → "the second response"); `from_responses` undoes it.

    Example:
        >>> as_responses("Text A is fluent; the second text is not. Text B's grammar slips.", "text")
        "Response A is fluent; the second response is not. Response B's grammar slips."
    """
    def swap(m: re.Match) -> str:
        word = m.group("noun")
        if word.lower() != noun:
            return m.group(0)
        return ("Response" if word[0].isupper() else "response") + m.group(0)[len(word):]

    text = _ANY_LABELLED.sub(swap, text)
    return re.sub(rf"\b(the\s+(?:first|second)\s+){re.escape(noun)}\b", r"\1response", text, flags=re.I)


def from_responses(text: str, noun: str) -> str:
    """Undo `as_responses` (the rationale had no "Response A" or "the first response" of its own)."""
    def back(m: re.Match) -> str:
        word = noun[0].upper() + noun[1:] if m.group(1)[0] == "R" else noun
        return word + m.group(2)

    text = re.sub(r"\b([Rr]esponse)(\s*#?\s*(?:[12]\b|[AB]\b|\([abAB12]\)))", back, text)
    return re.sub(r"\b(the\s+(?:first|second)\s+)response\b", rf"\1{noun}", text, flags=re.I)


PRESENTED_ORDERS = {"a_first": "a_first", "b_first": "b_first"}


def winner_position(winner: str, presented_order: str | None = None) -> int:
    """Position (1/2) at which the judge saw the stored winner ('a'/'b'); 0 for a tie."""
    if winner not in ("a", "b"):
        return 0
    swapped = presented_order == "b_first"
    return 1 if (winner == "a") != swapped else 2

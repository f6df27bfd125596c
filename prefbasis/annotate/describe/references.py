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
        found.append(Reference(m.start(), m.end(), _label_position(m), m.group(0)))
    for m in _ORDINAL.finditer(text):
        label = (m.group("ord") or m.group("fl")).lower()
        found.append(Reference(m.start(), m.end(), _POSITION[label], m.group(0)))
    found.sort(key=lambda r: (r.start, -r.end))
    out: list[Reference] = []
    for r in found:
        if not out or r.start >= out[-1].end:
            out.append(r)
    return out


# Nouns for a piece of writing, with which a judge may name the two responses instead of the styles
# above ("Text A" … "Text B", "Translation 1", "the second story"): the kinds of text a pairwise
# comparison judges. A closed list on purpose: a labelled noun outside it ("Train A", "Influenza B",
# "Project A", "choice B", "Step 2") is far more often something inside the task than a response.
TEXT_NOUNS = frozenset("""
text translation story poem essay solution version draft email letter code snippet program script rewrite
paraphrase explanation description review post article message generation continuation passage caption headline
title tweet slogan joke song lyrics recipe haiku limerick speech paper abstract report proof implementation query
dialogue conversation transcript outline pitch bio blurb ad advertisement proposal suggestion recommendation
argument attempt prompt agent llm chat
""".split())
_ANY_LABELLED = re.compile(
    r"\b(?P<noun>[A-Za-z]{3,})[ \t]*#?[ \t]*(?:(?P<digit>[12])\b(?![.,]\d)|(?P<upper>[AB])\b(?!\.\w)|"
    r"\((?P<paren>[abAB12])\))")
_ANY_ORDINAL = re.compile(r"\bthe\s+(?P<ord>first|second)\s+(?P<noun>[A-Za-z]{3,})\b(?P<next>\s+[A-Za-z]+)?", re.I)


def _names_a_response(m: re.Match) -> bool:
    """An ordinal mention names a response unless a noun follows ("the first text message")."""
    from prefbasis.annotate.describe.canonical import _pos

    following = (m.group("next") or "").strip().lower()
    if not following:
        return True
    pos = _pos(following)   # a noun that is not a verb in the third person ("has", "lacks", "uses")
    return not ("NOUN" in pos and "AUX" not in pos and not ("VERB" in pos and following.endswith("s")))


def reference_noun(text: str, context: "tuple[str | None, ...] | list[str | None]" = ()) -> str | None:
    """The noun (lowercased) with which `text` names the responses when it uses none of the styles
    above ("Text A is more fluent than Text B", "Translation 1 … the second translation"), or None.
    The noun is one of `TEXT_NOUNS`, labels both positions (with a label or "the first/second"),
    at least one of them with a label, and the comparison's own prompt and responses (`context`) do
    not label anything with it. With more than one such noun the text is ambiguous: None.

    Example:
        >>> reference_noun("Translation 1 keeps the tense; the second translation does not.")
        'translation'
        >>> reference_noun("Draft A is clear.", ["Compare Draft A and Draft B of the memo."]) is None
        True
        >>> reference_noun("Train A is faster than Train B.") is None
        True
    """
    labelled: dict[str, set[int]] = {}
    for m in _ANY_LABELLED.finditer(text):
        labelled.setdefault(m.group("noun").lower(), set()).add(_label_position(m))
    named = {n: set(p) for n, p in labelled.items() if n in TEXT_NOUNS}
    for m in _ANY_ORDINAL.finditer(text):
        noun = m.group("noun").lower()
        if noun in named and _names_a_response(m):
            named[noun].add(_POSITION[m.group("ord").lower()])
    nouns = [n for n, positions in named.items() if positions == {1, 2}]
    if len(nouns) != 1:
        return None
    in_context = {m.group("noun").lower() for part in context if part for m in _ANY_LABELLED.finditer(part)}
    return None if nouns[0] in in_context else nouns[0]


def as_responses(text: str, noun: str) -> str:
    """`text` with `noun`'s mentions written in a known style ("Text A" → "Response A", "the second
    text" → "the second response"); `in_judges_words` maps a piece of the result back.

    Example:
        >>> as_responses("Text A is fluent; the second text is not, nor the first text message.", "text")
        'Response A is fluent; the second response is not, nor the first text message.'
    """
    def labelled(m: re.Match) -> str:
        word = m.group("noun")
        if word.lower() != noun:
            return m.group(0)
        return ("Response" if word[0].isupper() else "response") + m.group(0)[len(word):]

    def ordinal(m: re.Match) -> str:
        if m.group("noun").lower() != noun or not _names_a_response(m):
            return m.group(0)
        return m.group(0).replace(m.group("noun"), "response", 1)

    return _ANY_ORDINAL.sub(ordinal, _ANY_LABELLED.sub(labelled, text))


# what `as_responses` wrote: "Response"/"response" before a label, "response" after "first "/"second "
_WRITTEN_AS = re.compile(r"\b[Rr]esponse(?=[ \t]*#?[ \t]*(?:[12]\b|[AB]\b|\([abAB12]\)))|"
                         r"(?<=\b[Ff]irst )response\b|(?<=\b[Ss]econd )response\b")


def in_judges_words(piece: str, noun: str, original: str) -> str:
    """The span of `original` that `piece` (a span of `as_responses(original, noun)`, or with `noun`
    "" of `as_responses_bare`) was made from.

    Example:
        >>> in_judges_words("Response B slips; the first response is fine.", "text",
        ...                 "TEXT B slips; the first Text is fine.")
        'TEXT B slips; the first Text is fine.'
    """
    if noun:
        pattern = f"(?i:{re.escape(noun)})".join(re.escape(p) for p in _WRITTEN_AS.split(piece))
    else:   # bare letters (`as_responses_bare`): "Response " was put before them
        pattern = "".join(re.escape(p) for p in re.split(r"\bResponse (?=[AB]\b)", piece))
    found = re.search(pattern, original)
    return found.group(0) if found else piece


# Bare letters, as raters of a product's A/B test write ("A is more concise than B", "prefer B: it
# cites sources"). "A" is a label, not the article, when what follows is not a noun phrase: an end, a
# punctuation mark, "'s", or a verb ("A gives", "A is", "A lacks"); either letter is a label only after
# the start, a punctuation mark, a function word or a verb of choosing ("than B", "prefer A"), not
# after a content word ("Plan B", "vitamin B", "Type A").
_BARE = re.compile(r"(?<![\w'’./@#$%&*+=-])(?P<label>[AB])(?![\w’/@#$%&*+=-]|'(?!s\b)|\.\w)"
                   r"(?P<next>[ \t]+[A-Za-z']+)?")
_CHOOSING = frozenset("prefer prefers preferred choose chose chosen pick picked select selected vote voted like liked "
                      "favor favour favored favoured".split())
_AFTER_A = frozenset("is was has had does did doesn't didn't isn't wasn't can could would should will and or than vs "
                     "over also only just clearly wins won".split())


def _bare_label(m: re.Match, text: str) -> bool:
    """True when the bare letter of `m` (see `_BARE`) names a response."""
    from prefbasis.annotate.describe.canonical import _pos
    from prefbasis.words import FUNCTION_WORDS

    before = re.findall(r"[A-Za-z']+|[^\sA-Za-z']", text[max(0, m.start() - 30):m.start()])
    prev = before[-1].lower() if before else ""
    if prev and prev[0].isalpha() and prev not in FUNCTION_WORDS and prev not in _CHOOSING:
        return False
    if m.group("label") == "B" or text[m.end("label"):m.end("label") + 2] == "'s":
        return True
    following = (m.group("next") or "").strip().lower()
    if not following:
        return True
    pos = _pos(following)
    return following in _AFTER_A or ("VERB" in pos or "AUX" in pos) and (following.endswith(("s", "ed")) or
                                                                         not pos & {"NOUN", "ADJ"})


def bare_labels(text: str, context: "tuple[str | None, ...] | list[str | None]" = ()) -> list[tuple[int, int]]:
    """Spans of the bare letters "A"/"B" that name the responses in `text`, when both letters do and
    the comparison's own prompt and responses (`context`) use no bare A/B labels of their own (a
    multiple-choice question's options); else []. Only for a text that names the responses in no
    other way.

    Example:
        >>> t = "A is more concise than B. B rambles about Plan B."
        >>> [t[i:j] for i, j in bare_labels(t)], bare_labels("A good answer is short; B is not.")
        (['A', 'B', 'B'], [])
    """
    spans = [(m.start("label"), m.end("label"), m.group("label")) for m in _BARE.finditer(text) if _bare_label(m, text)]
    if {label for _, _, label in spans} != {"A", "B"}:
        return []
    if any(part and any(_bare_label(m, part) for m in _BARE.finditer(part)) for part in context):
        return []
    return [(i, j) for i, j, _ in spans]


def as_responses_bare(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each bare label of `spans` written "Response A" / "Response B"."""
    out, at = [], 0
    for i, j in spans:
        out += [text[at:i], "Response ", text[i:j]]
        at = j
    return "".join(out + [text[at:]])


def _label_position(m: re.Match) -> int:
    """The position named by a labelled mention's label (`_LABELLED`, `_ANY_LABELLED`)."""
    return _POSITION[(m.group("digit") or m.group("upper") or m.group("paren")).lower()]


PRESENTED_ORDERS = {"a_first": "a_first", "b_first": "b_first"}


def winner_position(winner: str, presented_order: str | None = None) -> int:
    """Position (1/2) at which the judge saw the stored winner ('a'/'b'); 0 for a tie."""
    if winner not in ("a", "b"):
        return 0
    swapped = presented_order == "b_first"
    return 1 if (winner == "a") != swapped else 2

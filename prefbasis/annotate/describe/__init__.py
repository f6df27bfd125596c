"""The description stage: a judge's rationale → short, content-free preference statements.

Between a judge's explanation and the embedding: read which side the judge names and its verdict
(`references`, `verdict`), split the rationale into claims (`claims`), keep the discriminative
ones, and write each as "The preferred response …" with subject matter masked (`canonical`,
`vocabulary`). Every statement keeps the sentence it came from as its `evidence`.

A rationale gives no statement for one of these reasons (stored in `annotation_failures`):
- `no reason stated`: empty, or only a verdict or scores;
- `verdict contradicts winner`: the judge's own verdict names the other response (or a tie);
- `unparseable`: it never names either response;
- `no discriminative claim`: it names them but says nothing that sets the winner apart
  (only rubric echoes said of both, restatements of the question, praise of the loser).

Example:
    >>> r = describe_rationale(
    ...     "Output (a) is vague about the Roman aqueducts. Output (b) is more concise and gives concrete "
    ...     "examples. Therefore, Output (b) is better.", winner=2,
    ...     context=["Tell me about the Roman aqueducts.", "...", "..."])
    >>> [p["description"] for p in r.preferences]
    ['The preferred response is more concise.', 'The preferred response gives concrete examples.', 'The preferred response is less vague.']
    >>> describe_rationale("Therefore, Output (a) is better.", winner=2).failure
    'verdict contradicts winner'
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from prefbasis.annotate.describe.canonical import canonical_statement
from prefbasis.annotate.describe.claims import Claim, claims
from prefbasis.annotate.describe.references import (as_responses, as_responses_bare, bare_labels, find_references,
                                                      in_judges_words, reference_noun, winner_position)
from prefbasis.annotate.describe.verdict import find_verdict, is_verdict_only
from prefbasis.annotate.describe.structured import as_text
from prefbasis.annotate.describe.vocabulary import EvaluativeVocabulary, masked_stems
from prefbasis.words import content_stems

__all__ = ["DescribeResult", "EvaluativeVocabulary", "describe_rationale", "winner_position", "FAILURE_REASONS"]

NO_REASON = "no reason stated"
CONTRADICTS = "verdict contradicts winner"
UNPARSEABLE = "unparseable"
NOT_DISCRIMINATIVE = "no discriminative claim"
FAILURE_REASONS = (NO_REASON, CONTRADICTS, UNPARSEABLE, NOT_DISCRIMINATIVE)
EVIDENCE_CHARS = 600   # an evidence sentence is cut to this many characters


@dataclass
class DescribeResult:
    """Up to `limit` {preference, description, evidence}; or `failure` (one of FAILURE_REASONS)."""

    preferences: list[dict[str, str]] = field(default_factory=list)
    failure: str | None = None
    detail: str = ""


def _rank(c: Claim, winner: int) -> int:
    """Comparisons about the winner first, then praise of the winner, then the loser's failings."""
    if c.subject == winner:
        return 0 if c.comparative else 1
    return 2


def _echoes(c: Claim, loser_praise: set[str]) -> bool:
    """Praise of the winner that the judge also gave the loser (a rubric echo), not comparative."""
    return not c.comparative and bool(content_stems(c.text)) and content_stems(c.text) <= loser_praise | _FRAME_STEMS


# "… is better because it …": whatever follows is, by the judge's own words, a reason for the winner
_VERDICT_REASON = re.compile(r"\b(?:is|was)\s+(?:\w+ly\s+)?(?:the\s+)?(?:better|superior|preferred)\s+"
                             r"(?:\w+\s+)?(?:because|since|as)\s+(?:it|they)\b", re.I)
_PRAISE = re.compile(r"\b(?:good|great|better|best|helpful|accurate|correct\w*|detailed|clear\w*|concise|relevant|"
                     r"precise\w*|well|excellent|useful|informative|comprehensive|thorough|appropriate|also)\b", re.I)
_FRAME_STEMS = content_stems("response answer output assistant provides provided also overall quite very")


def describe_rationale(rationale: str | None, winner: int, context: Sequence[str | None] = (),
                       vocabulary: EvaluativeVocabulary | None = None, limit: int = 3) -> DescribeResult:
    """Statements for why the response at position `winner` (1/2, as the judge saw them) won.

    `context`: the comparison's prompt and responses (their subject matter is masked);
    `vocabulary`: evaluative-word statistics of the whole dataset (default: the seed words only).
    """
    text = (rationale or "").strip()
    text = as_text(text) or text   # a structured answer ({"reasoning": …, "winner": "B"}) as plain text
    if not text:
        return DescribeResult(failure=NO_REASON)
    if find_references(text):
        return _describe(text, winner, context, vocabulary, limit)
    # the judge names the responses with a noun of its own ("Text A", "the second translation") or
    # with bare letters ("A is more concise than B"): read as "Response A", "the second response";
    # the evidence is given back in the judge's words
    noun = reference_noun(text, tuple(context))
    if noun is not None:
        written = as_responses(text, noun)
    else:
        noun, spans = "", bare_labels(text, tuple(context))
        if not spans:
            return _describe(text, winner, context, vocabulary, limit)
        written = as_responses_bare(text, spans)
    result = _describe(written, winner, context, vocabulary, limit, evidence_chars=None)
    for p in result.preferences:
        p["evidence"] = in_judges_words(p["evidence"], noun, text)[:EVIDENCE_CHARS]
    result.detail = in_judges_words(result.detail, noun, text) if result.detail else result.detail
    return result


def _describe(text: str, winner: int, context: Sequence[str | None], vocabulary: EvaluativeVocabulary | None,
              limit: int, evidence_chars: int | None = EVIDENCE_CHARS) -> DescribeResult:
    verdict = find_verdict(text)
    if verdict is not None and verdict.position != winner:
        said = "a tie" if verdict.position == 0 else f"position {verdict.position}"
        return DescribeResult(failure=CONTRADICTS, detail=f"the judge said {said}: {verdict.text!r}")
    if is_verdict_only(text):
        return DescribeResult(failure=NO_REASON)
    if not find_references(text):
        return DescribeResult(failure=UNPARSEABLE, detail="names neither response")
    prompt, *responses = list(context) or [None]
    masked = masked_stems(prompt, responses, vocabulary or EvaluativeVocabulary())
    prompt_stems = content_stems(prompt)
    found = claims(text)
    loser = 3 - winner
    loser_praise: set[str] = set()
    for c in found:
        if c.subject == loser and not c.negative:
            loser_praise |= content_stems(c.text)
    usable = [c for c in found if (c.subject == winner and (not c.negative or _VERDICT_REASON.search(c.text))
                                   and not _echoes(c, loser_praise))
              or (c.subject == loser and c.negative)]
    if not usable and verdict is not None:
        # the judge named the winner and said only what the loser did ("Response B contains the
        # word 'is'."): with the verdict against it, that is the loser's failing, unless it is praise
        usable = [c for c in found if c.subject == loser and not _PRAISE.search(c.text)]
    out, seen = [], set()
    for c in sorted(usable, key=lambda c: (_rank(c, winner), c.index)):
        made = canonical_statement(c, winner, masked, prompt_stems)
        if made is None or made[1] in seen or made[0] in {p["description"] for p in out}:
            continue
        seen.add(made[1])
        out.append({"preference": made[1], "description": made[0], "evidence": c.sentence[:evidence_chars]})
        if len(out) == limit:
            break
    if not out:
        about_winner = [c for c in found if c.subject == winner]
        if about_winner and all(c.negative for c in about_winner) and not any(c.subject == loser for c in found):
            # it speaks only of the stored winner, only to find fault: the judge preferred the other one
            return DescribeResult(failure=CONTRADICTS, detail="the rationale only finds fault with the stored "
                                                             f"winner: {about_winner[0].sentence[:120]!r}")
        return DescribeResult(failure=NOT_DISCRIMINATIVE)
    return DescribeResult(out)

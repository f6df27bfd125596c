"""The `rationale` annotator: preferences from the free-text rationale that came with the data
(a rater's justification or an LLM judge's review), without any LLM.

Steps: split the rationale into sentences (bullets count as sentences); drop verdict and score
lines ("Assistant 1: 8/10", a lone "2", "I would rate..."), headers and boilerplate that says the
answers are alike ("Both assistants provided helpful..."); keep statements that single out one
response with a comparative or evaluative word; rewrite "Assistant N" as "the preferred response"
/ "the other response" (the human's winner, not the display position); name each kept statement
with a 2-6 word preference from a small lexicon (else from its "more X" phrase); take up to three
with distinct names. The topic is a short phrase built from the prompt's content words.

Example:
    >>> from prefbasis.annotate.base import Comparison, AnnotationRequest
    >>> c = Comparison("c1", "How can I improve my time management skills?", "x", "y", "a",
    ...     "Both Assistant 1 and Assistant 2 were helpful. Assistant 1 gave more concrete examples "
    ...     "than Assistant 2.\\nAssistant 1: 9/10\\nAssistant 2: 7/10\\n1")
    >>> out = RationaleAnnotator().annotate_one(AnnotationRequest(c, "k", False)).parsed
    >>> out["topic"], out["preferences"][0]["preference"]
    ('improve time management skills', 'concrete examples')
    >>> out["preferences"][0]["description"]
    'The preferred response gave more concrete examples than the other response.'
"""
from __future__ import annotations

import re
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest, BaseAnnotator

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_SCORE = re.compile(r"\b\d+(\.\d+)?\s*(/|out of)\s*10\b|^\s*\d\s*$|\bscores?\b|\brat(e|ing)s?\b.*\b\d+\b", re.I)
_VERDICT = re.compile(r"^(therefore|in conclusion|overall|in summary|considering|based on|thus|so,)\b|"
                      r"\bi would (rate|choose|give|say)\b|\bbetter (answer|response) is\b", re.I)
_HEADER = re.compile(r"^[\w' ]{0,40}:\s*$|^#+ |^\**(assistant \d'?s? answer|evaluation)\**:?$", re.I)
_BOTH = re.compile(r"^(both|neither|the two|each of)\b", re.I)
_ASSISTANT = re.compile(r"\b(?:Assistant|Answer|Response)\s*([12])(?:('s)(\s+(?:answer|response|submission))?)?", re.I)
_EVAL = re.compile(r"\b(more|less|better|worse|lacks?|lacking|missing|miss(?:es|ed)?|fails?|failed|"
                   r"(?:in)?accura\w*|(?:in)?correct\w*|error\w*|mistake\w*|detail\w*|concise|thorough\w*|"
                   r"comprehensive|clear\w*|vague|verbose|relevant|irrelevant|helpful|unhelpful|"
                   r"creative|engaging|structured|organized|explain\w*|example\w*|\w+er than|"
                   r"does not|did not|doesn't|didn't|only|however|while|whereas|superior|stronger|weaker)\b", re.I)

# (pattern, preference name): the first that matches a kept sentence names it.
LEXICON: list[tuple[str, str]] = [
    (r"\bcode\b|\bcomments?\b|readab|function|implement", "clear well-commented code"),
    (r"(in)?accura|(in)?correct|\berror|mistake|wrong|false|factual", "more accurate content"),
    (r"\bexamples?\b|specific|concrete", "concrete examples"),
    (r"step[- ]by[- ]step|\bsteps?\b|calculat|reasoning|math", "step-by-step reasoning"),
    (r"concise|brief|succinct|to the point|verbose|lengthy|wordy", "more concise answer"),
    (r"irrelevant|relevan|off[- ]topic|address|focus", "stays on the question"),
    (r"creativ|imaginat|engaging|vivid|story|poem|original", "more creative and engaging"),
    (r"structur|organi[sz]|\bformat|coherent|well-written", "better structure"),
    (r"clear|clarity|easy to (understand|follow)|understandable|confus", "clearer explanation"),
    (r"explain|explanation|insight|context|background|why\b", "explains the reasoning"),
    (r"role|character|persona|immers|in the role", "stays in character"),
    (r"tone|empath|polite|respectful|friendly|professional", "appropriate tone"),
    (r"safe|harm|ethic|responsib", "safer and responsible"),
    (r"estimate|assumption|number|approximat", "reasoned numeric estimate"),
    (r"comprehensive|thorough|in-depth|broader|wider|range|cover|aspects?|points?", "more comprehensive coverage"),
    (r"detail|depth|elaborat|informat", "more detailed answer"),
    (r"helpful|useful|practical|actionable|tips|advice|suggest", "more helpful advice"),
]
_LEX = [(re.compile(p, re.I), name) for p, name in LEXICON]
_MORE = re.compile(r"\b(more|better|less)\s+([a-z-]{3,})(?:\s+([a-z-]{3,}))?", re.I)

STOPWORDS = set("""a an the of to in on for and or with about from by as at is are was were be been being do does
did can could would should will shall may might must i me my we our you your it its this that these those what
which who whom whose how why when where there here some any all most more very much many such into than then
please tell explain describe write give list provide discuss compose draft create imagine pretend suppose
let us let's if you're i'm ways way main best effective key important some other also have has had just like
between well really possible potential certain""".split())


def derive_topic(prompt: str | None, max_words: int = 4) -> str:
    """A short topic from the prompt's first sentence: its leading content words, lowercased."""
    if not prompt:
        return "unspecified topic"
    first = re.split(r"(?<=[.?!])\s", prompt.strip(), maxsplit=1)[0]
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z+#'-]*", first)]
    content = [w.strip("'") for w in words if w not in STOPWORDS and len(w) > 2]
    picked = content[:max_words] or words[:2] or ["unspecified", "topic"]
    return " ".join(picked)


def split_sentences(text: str) -> list[str]:
    """Lines first (bullets and score lines are their own lines), then sentences within lines."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", line).strip()
        if line:
            out.extend(s.strip() for s in _SENT_SPLIT.split(line) if s.strip())
    return out


def _rewrite(sentence: str, winner_position: int) -> str:
    def name(m: re.Match[str]) -> str:
        pos = int(m.group(1))
        if winner_position == 0:
            name_ = "the first response" if pos == 1 else "the second response"
        else:
            name_ = "the preferred response" if pos == winner_position else "the other response"
        return name_ + "'s" if m.group(2) and not m.group(3) else name_

    s = _ASSISTANT.sub(name, sentence)
    s = re.sub(r"(^|[.!?]\s+)the ", lambda m: m.group(1) + "The ", s)
    s = s[0].upper() + s[1:]
    return s if s.endswith((".", "!", "?")) else s + "."


_NEG = re.compile(r"\b(lacks?|lacking|missing|miss(?:es|ed)?|fails?|failed|inaccura\w*|incorrect\w*|"
                  r"errors?|mistakes?|wrong|vague|verbose|irrelevant|unhelpful|does not|did not|doesn't|"
                  r"didn't|not as|less|only|confus\w*|repetitive|incomplete)\b", re.I)
_CLAUSE = re.compile(r",?\s+(?:but|while|whereas|although|however)\s+|;\s*", re.I)


def _lexicon(text: str) -> str | None:
    for pattern, pref in _LEX:
        if pattern.search(text):
            return pref
    return None


def focus_clause(sentence: str, winner_position: int) -> str:
    """The clause that says something about the winner (else a criticism of the loser)."""
    clauses = [c for c in _CLAUSE.split(sentence) if c]
    for c in clauses:
        if any(int(m.group(1)) == winner_position for m in _ASSISTANT.finditer(c)):
            return c
    for c in clauses:
        if _NEG.search(c):
            return c
    return sentence


def name_preference(sentence: str) -> str | None:
    """A 2-6 word name for the quality a sentence (or clause) is about: its comparative first."""
    for m in _MORE.finditer(sentence):
        pref = _lexicon(m.group(0))
        if pref:
            return pref
    pref = _lexicon(sentence)
    if pref:
        return pref
    m = _MORE.search(sentence)
    if m:
        words = [w.lower() for w in m.groups() if w and w.lower() not in STOPWORDS]
        if words[1:]:
            return " ".join(words[:4])
    return None


def keep_sentence(sentence: str) -> bool:
    """True for a statement about how the responses differ (not a verdict, score or boilerplate)."""
    if len(sentence) < 25 or _SCORE.search(sentence) or _VERDICT.search(sentence) or _HEADER.search(sentence):
        return False
    if _BOTH.search(sentence) and not re.search(r"\bhowever|but|while|whereas\b", sentence, re.I):
        return False
    return bool(_ASSISTANT.search(sentence)) and bool(_EVAL.search(sentence))


def preferences_from_rationale(rationale: str, winner_position: int, limit: int = 3) -> list[dict[str, str]]:
    """Up to `limit` {preference, description} statements, the ones about the winner first."""
    kept: list[tuple[int, int, str]] = []
    for i, sent in enumerate(split_sentences(rationale)):
        if keep_sentence(sent):
            mentions = {int(m.group(1)) for m in _ASSISTANT.finditer(sent)}
            if winner_position and winner_position not in mentions and not _NEG.search(sent):
                continue  # praise of the loser alone does not say why the winner won
            about_winner = 0 if winner_position in mentions else 1
            kept.append((about_winner, i, sent))
    out, seen = [], set()
    for _, _, sent in sorted(kept):
        pref = name_preference(focus_clause(sent, winner_position) if winner_position else sent)
        if pref is None or pref in seen:
            continue
        seen.add(pref)
        out.append({"preference": pref, "description": _rewrite(sent, winner_position)[:400]})
        if len(out) == limit:
            break
    return out


class RationaleAnnotator(BaseAnnotator):
    """No-LLM backend over `comparisons.rationale` (needs no prompt/response text, costs nothing)."""

    name = "rationale"
    model = "rationale-heuristic-v1"
    uses_llm = False
    batch_size = 256

    def params(self) -> dict[str, Any]:
        return {"max_preferences": 3}

    def annotate_one(self, request: AnnotationRequest) -> AnnotationOutcome:
        c = request.comparison
        pos = 0 if c.winner == "tie" else (1 if c.winner == "a" else 2)  # rationale uses data order
        prefs = preferences_from_rationale(c.rationale or "", pos)
        if not prefs:
            return AnnotationOutcome(request, raw=c.rationale or "",
                                     invalid="no statement about how the responses differ")
        return AnnotationOutcome(request, raw=None,
                                 parsed={"topic": derive_topic(c.prompt), "preferences": prefs})

"""The judge's own verdict in its rationale: which position (1/2) it says won, or a tie.

Read, strongest first (the last occurrence of the strongest kind found decides):
1. bracketed verdicts: "[[A]]", "[[B]]", "[[C]]" (tie), "[[1]]", "[[A>B]]", "[[B>>A]]", "[[A=B]]";
2. a lone final line "1" / "2" / "A" / "B", also labelled ("Final verdict: B", "Winner: A",
   "[RESULT] A", "Preferred response: 1");
3. verdict statements: "Therefore, Output (a) is better.", "Response B is the better response",
   "I would choose Assistant 2", "I prefer Answer 1", "My final verdict is: Model B",
   "the better answer is Response A", "Response A wins"; a negated one ("Output (a) is not better")
   does not count; "both are equally good", "it's a tie" is a tie;
4. scores: "Assistant 1: 8/10" with "Assistant 2: 7/10", or a line of two numbers ("8 7", "8, 7",
   "Scores: 8/10 7/10") first or last: the higher score wins, equal scores tie.

Example:
    >>> find_verdict("Output (b) is more precise. Therefore, Output (b) is better.").position
    2
    >>> find_verdict("Both are fine.\\n8 7").position, find_verdict("My final verdict is [[B>A]]").position
    (1, 2)
    >>> find_verdict("Response A is not better; Response B is better.").position
    2
    >>> find_verdict("Nothing to say.") is None
    True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from prefbasis.annotate.describe.references import _LABELLED, _ORDINAL, _POSITION, find_references

_BRACKET = re.compile(r"\[\[\s*(?:(?P<one>[ABC12]|tie)|(?P<l>[AB])\s*(?P<op>>>|>|=|<<|<)\s*(?P<r>[AB]))\s*\]\]", re.I)
_ADVERBS = r"(?:(?:clearly|slightly|significantly|much|definitely|somewhat|overall|therefore|thus|also|far|a bit)\s+)*"
_WINS = re.compile(r"^\W{0,3}(?:(?:is|was|seems|appears|would be|remains)\s+" + _ADVERBS +
                   r"(?:the\s+)?(?:better|superior|preferred|preferable|winner|stronger|best)\b|wins\b|outperforms\b)",
                   re.I)
_CHOOSE = re.compile(r"\b(?:i\s+(?:would\s+|will\s+)?(?:choose|prefer|pick|select|go with|favou?r|recommend)|"
                     r"(?:final\s+)?(?:verdict|decision)\s*(?:is|:)|in favou?r of|the\s+(?:better|best|winning|preferred|"
                     r"superior)\s+(?:response|answer|output|one|choice|option)\s+(?:is|would be)|winner\s+is)"
                     r"[\s:,*\"']*$", re.I)
_TIE = re.compile(r"\b(?:it'?s\s+a\s+tie|(?:both|the two)\s+(?:responses?|answers?|outputs?|assistants?)?\s*"
                  r"(?:are|were|perform)\s+(?:equally|similarly)\s+(?:good|bad|well|helpful)|equally\s+(?:good|"
                  r"helpful|bad)|neither\s+(?:is|was)\s+better)\b", re.I)
_SCORE_LINE = re.compile(r"^\s*(?:scores?\s*:?\s*)?(\d+(?:\.\d+)?)(?:\s*/\s*10)?\s*[, \t]\s*(\d+(?:\.\d+)?)"
                         r"(?:\s*/\s*10)?\s*$", re.I)
_SIDE_SCORE = re.compile(r":\s*\**\s*(\d+(?:\.\d+)?)\s*(?:/\s*10|out of 10)?\s*\**\s*$")
# a final line that is only the verdict: "2", "[B]", or with a label, as judge templates end:
# "Final verdict: B", "Winner: A", "[RESULT] A" (Prometheus), "Preferred response: 1", "**Choice:** B"
# ("Result: 2" or "Choice: B" alone may be the task's own answer: only "[RESULT]" and "final choice")
_LONE = re.compile(r"^\s*(?:\**\s*(?:\[(?i:result)\]|[\[(]?\s*(?i:(?:final\s+)?verdict|winner|final\s+decision|preference|final\s+choice|"
                   r"(?:preferred|better|winning)(?:\s+(?:response|answer|output))?)\s*[\])]?)\s*[:=-]?\s*\**\s*)?"
                   r"(?:\[\s*)?([12AB])(?:\s*\])?\s*\**\s*\.?\s*$")


# words that frame a verdict sentence ("Therefore, Output (a) is clearly the better one.", "I would choose
# Response B"): a decisive sentence with at most two other words (and no reason clause) is only a verdict
SENTENCE_FILLER = frozenset("""therefore thus so overall in conclusion summary hence is was the better best superior
preferred winner wins response answer output one i would choose prefer my final verdict clearly slightly significantly
much a an definitely based on above evaluation analysis considering this these factors choice as it more appropriate
and of two outputs responses answers between option pick select go with""".split())
# ... and, for a whole rationale, generic praise or blame and the words of a bare preference ("Response A
# is way better than Response B.", "Response B is bad.", "I'd pick A."): a rationale whose words are all
# these (references, brackets and scores aside) states no reason
VERDICT_FILLER = SENTENCE_FILLER | frozenset("""than way just really very quite far lot looks look seems seem
appears appear beats beat preferable stronger good great fine okay ok nice excellent perfect awesome ideal
acceptable amazing bad worse worst poor terrible awful d end start""".split())
# a verdict that goes on to give its reason: "… is better because it cites sources", "… since it is shorter"
_GIVES_REASON = re.compile(r"\b(?:because|since|due\s+to|thanks\s+to|given\s+(?:that|its)|as\s+(?:it|they|this|its)|"
                           r"for\s+(?:its|their|being|having|providing|giving|offering))\b", re.I)


@dataclass(frozen=True)
class Verdict:
    """position: 1 or 2 (which response the judge said won), 0 for a tie; kind: how it was read."""

    position: int
    kind: str
    text: str


def _brackets(text: str) -> Verdict | None:
    found = None
    for m in _BRACKET.finditer(text):
        if m.group("one"):
            v = m.group("one").upper()
            pos = {"A": 1, "1": 1, "B": 2, "2": 2}.get(v, 0)
        else:
            left, op, right = m.group("l").upper(), m.group("op"), m.group("r").upper()
            if op == "=" or left == right:
                pos = 0
            else:
                first_wins = (op.startswith(">") and left == "A") or (op.startswith("<") and left == "B")
                pos = 1 if first_wins else 2
        found = Verdict(pos, "bracket", m.group(0))
    return found


def _statements(text: str) -> Verdict | None:
    found, at = None, -1
    for ref in find_references(text):
        after = re.split(r"[.;!?\n]", text[ref.end:ref.end + 80])[0]
        before = re.split(r"[.;!?\n]", text[max(0, ref.start - 80):ref.start])[-1]
        if _WINS.search(after) or _CHOOSE.search(before):
            found, at = Verdict(ref.position, "statement", (before + ref.text + after).strip()), ref.start
    ties = [m for m in _TIE.finditer(text)]
    if ties and ties[-1].start() > at:
        return Verdict(0, "statement", ties[-1].group(0))
    return found


def _scores(text: str) -> Verdict | None:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return None
    for line in (lines[0], lines[-1]):
        m = _SCORE_LINE.match(line)
        if m:
            a, b = float(m.group(1)), float(m.group(2))
            return Verdict(0 if a == b else (1 if a > b else 2), "scores", line.strip())
    side: dict[int, float] = {}
    for line in lines:
        refs = find_references(line)
        m = _SIDE_SCORE.search(line)
        if len(refs) == 1 and m and refs[0].end <= m.start() + 1:
            side[refs[0].position] = float(m.group(1))
    if len(side) == 2:
        return Verdict(0 if side[1] == side[2] else (1 if side[1] > side[2] else 2), "scores",
                       f"{side[1]:g} vs {side[2]:g}")
    return None


def _lone(text: str) -> Verdict | None:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return None
    # the last line, or its last sentence ("… factual errors. [RESULT] A" on one line)
    for last in (lines[-1], re.split(r"(?<=[.!?])\s+", lines[-1].strip())[-1]):
        m = _LONE.match(last)
        if m:
            return Verdict(_POSITION[m.group(1).lower()], "final line", last.strip())
    # a final line that only names one response, as a template asks ("Output (a)", "**Response B**")
    core = lines[-1].strip().strip("*_[]:. \t")
    refs = find_references(core)
    if len(refs) == 1 and refs[0].start == 0 and refs[0].end == len(core):
        return Verdict(refs[0].position, "final line", lines[-1].strip())
    return None


def find_verdict(text: str | None) -> Verdict | None:
    """The judge's verdict in `text`, or None when it states none (see the module docstring)."""
    if not text:
        return None
    for read in (_brackets, _lone, _statements, _scores):
        v = read(text)
        if v is not None:
            return v
    return None


def is_verdict_only(text: str) -> bool:
    """True when the text is nothing but a verdict or scores (no reason stated)."""
    rest = _BRACKET.sub(" ", text)
    rest = "\n".join(ln for ln in rest.splitlines() if not (_SCORE_LINE.match(ln) or _LONE.match(ln)))
    for pattern in (_LABELLED, _ORDINAL):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"[^A-Za-z ]", " ", rest).split()
    # "Response 1 is shorter than Response 2." is short, but "shorter" is a reason
    return all(w.lower() in VERDICT_FILLER for w in rest)

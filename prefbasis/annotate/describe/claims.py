"""Claims of a rationale: its clauses, each with the response it is about and whether it criticizes.

Steps: paragraphs → sentences (bullets and lines count as sentences; verdict, score, rubric and
header lines are dropped) → clauses (split at "while", "whereas", "but", "however", "on the other
hand", ";", and ", and" before a reference) → the clause's *subject*: the first reference to a
response that is not the object of a comparison ("than Response B", "unlike Output (a)", "found in
Assistant 1's answer"); a clause without one ("It also gives examples") continues the subject of
the clause before it in the same paragraph; "Both …", "Neither …" clauses are about both (0).
A clause is *negative* when it criticizes its subject ("does not", "fails to", "lacks",
"incorrect", "vague", "less", "too" …), *comparative* when it says "more", "less", "better",
"-er than".

Example:
    >>> cs = claims("Output (a) is concise. It also gives examples, while Output (b) lacks detail.")
    >>> [(c.subject, c.negative, c.text) for c in cs]
    [(1, False, 'Output (a) is concise.'), (1, False, 'It also gives examples'), (2, True, 'Output (b) lacks detail.')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from prefbasis.annotate.describe.references import Reference, find_references
from prefbasis.annotate.describe.verdict import _BRACKET, _CHOOSE, _GIVES_REASON, _LONE, _SCORE_LINE, _WINS, SENTENCE_FILLER

_ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|Dr|Mr|Mrs|Ms|St|No|cf)\.", re.I)
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z\"'(\[*])")
_BULLET = re.compile(r"^\s*(?:[-*•]+|\d+[.)]|[a-z][.)])\s+")
_HEADER = re.compile(r"^[\w'’ ()#/-]{0,40}:\s*\**\s*$|^#+\s|^\**[\w ]{0,30}\**:?\s*$")
_RUBRIC = re.compile(r"^[\w' -]{2,30}:\s*\**\s*\d+(?:\.\d+)?\s*(?:/\s*\d+|out of \d+)?\s*\**\s*$", re.I)
_CLAUSE_SPLIT = re.compile(
    r"\s*;\s*|,?\s+(?:while|whereas|but|although|though)\s+|(?:^|,?\s+)(?:however|on the other hand|"
    r"in contrast|conversely|by contrast|meanwhile)\s*,\s*|,\s+and\s+(?=(?:the\s+)?(?:first|second|former|latter|"
    r"assistant|response|output|answer|model|candidate)\b)", re.I)
_OBJECT_BEFORE = re.compile(r"\b(?:than|unlike|like|versus|vs\.?|against|over|compared\s+(?:to|with)|"
                            r"in\s+(?:contrast|comparison)\s+(?:to|with)|as\s+opposed\s+to|found\s+in|"
                            r"(?:provided|given|offered|mentioned|shown|seen)\s+(?:in|by)|from|as\s+in|"
                            r"relative\s+to|to)\s*$", re.I)
_BOTH = re.compile(r"^\W*(?:both|neither|the two|each|either|all)\b", re.I)
_ANAPHOR = re.compile(r"^\W*(?:(?:also|additionally|furthermore|moreover|further|still|then|overall)\s*,?\s+)*"
                      r"(?:this\s+(?:one|response|answer|output|reply|approach)|the\s+(?:response|answer|output|reply)|"
                      r"it|its|they|their|the latter|the former|(?:this|that)(?=\s+(?P<verb>\w+)))\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:not|never|n't|cannot|can't|fails?|failed|failing|lacks?|lacked|lacking|missing|misses|missed|"
    r"less|fewer|worse|worst|incorrect\w*|inaccura\w*|irrelevant\w*|incomplete\w*|unclear|vague\w*|"
    r"verbose|wordy|wrong\w*|errors?|erroneous\w*|mistakes?|mistaken\w*|confus\w*|repetitive|redundant|"
    r"unnecessar\w*|too|overly|poor\w*|weak\w*|generic|superficial|misleading|incoherent|off-topic|"
    r"unhelpful|inappropriate\w*|ignor\w*|omit\w*|overlook\w*|neglect\w*|unable|misunderst\w*|"
    r"misinterpret\w*|only\s+(?:provides?|gives?|lists?|mentions?|offers?|includes?|states?|says?|repeats?)|"
    r"merely|simply\s+(?:repeats?|restates?|lists?)|doesn't|didn't|isn't|wasn't|hallucinat\w*|fabricat\w*)\b",
    re.I)
_NOT_NEGATIVE = re.compile(r"\bnot\s+only\b|\b(?:no|without|free\s+of|any)\s+(?:\w+\s+){0,3}(?:errors?|mistakes?|"
                           r"issues?|problems?|flaws?|inaccuracies|typos?|bugs?|slips?)\b|"
                           # fixing a failing is a merit: "corrected the errors", "points out the mistake"
                           r"\b(?:correct\w*|fix\w*|avoid\w*|remov\w*|eliminat\w*|resolv\w*|catch\w*|caught|"
                           r"identif\w*|point\w*\s+out|spot\w*|flag\w*)\s+(?:\w+\s+){0,4}(?:errors?|mistakes?|"
                           r"issues?|problems?|flaws?|inaccuracies|typos?|bugs?|inconsistenc\w*)\b|"
                           r"\b(?:does|did|do|will|would)\s*(?:not|n't)\s+(?:crash|fail|break|err|hedge|ramble|deviate|"
                           r"hallucinate|mislead|confuse)\b", re.I)
_COMPARATIVE = re.compile(r"\b(?:more|less|better|worse|fewer|superior|inferior|\w{3,}er\s+than|"
                          r"outperforms?|stronger|weaker|clearer|shorter|longer|simpler)\b", re.I)


@dataclass(frozen=True)
class Claim:
    """One clause of a rationale. subject: 1 or 2 (the response it is about), 0 both/unknown."""

    text: str
    sentence: str
    subject: int
    negative: bool
    comparative: bool
    index: int
    subject_ref: Reference | None = None   # the reference naming the subject inside `text`, if any


def sentences(text: str) -> list[tuple[int, str]]:
    """(paragraph number, sentence) in order; verdict, score, rubric and header lines left out."""
    out: list[tuple[int, str]] = []
    paragraph = 0
    for line in text.splitlines():
        if not line.strip():
            paragraph += 1
            continue
        line = _BULLET.sub("", line).strip()
        if _HEADER.match(line) or _RUBRIC.match(line) or _SCORE_LINE.match(line) or _LONE.match(line):
            continue
        protected = _ABBREV.sub(lambda m: m.group(0).replace(".", "\0"), line)
        for s in _SENT_END.split(protected):
            s = s.replace("\0", ".").strip()
            if s and not _is_verdict_sentence(s):
                out.append((paragraph, s))
    return out


def _is_verdict_sentence(s: str) -> bool:
    """A sentence that only states the verdict ("Therefore, Output (a) is better.")."""
    if _BRACKET.search(s):
        return True
    refs = find_references(s)
    if not refs:
        return False
    after = s[refs[-1].end:]
    before = s[:refs[0].start]
    rest = re.sub(r"[^a-z ]", " ", (before + " " + after).lower())
    short = [w for w in rest.split() if w not in SENTENCE_FILLER]
    wins = _WINS.search(after)
    decisive = bool(wins or _CHOOSE.search(before))
    # "Response 1 is better because it is concise", "… is clearly better and gives examples": the
    # verdict goes on to give its reason, which is a claim
    gives_reason = _GIVES_REASON.search(after) or (wins and _AND_MORE.match(after[wins.end():]))
    return decisive and len(short) <= 2 and not gives_reason


_AND_MORE = re.compile(r"[\s,]*(?:and|as\s+well\s+as)\s+(?:also\s+)?(?!so\b|overall\b|in\s+general\b)\w", re.I)


def _clauses(sentence: str) -> list[str]:
    lead = re.match(r"^\W*(?:while|although|though|whereas|even though|despite)\b[^,]{3,}?,\s*", sentence, re.I)
    if lead:
        return _clauses(sentence[lead.start():lead.end()].rstrip(" ,")) + _clauses(sentence[lead.end():])
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(sentence)]
    out: list[str] = []
    for p in parts:
        for q in _split_comma_splice(p):
            out += _split_verb_phrases(q)
    return [p for p in out if p and len(p.split()) >= 2]


def _split_comma_splice(clause: str) -> list[str]:
    """"Response A gives a worked example, Response B does not." → two clauses: a comma, then a
    reference that starts a clause of its own (the text before the comma has its own subject)."""
    for r in find_references(clause):
        head = clause[:r.start]
        if r.start and head.rstrip().endswith(",") and re.match(_CLAUSE_VERB, clause[r.end:]) \
                and _subject(head)[0] is not None:
            return [head.rstrip(" ,"), *_split_comma_splice(clause[r.start:])]
    return [clause]


# what follows a reference that starts a clause: its verb ("does not", "lacks", "is", "gives")
_CLAUSE_VERB = re.compile(r"(?:'s\s+\w+\s+)?\s*(?:(?:also|only|just|simply|clearly|merely)\s+)?(?:is|was|are|were|has|had|"
                          r"does|did|doesn't|didn't|isn't|wasn't|can|cannot|can't|could|would|will|seems|appears|"
                          r"[a-z]+(?:s|ed))\b", re.I)


_AND = re.compile(r",?\s+and\s+(?:also\s+)?(?=([a-z]+)\b(\s+[a-z]+)?)")


def _split_verb_phrases(clause: str) -> list[str]:
    """"X follows the instruction and provides a table" → two clauses (the second continues X)."""
    from prefbasis.annotate.describe.canonical import _pos

    out, start = [], 0
    for m in _AND.finditer(clause):
        word, following = m.group(1), (m.group(2) or "").strip()
        verb_only = "VERB" in _pos(word) and "NOUN" not in _pos(word) and "ADJ" not in _pos(word)
        finite = word in ("is", "has", "does") or (verb_only and word.endswith("s") and not word.endswith("ss")) or (
            verb_only and word.endswith("ed") and following in ("a", "an", "the", "more", "some", "several",
                                                                  "additional", "specific", "examples", "clear"))
        if finite:
            out.append(clause[start:m.start()])
            start = m.end()
    out.append(clause[start:])
    return [o.strip(" ,") for o in out]


def _subject(clause: str) -> tuple[int | None, Reference | None]:
    """(position, reference) of the clause's subject; (0, None) for both; (None, None) if unnamed."""
    refs = find_references(clause)
    positions = {r.position for r in refs}
    head = clause[: refs[0].start] if refs else clause
    if _BOTH.match(clause):
        return 0, None
    for r1, r2 in zip(refs, refs[1:]):  # "Output (a) and Output (b) both …"
        if r1.position != r2.position and re.match(r"^\s*(?:and|&|as well as|,)\s*$", clause[r1.end: r2.start], re.I) \
                and not _OBJECT_BEFORE.search(clause[max(0, r1.start - 40): r1.start]):
            return 0, None
    for r in refs:
        if not _OBJECT_BEFORE.search(clause[max(0, r.start - 40): r.start]):
            return r.position, r
    for r in refs:  # "The steps provided by Assistant 1 are incorrect": the object is the subject's owner
        if re.match(r"^\s*(?:is|are|was|were|has|have|seems?|appears?|contains?|includes?)\b", clause[r.end:], re.I) \
                and re.search(r"\b(?:provided|given|offered|shown|written|generated)\s+by\s*$", clause[:r.start], re.I):
            return r.position, r
    return None, None


# where a clause stops judging its subject and starts giving the reason or the content it judged:
# "is correct because they do not have bread", "is correct in stating that X is inappropriate"
_REASON_START = re.compile(r"\b(?:because|since|due\s+to|given\s+that|as\s+(?:it|they|the|this|there)|"
                           r"(?:in|by|when)\s+(?:stating|saying|noting|explaining|pointing\s+out|mentioning)|"
                           r"whereas|while)\b", re.I)


def _negative(clause: str) -> bool:
    """True when the clause says its subject fails at something (judged before any reason clause)."""
    head = _REASON_START.split(clause, maxsplit=1)[0]
    # `_NOT_NEGATIVE` only blanks out whole words, so a head with no negative word has none after it
    return bool(_NEGATIVE.search(head)) and bool(_NEGATIVE.search(_NOT_NEGATIVE.sub(" ", head)))


def claims(text: str | None) -> list[Claim]:
    """The claims of a rationale, subjects resolved (see the module docstring)."""
    out: list[Claim] = []
    last_paragraph, current = -1, None
    for paragraph, sent in sentences(text or ""):
        if paragraph != last_paragraph:
            current, last_paragraph = None, paragraph
        for clause, subject, ref, continues, other in _read_sentence(sent):
            if subject is None and other and current:   # "…, while the other response rambles (and …)"
                subject = current = 3 - current
            elif subject is None:
                subject = current if (current is not None and continues) else 0
            else:
                current = subject if subject else current
            negative, comparative = _judgement(clause, subject or 0)
            out.append(Claim(clause, sent, subject or 0, negative, comparative, len(out), ref))
    return out


# Judges repeat themselves: a dataset's rationales share many of their sentences ("Both responses are
# relevant.", a rubric's phrasing), so what a sentence and a clause say on their own is read once.
# Both functions are pure (text in, facts out); the caches are bounded.
@lru_cache(maxsize=100_000)
def _read_sentence(sentence: str) -> tuple[tuple[str, int | None, Reference | None, bool, bool], ...]:
    """Per clause of `sentence`: (clause, its subject, the reference naming it, whether a clause
    without a subject of its own continues the previous clause's subject, whether its subject is
    "the other response")."""
    out = []
    for clause in _clauses(sentence):
        subject, ref = _subject(clause)
        continues = subject is None and (_anaphor(clause) or not _has_own_subject(clause))
        out.append((clause, subject, ref, continues, subject is None and bool(OTHER_SUBJECT.match(clause))))
    return tuple(out)


# "the other response/answer/one …" (or "the other" before its verb) as a clause's subject: the
# response the paragraph was not just talking about
OTHER_SUBJECT = re.compile(
    r"^\W*(?:(?:also|additionally|meanwhile|by\s+contrast|in\s+contrast)\s*,?\s+)?the\s+other(?:\s+(?:assistant|response|"
    r"output|answer|model|candidate|submission|completion|reply|option|summary|chatbot|ai|system|bot|one)s?\b(?:'s|’s)?"
    r"|(?=\s+(?:is|was|has|had|does|did|doesn't|didn't|isn't|wasn't|fails|failed|lacks|lacked|seems|appears|only|just|"
    r"merely|simply|also|contains|includes|misses|gives|provides|uses)\b))", re.I)


@lru_cache(maxsize=100_000)
def _judgement(clause: str, subject: int) -> tuple[bool, bool]:
    """(negative, comparative) of what `clause` says of its subject (`_own_part`)."""
    own = _own_part(clause, subject)
    return _negative(own), bool(_COMPARATIVE.search(own))


def _own_part(clause: str, subject: int) -> str:
    """The clause up to where it starts talking about the other response ("… than Response B, which
    was vague", "… rather than vague abstractions"): what it says of its subject."""
    clause = re.split(r",?\s+(?:rather\s+than|instead\s+of|as\s+opposed\s+to|unlike)\b", clause, maxsplit=1,
                      flags=re.I)[0]
    if subject not in (1, 2):
        return clause
    for r in find_references(clause):
        if r.position != subject:
            return clause[: r.start]
    return clause


def _anaphor(clause: str) -> bool:
    """Starts with a pronoun for the response ("It also …", "This answer …", "This makes …", not
    "This information …")."""
    from prefbasis.annotate.describe.canonical import _is_verb, _pos

    m = _ANAPHOR.match(clause)
    if not m:
        return False
    verb = m.group("verb")
    return verb is None or (_is_verb(verb.lower()) and "NOUN" not in _pos(verb.lower()) and "ADJ" not in _pos(verb.lower()))


def _has_own_subject(clause: str) -> bool:
    """True when a clause without a reference starts with its own noun subject ("The user asked …")."""
    return bool(re.match(r"^\W*(?:the|a|an|this|these|those)\s+(?!response|answer|output|reply)\w+", clause, re.I)
                or re.match(r"^\W*(?:i|we|you|he|she|there)\b", clause, re.I))

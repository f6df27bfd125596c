"""A claim about the winner (or against the loser) → one short, content-free preference statement.

1. **Predicate**: the clause after its subject ("Output (a)'s answer", "It also"), cut before
   comparison objects and asides (" than …", ", which …", " such as …", " because …", "(…)"); when
   what is left is only a generic verdict ("is better"), the reason after "because it" / "as it" /
   "by" is used instead.
2. **Turned around** when it criticizes the loser: "does not provide X" → "provides X", "fails to
   X" → "Xs", "is not as X" / "is less X" → "is more X", "is incomplete" → "is complete", "is vague"
   → "is less vague", "lacks X" → "has X", "is missing X" → "includes X", "only lists X" → "does more
   than list X", otherwise "does not V X".
3. **Subject matter masked**: quoted text, numbers, names, and words shared with the comparison's
   prompt and responses that are not evaluative (`vocabulary.py`) are removed, with the phrases they
   leave empty ("for assessing a student's project"). A predicate left with no evaluative word says
   what the answer is about, not why it is better: it is dropped, unless its masked words came from
   the prompt: then the claim is that the winner did the specific thing the prompt asked, and it
   reads "does what the prompt asks".
4. **Present tense**, third person ("provided" → "provides", "was" → "is").

The statement is "The preferred response <predicate>." and its short `preference` label is the
predicate without its copula or light verb ("more detailed and comprehensive", "follows the
instruction"), at most six words.

Example:
    >>> from prefbasis.annotate.describe.claims import claims
    >>> from prefbasis.words import content_stems
    >>> c = claims("Output (b) did not correct the errors in the essay about Rome.")[0]
    >>> canonical_statement(c, winner=1, masked=({"essay", "rome"}, set()))
    ('The preferred response corrects the errors.', 'corrects the errors')
    >>> c = claims("Response A provides a more detailed scoring rubric for the student's project.")[0]
    >>> canonical_statement(c, winner=1, masked=(content_stems("scoring rubric student project"), set()))
    ('The preferred response is more detailed.', 'more detailed')
"""
from __future__ import annotations

import re
from functools import lru_cache

from prefbasis.annotate.describe.claims import OTHER_SUBJECT, Claim
from prefbasis.annotate.describe.references import find_references
from prefbasis.words import FUNCTION_WORDS, root

FRAME = "The preferred response"
MAX_PREDICATE_WORDS = 20  # a 10-word cut loses half a claim (simulator ARI 0.77-0.91 over 3 seeds; 0.94-0.97 at 20)
MAX_LABEL_WORDS = 6

_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]")
_QUOTED = re.compile(r"\"[^\"]{1,1000}(?:\"|$)|“[^”]{1,1000}(?:”|$)|(?<![\w])'[^']{1,300}'(?![\w])|‘[^’]{1,300}’|"
                     r"`[^`]{1,300}`|\\boxed\{[^}]*\}")
_LEAD = re.compile(r"^\W*(?:(?:also|additionally|furthermore|moreover|further|still|then|overall|however|thus|"
                   r"therefore|instead|clearly|on the other hand|in addition|finally|both|again)\s*,?\s+)+", re.I)
_ANAPHOR_SUBJECT = re.compile(r"^\W*(?:this\s+(?:one|response|answer|output|reply)|the\s+(?:response|answer|output|"
                              r"reply)|the latter|the former|it|this|that|they)(?:'s|’s)?\b\s*", re.I)
_CUT = re.compile(r"\s*(?:,?\s+(?:rather\s+than|instead\s+of|than(?!\s+(?:what|is|was|necessary|needed|required|requested|asked))|compared\s+(?:to|with)|in\s+comparison|relative\s+to|unlike|as\s+opposed\s+to)\b"
                  r"|,?\s+(?:which|who|where|because|since|due\s+to|thanks\s+to|as(?=\s+(?:it|they|this|these|the|a|an|per|requested|"
                  r"instructed|expected|asked|required|mentioned|stated|well|if|though|shown|described))|"
                  r"so\s+that|such\s+as|including|e\.g\.|i\.e\.|"
                  r"for\s+example|for\s+instance|especially|particularly|like|thereby|making|thus|so)\b"
                  r"|\s*[(:\[—–]|\s+-\s+|,\s+(?:and\s+)?(?:it|this)\b|,\s+by\b|\s+by\s+(?=\w+ing\b)"
                  r"|,\s+(?!including)\w+ing\b"
                  r"|\s+(?:in|when)\s+(?:stating|saying|noting|claiming|pointing\s+out|mentioning|identifying)\b"
                  r"|\s+(?:found|provided|given|offered|seen|shown)\s+(?:in|by)\b"
                  r"|,?\s+(?:when\s+it\s+comes\s+to|with\s+regards?\s+to|with\s+respect\s+to|regarding|concerning|"
                  r"about|in\s+the\s+context\s+of|on\s+the\s+(?:topic|subject)\s+of)\b)", re.I)
_REASON = re.compile(r"\b(?:because|since|as)\s+(?:it|they|this)\s+|\b(?:due|thanks)\s+to\s+(?:its|their)\s+|\bby\s+(?=\w+ing\b)|,?\s+which\s+(?=is|are|was|"
                     r"were|makes?|made|shows?|gives?)", re.I)
_GENERIC_VERDICT = re.compile(r"^(?:has|had)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:edge|advantage)(?:\s+over\s+the\s+other\s+\w+)?$|"
                              r"(?:(?:is|was|seems|appears|as|looks)\s+)?(?:(?:\w+ly|way|far|much|a\s+lot|a\s+bit|just|even)\s+)?"
                              r"(?:the\s+)?(?:better|superior|"
                              r"preferred|preferable|stronger|best|good|great|higher|more\s+appropriate)(?:\s+(?:response|"
                              r"answer|output|choice|one|option))?(?:\s+(?:to|over)\s+(?:the\s+)?other\s+\w+)?$", re.I)
LIGHT_VERBS = frozenset(root(w) for w in """be is are was were am been being have has had provide provides provided
give gives gave offer offers include includes contain contains use uses make makes show shows present presents
list lists state states say says write writes mention mentions describe describes discuss discusses explain
explains talk talks do does did also answer response output""".split())
_COMPLIANCE = frozenset("include contain mention provide give list use add name cover address answer follow "
                        "explain write offer follow satisfy fulfill fulfil meet complete produce generate".split())
_PAST_AUX = {"was": "is", "were": "are", "had": "has", "did": "does", "didn't": "doesn't", "wasn't": "isn't",
             "weren't": "aren't", "hasn't": "hasn't", "could": "can", "couldn't": "cannot"}
_NOT_PREFIX = re.compile(r"^(?:un|in|im|ir|il|dis)(?=[a-z]{4,})")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _join(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r"\s+([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s+(['’]s)\b", r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:")


@lru_cache(maxsize=4096)
def _pos(word: str) -> frozenset[str]:
    """Parts of speech a word can have (lemminflect's lexicon), e.g. {'ADJ', 'VERB'}."""
    from lemminflect import getAllLemmas

    return frozenset(getAllLemmas(word.lower()))


@lru_cache(maxsize=4096)
def _lemma(word: str) -> str:
    from lemminflect import getLemma

    found = getLemma(word.lower(), upos="VERB")
    return found[0] if found else word.lower()


def _inflect(word: str, tag: str) -> str:
    from lemminflect import getInflection

    lemma = _lemma(word)
    found = getInflection(lemma, tag=tag)
    return found[0] if found else lemma


def _is_verb(word: str) -> bool:
    return "VERB" in _pos(word) or "AUX" in _pos(word)


def predicate(claim: Claim) -> str:
    """The clause after its subject, fillers removed (not yet cut or masked)."""
    return _predicate(claim.text, claim.subject_ref.end if claim.subject_ref is not None else None)


def _predicate(text: str, subject_end: int | None) -> str:
    if subject_end is not None:
        text = text[subject_end:]
    else:
        text, other = OTHER_SUBJECT.subn("", _LEAD.sub("", text), count=1)
        text = text if other else _ANAPHOR_SUBJECT.sub("", text, count=1)
    text = re.sub(r"^\W*(?:'s|’s)\s+(?:\w+\s+)?", "", text)
    text = _LEAD.sub("", text.strip(" ,.:;!?"))
    return text.strip(" ,.:;!?")


def _cut(pred: str) -> tuple[str, str | None]:
    """(main predicate, the reason it gives after "because it" / "by …" / ", which is …", if any)."""
    reason = None
    m = _REASON.search(pred)
    if m:
        reason = pred[m.end():].strip()
        if m.group(0).lower().startswith(("due", "thanks")):   # "due to its better structure": what it has
            reason = "has " + reason
        m2 = _CUT.search(reason)
        reason = reason[: m2.start()] if m2 else reason
    m = _CUT.search(pred)
    main = pred[: m.start()] if m else pred
    if reason is not None and _REASON.match(pred):  # "because it named X": the reason is the predicate
        main, reason = reason, None
    main = _PURPOSE.sub(r"\1", main)  # "executes the instruction to describe X" → "executes the instruction"
    return main.strip(" ,;"), (reason.strip(" ,;") if reason else None)


_PURPOSE = re.compile(r"\b((?:instruction|question|request|task|prompt|requirement)s?)\s+to\s+\w.*$", re.I)


def _present(tokens: list[str]) -> list[str]:
    """Past → present on the leading auxiliary / verb ("was" → "is", "provided" → "provides"), and on
    a past verb right after "and" ("… and included examples" → "… and includes examples")."""
    out = _present_head(tokens)
    for i in range(1, len(out) - 1):
        if out[i].lower() == "and" and out[i + 1].lower().endswith("ed") and _is_verb(out[i + 1].lower()) \
                and "ADJ" not in _pos(out[i + 1].lower()) and out[i - 1].lower() not in ("more", "less") \
                and not _participle_as_adjective(out, i + 1):
            out[i + 1] = _inflect(out[i + 1], "VBZ")
    return out


def _participle_as_adjective(toks: list[str], i: int) -> bool:
    """A past participle after "and" that ends its phrase, in an adjective phrase (after "is",
    "more", "well" …), is an adjective: "more detailed and organized" (not "… and organizes").
    With an object ("accurate and provided examples"), or after a noun ("a chess opening called
    and happened to …"), it is a verb."""
    after = toks[i + 1].lower() if i + 1 < len(toks) else ""
    if after not in ("", ",", "and", "or", "than", ".", ";", ":"):   # "and responded to X": a verb
        return False
    j = i - 2
    while j > 0 and toks[j] == ",":   # "more precise, detailed, and organized"
        j -= 1
    if not _adjectival(toks[j].lower()):
        return False
    while j > 0 and (toks[j - 1] in (",", "and") or _adjectival(toks[j - 1].lower())
                     or toks[j - 1].lower().endswith("ly")):
        j -= 1
    return j > 0 and toks[j - 1].lower() in _ADJECTIVE_PHRASE_START


_ADJECTIVE_PHRASE_START = frozenset("is are was were be been being seems appears more less most very well so too "
                                    "quite rather".split())


def _adjectival(word: str) -> bool:
    """An adjective or a past participle, and not a noun ("detailed", "written"; not "flat", "shed")."""
    pos = _pos(word)
    return "NOUN" not in pos and ("ADJ" in pos or (_is_verb(word) and _inflect(word, "VBN") == word))


def _present_head(tokens: list[str]) -> list[str]:
    out = list(tokens)
    for i, tok in enumerate(out[:3]):
        low = tok.lower()
        if low in _PAST_AUX:
            out[i] = _PAST_AUX[low]
            return out
        if low in ("is", "are", "has", "does", "can", "cannot", "doesn't", "isn't", "will", "would"):
            return out
        if _is_verb(low) and not low.endswith("ly"):
            if low.endswith("ed") or low in ("gave", "made", "wrote", "took", "got", "went", "came", "told",
                                              "showed", "brought", "found", "kept", "left", "put", "ran", "saw",
                                              "said", "read", "set", "built", "thought", "understood", "began"):
                out[i] = _inflect(low, "VBZ")
            elif low.endswith("ing") and i == 0:
                out[i] = _inflect(low, "VBZ")
            elif not low.endswith("s") and "NOUN" not in _pos(low) and "ADJ" not in _pos(low):
                out[i] = _inflect(low, "VBZ")
            return out
    return out


_NOT_FLIPPABLE = frozenset("increased indifferent invaluable inflammable infamous inflated intense interested "
                           "disposed discrete immense impressed".split())


def _flip_adjective(word: str) -> str | None:
    """'incorrect' → 'correct', 'unclear' → 'clear', 'incorrectly' → 'correctly' (None if no such word)."""
    low = word.lower()
    m = _NOT_PREFIX.match(low)
    if not m or low in _NOT_FLIPPABLE or low.rstrip("ly") in _NOT_FLIPPABLE:
        return None
    if not ({"ADJ", "ADV"} & _pos(low) or low.endswith("ly")):
        return None
    rest = low[m.end():]
    return rest if _pos(rest) or (rest.endswith("ly") and _pos(rest[:-2])) else None


def _flip_adjectives(toks: list[str]) -> list[str] | None:
    """The loser's qualities, turned: ["shorter", "and", "less", "detailed"] → ["more", "detailed"];
    parts that cannot be turned are dropped (None when none can)."""
    parts: list[list[str]] = [[]]
    for t in toks:
        if t.lower() in ("and", ",", "or"):
            parts.append([])
        else:
            parts[-1].append(t)
    out: list[list[str]] = []
    for part in (p for p in parts if p):
        low = [w.lower() for w in part]
        if low[0] == "less":
            out.append(["more"] + part[1:])
        elif low[0] in ("too", "overly") or (low[0] == "more" and len(part) > 1):
            out.append(["less"] + part[1:])
        elif low[0] in ("not", "n't") and len(part) > 1:
            out.append(part[1:])
        elif _flip_adjective(part[0]):
            out.append([_flip_adjective(part[0])] + part[1:])
    if not out:
        return None
    flat: list[str] = []
    for i, part in enumerate(out):
        if i:
            flat.append("and")
        flat += part
    return flat


def _verb_phrase(toks: list[str]) -> str:
    """["precisely", "execute", "any", "X"] → "precisely executes X" (adverbs kept, "any" dropped)."""
    i = 0
    while i < len(toks) - 1 and toks[i].lower().endswith("ly") and not _is_verb(toks[i].lower()):
        i += 1
    rest = toks[i + 1:]
    if rest and rest[0].lower() == "any":
        rest = rest[1:]
    return _join(toks[:i] + [_inflect(toks[i], "VBZ")] + rest)


# said of the loser with "not": "provide as much detail (as the other response)", "follow the
# instruction as closely": the winner provides more detail, follows it more closely
_AS_MUCH = re.compile(r"\bas\s+(?:much|many)\s+(?!as\b)", re.I)
_AS_ADVERB = re.compile(r"\bas\s+(?P<how>[a-z]+ly)\b(?!\s+as\s+possible)", re.I)
_AS_TAIL = re.compile(r"\s+as\s+(?:the\s+other\s+response|it|they|this|that)\b[^,;]*$", re.I)


def turn_around(pred: str) -> str | None:
    """The loser's failing, said of the winner (see the module docstring); None if not possible."""
    turned = _turn_around(pred)
    if turned is None:
        return None
    compared = _AS_MUCH.sub("more ", turned)
    compared = _AS_ADVERB.sub(lambda m: f"more {m.group('how')}" if _pos(m.group("how")) == {"ADV"} else m.group(0),
                              compared)
    return _AS_TAIL.sub("", compared) if compared != turned else turned


def _turn_around(pred: str) -> str | None:
    toks = _tokens(pred)
    if not toks:
        return None
    low = [t.lower() for t in toks]
    rest = lambda i: _join(toks[i:])  # noqa: E731
    if low[0] in ("does", "did", "do") and len(low) > 2 and low[1] == "not":
        return _verb_phrase(toks[2:])
    if low[0] in ("doesn't", "didn't", "don't") and len(low) > 1:
        return _verb_phrase(toks[1:])
    if low[0] in ("fails", "failed", "fail") and len(low) > 2 and low[1] == "to":
        return _join([_inflect(toks[2], "VBZ")] + toks[3:])
    if low[0] in ("is", "was", "are", "were", "seems", "appears") and len(low) > 1:
        cop = "is"
        if low[1] in ("not", "n't") or low[0].endswith("n't"):
            j = 2
            if len(low) > 3 and low[j] in ("as", "so"):
                adj = toks[j + 1:]
                adj = adj[: adj.index("as")] if "as" in [a.lower() for a in adj] else adj
                return _join([cop, "more"] + adj)
            if j < len(low) and low[j] in ("very", "particularly", "entirely", "fully", "quite", "always"):
                j += 1
            return _join([cop] + toks[j:])
        if low[1] == "missing":
            return _join(["includes"] + toks[2:])
        if low[1] == "lacking":
            return _join(["has"] + toks[2:] if low[2:3] != ["in"] else ["has"] + toks[3:])
        flipped = _flip_adjectives(toks[1:])
        if flipped:
            return _join([cop] + flipped)
        if "ADJ" in _pos(low[1]) and "VERB" not in _pos(low[1]):
            return _join([cop, "less"] + toks[1:])
        return None
    if low[0] in ("lacks", "lacked", "lack"):
        return _join(["has"] + toks[1:])
    if low[0] in ("misses", "missed", "omits", "omitted"):
        return _join(["includes"] + toks[1:])
    if low[0] == "only" and len(low) > 1 and _is_verb(low[1]):
        return _join(["does", "more", "than", _lemma(toks[1])] + toks[2:])
    flipped = _flip_adjective(toks[0])
    if flipped and toks[0].lower().endswith("ly") and len(toks) > 1:
        return _join([flipped] + toks[1:])
    if _is_verb(low[0]) and len(low) > 1 and low[1] in ("fewer", "less"):   # "provided fewer details"
        return _join([_inflect(toks[0], "VBZ"), "more"] + toks[2:])
    if _is_verb(low[0]) and "not" not in low:
        return _join(["does", "not", _lemma(toks[0])] + toks[1:])
    return None


def _mask(pred: str, from_prompt: set[str], from_responses: set[str]) -> tuple[list[str], list[int]]:
    """(tokens, mask per token): 0 kept, 1 subject matter of the prompt (or a quotation), 2 subject
    matter of the responses only, 3 a number or name."""
    text = _QUOTED.sub(" \u2063 ", pred)  # an invisible marker where a quotation was
    for ref in reversed(find_references(text)):
        text = text[: ref.start] + " the other response " + text[ref.end:]
    toks = [t for t in _tokens(text) if t not in ("/", "\\", "*", "#", "+", "=", "&", "|")]
    flags = []
    for i, t in enumerate(toks):
        low = t.lower()
        st = root(low)
        if t == "\u2063":
            flags.append(PROMPT)
        elif not t.isalpha() and any(ch.isdigit() for ch in t):
            flags.append(NAME)
        elif low in FUNCTION_WORDS or not t[0].isalpha():
            flags.append(KEPT)
        elif st in from_prompt:
            flags.append(PROMPT)
        elif st in from_responses:
            flags.append(RESPONSES)
        elif t[:1].isupper() and i > 0 and st not in _KEEP_CAPITAL and toks[i - 1] not in (".", "!", "?"):
            flags.append(NAME)
        else:
            flags.append(KEPT)
    return toks, flags


KEPT, PROMPT, RESPONSES, NAME = 0, 1, 2, 3
_KEEP_CAPITAL = frozenset({"i", "english", "markdown", "json", "the"})
# nouns that name a piece of the text itself: with the piece masked ("the word 'x'"), they say nothing
_GENERIC_NOUNS = frozenset(root(w) for w in "word words character characters letter letters term phrase sentence "
                           "name number item part piece value".split())
_BREAK = frozenset("of about on for in to with regarding from into at by within across among , and or that".split())
_WH = frozenset("how why when where whether what which who".split())
_DANGLING = frozenset("related associated regarding concerning pertaining such that which who whose".split())


def _compress(toks: list[str], flags: list[int]) -> list[str]:
    """Drop masked words and the phrases they leave without content; tidy determiners."""
    chunks: list[list[int]] = [[]]
    for i, t in enumerate(toks):
        if t.lower() in _BREAK and chunks[-1]:
            chunks.append([])
        chunks[-1].append(i)
    for n, chunk in enumerate(chunks):  # a wh-clause ("how it is used in X") ends the predicate
        words = [toks[i].lower() for i in chunk]
        if any(w in _WH for w in words[:2]) and n > 0:
            chunks = chunks[:n]
            break
        # ... and so does one inside a phrase once its subject matter is masked: "explains the
        # reasons why [this number is so high]" says "explains the reasons", not "… why this number"
        wh = next((j for j, w in enumerate(words) if j >= 1 and w in _WH), None)
        if wh is not None and any(flags[i] for i in chunk[wh:]):
            chunks = chunks[:n] + [chunk[:wh]]
            break
    out: list[str] = []
    seen_masked = False
    for n, chunk in enumerate(chunks):
        masked_any = any(flags[i] for i in chunk)
        kept = [i for i in chunk if not flags[i]]
        has_content = any(toks[i].lower() not in FUNCTION_WORDS and toks[i].lower() not in _BREAK
                          and toks[i].isalpha() and root(toks[i].lower()) not in _GENERIC_NOUNS for i in kept)
        words = [toks[i].lower() for i in chunk if toks[i].isalpha()]
        refers_back = seen_masked and words[:2] and (words[0] in ("its", "their", "that", "which", "who") or
                                                     words[:2] in (["and", "its"], ["and", "their"]))
        seen_masked = seen_masked or masked_any
        if n > 0 and ((masked_any and not has_content) or refers_back):
            continue
        out += [toks[i] for i in kept]
    out = [t for t in out if t.isalpha() or t in (",", "'s", "’s") or "-" in t or "'" in t]
    tidy: list[str] = []
    for i, t in enumerate(out):
        nxt = out[i + 1].lower() if i + 1 < len(out) else ""
        if t.lower() in ("a", "an", "the", "this", "its", "their") and (not nxt or nxt in _BREAK or nxt in
                                                                     FUNCTION_WORDS - {"more", "less", "most"}):
            continue
        if t.lower() in ("a", "an") and nxt:
            t = "an" if nxt[0] in "aeiou" else "a"
        if tidy and t.lower() == tidy[-1].lower():
            continue
        if t.lower() in ("and", "or", ",") and tidy and tidy[-1].lower() in FUNCTION_WORDS - {"more", "less"}:
            tidy.pop()  # "the night sky over [Chile] and" → "the night sky and"
        tidy.append(t)
    while tidy and ((tidy[-1].lower() in FUNCTION_WORDS and tidy[-1].lower() not in ("more", "less"))
                    or tidy[-1] in ",;:" or tidy[-1].lower() in _DANGLING):
        tidy.pop()
    return tidy


def _evaluative_words(toks: list[str]) -> list[str]:
    """Content words that can carry a reason (a lone verb whose object was masked cannot)."""
    found = [t for t in toks if t.isalpha() and t.lower() not in FUNCTION_WORDS and root(t.lower()) not in LIGHT_VERBS
             and t.lower() not in ("other", "preferred")]
    if len(found) == 1 and toks and toks[0] == found[0] and _is_verb(found[0].lower()) \
            and not {"ADJ", "ADV"} & _pos(found[0].lower()):
        return []
    return found


def _finish(toks: list[str]) -> list[str]:
    """A dangling adjective or determiner at the end gets the generic noun 'answer'
    ("provides a more detailed" → "provides a more detailed answer")."""
    if not toks:
        return toks
    last = toks[-1].lower()
    if last in ("a", "an", "the", "more", "its", "less"):
        return toks + ["answer"]
    pos = _pos(last)
    adjective = "NOUN" not in pos and ("ADJ" in pos or last.endswith("ed"))
    before = toks[-2].lower() if len(toks) > 1 else ""
    copula = toks[0].lower() in ("is", "are", "seems", "appears", "more", "less")  # no verb: "is" comes first
    if adjective and (before in ("a", "an", "the", "its") or (before in ("more", "and", "most", "very") and not copula)):
        return toks + ["answer"]
    return toks


def _label(toks: list[str]) -> str:
    words = [t for t in toks if t not in ",;:."]
    low = [w.lower() for w in words]
    if low[:1] and low[0] in ("is", "are", "seems", "appears") and len(low) > 1 and low[1] not in ("not",):
        words = words[1:]
    elif low[:1] and root(low[0]) in LIGHT_VERBS and low[0] not in ("does", "explains") and len(words) > 1:
        obj = words[1:]
        if obj and obj[0].lower() in ("a", "an", "the"):
            obj = obj[1:]
        if _evaluative_words(obj[:-1] or obj) and obj:
            words = obj
    words = words[:MAX_LABEL_WORDS]
    while len(words) > 1 and words[-1].lower() in FUNCTION_WORDS and words[-1].lower() not in ("more", "less"):
        words.pop()
    if len(words) < 2:  # a one-word label keeps its verb: "is correct", not "correct"
        full = [t for t in toks if t not in ",;:."]
        words = full[: max(2, min(len(full), MAX_LABEL_WORDS))]
    return " ".join(words).lower()


def _truncate(toks: list[str]) -> list[str]:
    """At most MAX_PREDICATE_WORDS words, cut before a coordination ("and", ",") where there is one,
    else before a phrase boundary; no dangling function words."""
    if len([t for t in toks if t.isalpha()]) <= MAX_PREDICATE_WORDS:
        return toks
    cut = toks[:MAX_PREDICATE_WORDS + 1]
    for breaks in (("and", ",", "or"), tuple(_BREAK)):
        at = [i for i in range(3, len(cut)) if cut[i].lower() in breaks]
        if at:
            cut = cut[:at[-1]]
            break
    while cut and (cut[-1].lower() in FUNCTION_WORDS or cut[-1] in ",;:") and cut[-1].lower() not in ("more", "less"):
        cut.pop()
    return cut


def _adverbs_only(toks: list[str]) -> list[str] | None:
    """"correctly states" / "accurately adds" (the rest masked) → "is correct" / "is accurate"."""
    words = [t for t in toks if t.isalpha()]
    adverbs = [w for w in words if w.lower().endswith("ly") and "ADJ" in _pos(w.lower()[:-2] or "x")]
    rest = [w for w in words if w not in adverbs and w.lower() not in FUNCTION_WORDS]
    lone_verb = (len(rest) == 1 and _is_verb(rest[0].lower()) and words[-1] == rest[0]
                 and (len(words) < 2 or words[-2].lower() not in ("more", "less", "most", "very")))
    if adverbs and len(rest) <= 1 and (not rest or root(rest[0].lower()) in LIGHT_VERBS or lone_verb):
        adjectives = [a.lower()[:-2] for a in adverbs]
        return ["is"] + (adjectives if len(adjectives) == 1 else adjectives[:-1] + ["and", adjectives[-1]])
    return None


# "provides a clear and concise explanation" says the response *is* clear and concise
_GENERIC_ANSWER = re.compile(
    r"^(?:provides|gives|offers|presents|has|delivers|contains|includes)\s+(?:a|an|the)?\s*"
    r"(?P<adj>(?:(?:more|less|much|very|slightly|far|overall)\s+)*[a-z-]+(?:(?:\s*,\s*|\s+and\s+|\s+)"
    r"(?:(?:more|less|much|very)\s+)?[a-z-]+){0,3}?)\s+"
    r"(?:explanation|answer|response|description|overview|summary|analysis|account|reply|solution|output|"
    r"discussion|breakdown|treatment|picture|review|text|approach|version|result)s?$", re.I)


_DEGREE_WORDS = frozenset(("more", "less", "much", "very", "slightly", "far", "and", ",", "overall"))


def _fold_generic(toks: list[str]) -> list[str]:
    """"provides a more detailed and accurate explanation" → "is more detailed and accurate"."""
    m = _GENERIC_ANSWER.match(_join(toks))
    if not m:
        return toks
    adjectives = _tokens(m.group("adj"))
    if all(a.lower() in _DEGREE_WORDS for a in adjectives):   # "provides more explanation" is not "is more"
        return toks
    if not all("ADJ" in _pos(a) or a.lower() in _DEGREE_WORDS or a.lower().endswith("ed") for a in adjectives):
        return toks
    return ["is"] + adjectives


def canonical_statement(claim: Claim, winner: int, masked: tuple[set[str], set[str]],
                        prompt_stems: set[str] | frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(description, preference label) for a claim, or None when it gives no content-free reason.

    `winner`: the position (1/2) of the winner as the judge saw it; `masked`: the subject-matter
    stems of this comparison's prompt and of its responses (`vocabulary.masked_stems`);
    `prompt_stems`: every content stem of the prompt (what it asks for, evaluative words included).
    """
    subject_end = claim.subject_ref.end if claim.subject_ref is not None else None
    turn = claim.subject != winner
    if turn and _praises_the_loser(_predicate(claim.text, subject_end), prompt_stems):
        return None
    main = _main_predicate(claim.text, subject_end, turn)
    if main is None:
        return None
    toks, flags = _mask(main, *masked)
    return _statement(tuple(toks), tuple(flags))


# "is not wrong" said of the loser praises it: there is no failing to turn around (not "is wrong")
_NOT_A_FAULT = re.compile(r"^(?:(?:is|was|are|were|seems|appears)\s+(?:not|n't)|isn't|wasn't|aren't|weren't)\s+"
                          r"(?:(?:a|an|too|overly|very|entirely|completely|necessarily|particularly)\s+)?"
                          r"(?P<word>[a-z-]+)\b(?P<rest>.*)$", re.I)
_NEGATIVE_QUALITY = frozenset("wrong incorrect inaccurate bad poor harmful misleading unhelpful irrelevant "
                              "confusing vague verbose wordy redundant repetitive unclear incomplete unsafe "
                              "offensive biased".split())


def _praises_the_loser(pred: str, prompt_stems: set[str]) -> bool:
    """True for "is not wrong" / "is not a bad letter" about the loser: a negated fault. Not when the
    fault is what the prompt asks for (LLMBar's adversarial "write an unhelpful reply": there "is not
    unhelpful" is the loser's failing) or when "but" follows with what is wrong after all."""
    m = _NOT_A_FAULT.match(pred.strip())
    if not m or m.group("word").lower() not in _NEGATIVE_QUALITY:
        return False
    return root(m.group("word").lower()) not in prompt_stems and not re.search(r"\bbut\b", m.group("rest"), re.I)


@lru_cache(maxsize=100_000)  # judges repeat their phrasings: each is worked out once
def _main_predicate(text: str, subject_end: int | None, turn: bool) -> str | None:
    """The claim's predicate, cut to its main clause; turned around (`turn`) when it is about the loser."""
    pred = re.sub(r"^(?:not\s+only|also)\s+", "", _predicate(text, subject_end), flags=re.I)
    # "is (much) better and more concise": the verdict, then the reason
    pred = re.sub(r"^((?:is|was)\s+)(?:(?:\w+ly|way|far|much)\s+)?(?:better|superior|stronger|preferable)\s*,?\s*"
                  r"and\s+(?:also\s+)?(?=\w)", r"\1", pred, flags=re.I)
    pred = re.sub(r"^(?:does|do|did)\s+(?!not\b|n't\b)(\w+)",
                  lambda m: _inflect(m.group(1), "VBZ") if _is_verb(m.group(1)) and not m.group(1).endswith("ly")
                  else m.group(0), pred, flags=re.I)
    for ref in reversed(find_references(pred)):
        pred = pred[: ref.start] + "the other response" + pred[ref.end:]
    pred = re.sub(r"^as\s+(?!a\s+result|well|it|they|this|if|though|much|many|for|to|of|in)", "is ", pred, flags=re.I)
    pred = re.sub(r"^(?:does|did|do)\s+(?:exactly\s+|precisely\s+|just\s+)?(?:that|this|so|it)\b.*",
                  "does what the prompt asks", pred, flags=re.I)
    pred = re.sub(r"\b((?:address|answer|follow|meet|satisf|fulfil|execut|accomplish|achiev)\w*)\s+(?:this|that|it|these|"
                  r"them|those)(?:\s+(?:requirement|request|instruction|task|goal)s?)?\b", r"\1 the prompt", pred, flags=re.I)
    main, reason = _cut(pred)
    if reason and (not main or _GENERIC_VERDICT.match(main)):
        main = reason
    if not main or _GENERIC_VERDICT.match(main):
        return None
    if turn:
        main = turn_around(main)
        if main is None:
            return None
    return main


@lru_cache(maxsize=100_000)
def _statement(toks_in: tuple[str, ...], flags_in: tuple[int, ...]) -> tuple[str, str] | None:
    """(description, label) from the masked tokens of a main predicate, or None."""
    toks, flags = list(toks_in), list(flags_in)
    head = next((i for i, t in enumerate(toks) if t.isalpha() and t.lower() not in FUNCTION_WORDS
                 and not (t.lower().endswith("ly") and not _is_verb(t.lower()))), None)
    if head is not None and flags[head]:  # its main verb or noun is subject matter: keep only the judgement
        adverbs = [t for t in toks[:head] if t.lower().endswith("ly") and t.isalpha()]
        if flags[head] == PROMPT:  # it does the very thing the prompt asks ("directly promotes X")
            toks, flags = adverbs + ["does", "what", "the", "prompt", "asks"], [KEPT] * (len(adverbs) + 5)
        elif adverbs:
            toks, flags = adverbs + ["x"], [KEPT] * len(adverbs) + [RESPONSES]
        else:
            return None
    compact = _present(_compress(toks, flags))
    compact = _adverbs_only(compact) or compact
    if not _evaluative_words(compact):
        if PROMPT in flags:
            compact = ["does", "what", "the", "prompt", "asks"]
        else:
            return None
    compact = _fold_generic(_finish(_truncate(compact)))
    low = [t.lower() for t in compact]
    head = [w for w in low if not (w.endswith("ly") and not _is_verb(w))]
    first = head[0] if head else ""
    if first in ("more", "less") and len(low) > 2 and low[1].endswith("ly") and _is_verb(head[1] if len(head) > 1 else ""):
        first = head[1]   # "more closely follows the instruction": an adverb of the verb, not "is more …"
    if first and not _is_verb(first) and first not in ("does", "is"):
        if first in ("more", "less") or "ADJ" in _pos(first) or first.endswith("er"):
            compact = ["is"] + compact
        else:
            return None  # no verb left: not a statement about the response
    description = f"{FRAME} {_join(compact)}."
    return description, _label(compact)

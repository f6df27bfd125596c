"""Words of a text, the one tokenizer shared by the description stage and the basis metrics.

A *word* is a run of letters (inner apostrophes and hyphens kept), lowercased. Its *stem* folds
plurals and possessives ("balloons" → "balloon", "user's" → "user", "categories" → "category"),
so a description and its prompt are compared word for word. `FUNCTION_WORDS` are English
function words (articles, pronouns, auxiliaries, prepositions, conjunctions): they never count
as content. Nothing here knows about preferences.

Example:
    >>> words("The user's 3 balloons, step-by-step!")
    ['the', "user's", 'balloons', 'step-by-step']
    >>> sorted(content_stems("The user's 3 balloons, step-by-step!"))
    ['balloon', 'step-by-step', 'user']
    >>> content_stems("calculations") == content_stems("calculated")
    True
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

FUNCTION_WORDS = frozenset("""
a about above across after again against all almost along already also although always am among an and
another any anyone anything are around as at be because been before being below beside besides between
both but by can cannot could did do does doing done down during each either else enough etc even ever
every few for from further had has have having he her here hers herself him himself his how however i if
in into is it its itself just least less let like many may me might mine more most much must my myself
neither no nor not now of off often on once one only onto or other others otherwise our ours ourselves
out over own per quite rather same several shall she should since so some something such than that the
their theirs them themselves then there therefore these they this those though through thus to too
toward towards under until up upon us very via was we well were what whatever when where whereas
whether which while who whom whose why will with within without would yet you your yours yourself
""".split())


def words(text: str | None) -> list[str]:
    """The lowercased words of `text`, in order (digits and punctuation dropped)."""
    if not text:
        return []
    found = _WORD.findall(text.lower())
    return [w.replace("’", "'") for w in found] if "’" in text else found


def stem(word: str) -> str:
    """Fold possessives and regular plurals: "user's" → "user", "boxes" → "box", "ideas" → "idea"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s") or w.endswith("s'"):
        w = w[:-2] if w.endswith("'s") else w[:-1]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith("es") and w[-3] in "sxz" or w.endswith(("ches", "shes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@lru_cache(maxsize=500_000)
def root(word: str) -> str:
    """A word's Snowball (Porter 2) stem, so that "calculation" and "calculate" meet ("calcul").

    Example:
        >>> root("calculation") == root("calculates"), root("detailed")
        (True, 'detail')
    """
    return _stemmer().stemWord(word.lower().replace("’", "'").removesuffix("'s"))


@lru_cache(maxsize=1)
def _stemmer():
    """Snowball's English stemmer: PyStemmer's C build, which `snowballstemmer.stemmer` returns when
    it is installed (a dependency), else snowballstemmer's pure-Python one. Both give the same
    stems (tests/test_words.py checks it on real text); the C one is ~20x faster, which is a
    second of the description stage's vocabulary on a 10,000-rationale dataset."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def is_function_word(word: str) -> bool:
    """True for English function words (and one- or two-letter words)."""
    return len(word) < 3 or word in FUNCTION_WORDS


@lru_cache(maxsize=50_000)  # the same prompts and responses recur across a dataset's comparisons
def content_stems(text: str | None) -> frozenset[str]:
    """Roots (`root`) of the words of `text` that are not function words."""
    return frozenset(map(root, {w for w in words(text) if not is_function_word(w)}))


def content_stems_of(parts: "str | Iterable[str | None] | None") -> frozenset[str]:
    """`content_stems` of several texts at once (a prompt and its responses): the same set as
    the stems of the texts joined by spaces, but each text is read once however often it recurs
    (`content_stems` caches per text).

    Example:
        >>> content_stems_of(["Two balloons", None, "a red balloon"]) == content_stems("Two balloons a red balloon")
        True
    """
    if parts is None or isinstance(parts, str):
        return content_stems(parts)
    return frozenset().union(*(content_stems(t) for t in parts if t))

"""Category names: the most-used short `preference` phrase, disambiguated by class-based TF-IDF.

Rule (documented in docs/basis.md, step 7):

1. **Head.** A category's head is the short `preference` phrase most used among its members
   (mention-weighted; ties: shorter, then alphabetical). Without phrases, the medoid description
   cut to six words.
2. **Distinctive heads stay as they are.** A head used by exactly one category is its name.
3. **Shared (generic) heads get a qualifier.** When several categories share a head, each of them
   is named ``"<head>: <w1> <w2>"``: the two words of its member descriptions with the highest
   class-based TF-IDF (BERTopic's c-TF-IDF, Grootendorst 2022, with its `bm25_weighting` and
   `reduce_frequent_words` options): ``score(t, c) = sqrt(tf(t, c)) / Σ_t' sqrt(tf(t', c)) ·
   log(1 + (A − f(t) + 0.5) / (f(t) + 0.5))``, clipped at 0, with tf the mention-weighted count
   of t in category c's members, f(t) its count over all categories and A the mean words per
   category; words as frequent as a whole category ("response", "preferred") score 0. Candidate
   words are letters-only tokens of three or more characters (hyphenated words such as
   "step-by-step" kept whole), not English stop words, not words of the head, and used in at
   least two member descriptions (one for a single-member category); counts come from
   scikit-learn's `CountVectorizer`. The chosen words are written in the order they first occur
   in the category's heaviest members ("van gogh", not "gogh van").
4. **Still equal** names (only those) get a third word; numeric suffixes " (2)", " (3)" are the last resort.

Deterministic: inputs are sorted, the vocabulary is sorted and ties go to the alphabetically
first word.

Example:
    >>> import numpy as np
    >>> names = name_categories(
    ...     np.array([0, 0, 1, 1, 2]),
    ...     [{"more detail": 2}, {"more detail": 1}, {"more detail": 3}, {"more detail": 1}, {"brief": 1}],
    ...     np.ones(5), ["steps shown", "vivid imagery", "short"],
    ...     texts=["shows calculation steps", "calculation steps shown", "vivid imagery used",
    ...            "vivid imagery throughout", "short"])
    >>> names
    ['more detail: calculation steps', 'more detail: vivid imagery', 'brief']
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: letters-only words of 3+ characters; hyphenated compounds ("step-by-step") stay one token.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}(?:-[^\W\d_]+)*\b"


@dataclass(frozen=True)
class NamingConfig:
    """How names are built. `qualifier_words`: words added to a shared head (up to `max_words`
    when names still collide); `fallback_words`: medoid words used when no phrase is known."""

    qualifier_words: int = 2
    max_qualifier_words: int = 3
    fallback_words: int = 6
    min_doc_count: int = 2


def fallback_name(text: str, words: int = 6) -> str:
    """The first `words` words of `text` (with "…" when cut). >>> fallback_name("a b c", 2) → 'a b…'"""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _clean(text: str, exclude: set[str]) -> bool:
    """True when no word of `text` has its root in `exclude` (subject-matter words)."""
    if not exclude:
        return True
    from prefbasis.words import content_stems

    return not (content_stems(text) & exclude)


def clean_phrase_counts(labels: np.ndarray, phrases: Sequence[Mapping[str, int]] | None, k: int,
                        exclude: set[str] | None = None) -> list[Counter]:
    """Per category, {phrase: mentions} over its members, without phrases holding an `exclude`d word
    (roots of subject-matter words); all empty when there are no phrases."""
    counts: list[Counter] = [Counter() for _ in range(k)]
    exclude = exclude or set()
    if phrases is not None:
        for i in np.flatnonzero(labels >= 0):
            counts[labels[i]].update({p: c for p, c in phrases[i].items() if p and _clean(p, exclude)})
    return counts


def head_phrases(labels: np.ndarray, phrases: Sequence[Mapping[str, int]] | None, k: int,
                 medoids: Sequence[str], fallback_words: int = 6, exclude: set[str] | None = None,
                 counts: list[Counter] | None = None) -> list[str]:
    """Per category, the most-used phrase among its members (ties: shorter, then alphabetical),
    skipping phrases that hold an `exclude`d word (`counts`: `clean_phrase_counts`, if already made)."""
    exclude = exclude or set()
    counts = counts if counts is not None else clean_phrase_counts(labels, phrases, k, exclude)
    return [min(counts[c].items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0] if counts[c]
            else fallback_name(_clean_words(medoids[c], exclude), fallback_words) for c in range(k)]


FRAME_WORDS = ("the", "preferred", "response", "other")   # words of the canonical frame, never a name


def _clean_words(text: str, exclude: set[str]) -> str:
    """`text` without the canonical frame ("the preferred response ..."), cut before its first word
    whose root is in `exclude`; the text itself if nothing would be left."""
    from prefbasis.basis.config import CANONICAL_PREFIX

    body = text[len(CANONICAL_PREFIX):] if text.lower().startswith(CANONICAL_PREFIX) else text
    kept: list[str] = []
    for w in body.split():
        if not _clean(w, exclude):
            break
        kept.append(w)
    return " ".join(kept) or text


def class_tfidf(texts: Sequence[str], labels: np.ndarray, weights: np.ndarray, k: int,
                min_doc_count: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """c-TF-IDF scores (k × vocabulary) of the member texts, and the sorted vocabulary.

    Terms used in fewer than `min_doc_count` member texts of a category (capped at its size)
    score 0 there. Example: ``class_tfidf(["a cat", "a dog"], np.array([0, 1]), np.ones(2), 2, 1)``.
    """
    from scipy import sparse
    from sklearn.preprocessing import normalize

    keep = np.flatnonzero(labels >= 0)
    vec = _vectorizer()
    try:
        x = vec.fit_transform([texts[i] for i in keep])
    except ValueError:  # empty vocabulary: nothing but stop words / digits
        return np.zeros((k, 0)), np.array([], dtype=object)
    member = sparse.csr_matrix((np.asarray(weights, np.float64)[keep], (labels[keep], np.arange(len(keep)))),
                               shape=(k, len(keep)))
    tf = (member @ x).toarray()                                  # mention-weighted counts per category
    docs = (member.sign() @ x.sign()).toarray()                  # member texts using each term
    f_t = tf.sum(axis=0)
    avg_words = tf.sum(axis=1).mean()
    idf = np.log1p((avg_words - f_t + 0.5) / (f_t + 0.5))      # BM25 idf: <= 0 once f(t) > A
    scores = np.clip(normalize(np.sqrt(tf), norm="l1") * idf, 0.0, None)
    sizes = np.bincount(labels[keep], minlength=k)
    scores[docs < np.minimum(min_doc_count, sizes)[:, None]] = 0.0
    return scores, vec.get_feature_names_out()


def _vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(token_pattern=TOKEN_PATTERN, stop_words="english", lowercase=True)


def in_text_order(words: list[str], members: Sequence[str]) -> list[str]:
    """`words` in the order they first appear in `members` (heaviest member first), so that
    "gogh, van" reads "van gogh". Words found nowhere keep their place at the end."""
    analyze = _vectorizer().build_analyzer()
    place: dict[str, tuple[int, int]] = {}
    for rank, text in enumerate(members):
        tokens = analyze(text)
        for word in words:
            if word not in place and word in tokens:
                place[word] = (rank, tokens.index(word))
        if len(place) == len(words):
            break
    return sorted(words, key=lambda wd: place.get(wd, (len(members), words.index(wd))))


def top_words(scores: np.ndarray, vocab: np.ndarray, exclude: set[str], n: int,
              banned: set[str] | None = None) -> list[str]:
    """The n highest-scoring words (score > 0, not in `exclude`, root not in `banned`); ties alphabetical."""
    order = np.lexsort((np.arange(len(scores)), -scores))        # vocab is sorted: index = alphabetical
    out = []
    for j in order:
        if scores[j] <= 0 or len(out) == n:
            break
        if vocab[j] not in exclude and _clean(str(vocab[j]), banned or set()):
            out.append(str(vocab[j]))
    return out


def name_categories(labels: np.ndarray, phrases: Sequence[Mapping[str, int]] | None,
                    weights: np.ndarray, medoids: Sequence[str], texts: Sequence[str] | None = None,
                    config: NamingConfig | None = None, exclude: set[str] | None = None) -> list[str]:
    """One name per category (index = category id), following the module's rule.

    labels: category per description (-1 unassigned); phrases: {phrase: count} per description;
    weights: mention count per description; medoids: one text per category; texts: the
    descriptions (needed to qualify shared heads; without them only suffixes disambiguate);
    exclude: roots (`prefbasis.words.root`) of subject-matter words no name may contain.
    """
    cfg = config or NamingConfig()
    k = len(medoids)
    labels = np.asarray(labels)
    banned = exclude or set()
    counts = clean_phrase_counts(labels, phrases, k, banned)
    heads = head_phrases(labels, phrases, k, medoids, cfg.fallback_words, banned, counts)
    if banned and texts is not None and phrases is not None:
        # no phrase of its own without subject matter: its distinctive words
        bare = [c for c in range(k) if not counts[c]]
        if bare:
            scores, vocab = class_tfidf(texts, labels, weights, k, cfg.min_doc_count)
            for c in bare:
                words = top_words(scores[c], vocab, set(FRAME_WORDS), cfg.max_qualifier_words, banned) if len(vocab) else []
                if words:
                    heads[c] = " ".join(in_text_order(words, _members_by_weight(c, labels, weights, texts)))
    shared = {h for h, n in Counter(heads).items() if n > 1}
    names = list(heads)
    if shared and texts is not None:
        scores, vocab = class_tfidf(texts, labels, weights, k, cfg.min_doc_count)
        for head in sorted(shared):
            group = [c for c in range(k) if heads[c] == head]
            exclude_head = set(head.lower().replace(":", " ").split())
            todo = group
            members = {c: _members_by_weight(c, labels, weights, texts) for c in group}
            for n_words in range(cfg.qualifier_words, cfg.max_qualifier_words + 1):
                for c in todo:
                    words = top_words(scores[c], vocab, exclude_head, n_words, banned) if len(vocab) else []
                    names[c] = f"{head}: {' '.join(in_text_order(words, members[c]))}" if words else head
                repeated = Counter(names[c] for c in group)
                todo = [c for c in group if repeated[names[c]] > 1]   # only colliding names grow
                if not todo:
                    break
    return unique_names(names)


def _members_by_weight(c: int, labels: np.ndarray, weights: np.ndarray, texts: Sequence[str]) -> list[str]:
    idx = np.flatnonzero(labels == c)
    w = np.asarray(weights, np.float64)[idx]
    return [texts[i] for i in idx[np.lexsort((idx, -w))]]     # heaviest first, then input order


def unique_names(names: list[str]) -> list[str]:
    """Suffix repeats " (2)", " (3)", ... in order (the last resort)."""
    seen: Counter = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out

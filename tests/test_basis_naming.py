"""Category naming: distinctive phrases kept; shared phrases disambiguated by c-TF-IDF words."""
from __future__ import annotations

import numpy as np

from prefbasis.basis.naming import NamingConfig, class_tfidf, name_categories


def _example():
    """Three categories whose most-used phrase is the same coarse "more detailed answer", plus one
    with its own phrase. Every description also carries the generic words "preferred response"."""
    members = {
        0: ["the preferred response shows step-by-step calculations for the estimate",
            "the preferred response explains its calculations step-by-step",
            "the preferred response gives a step-by-step estimate with calculations"],
        1: ["the preferred response paints a vivid picture of van gogh's life",
            "the preferred response tells more about van gogh and his art",
            "the preferred response gives a vivid account of van gogh"],
        2: ["the preferred response lists practical tips for remote work",
            "the preferred response offers more practical tips as a list",
            "the preferred response has a longer list of tips"],
        3: ["the preferred response is much shorter", "the preferred response is brief and to the point"],
    }
    texts, labels, phrases = [], [], []
    for c, docs in members.items():
        for d in docs:
            texts.append(d)
            labels.append(c)
            phrases.append({"more concise answer": 2} if c == 3 else {"more detailed answer": 2, f"minor {c}": 1})
    texts.append("an unassigned description about calculations")
    labels.append(-1)
    phrases.append({"more detailed answer": 50})
    medoids = [members[c][0] for c in range(4)]
    return np.array(labels), phrases, np.ones(len(texts)), medoids, texts


def test_shared_phrase_gets_distinct_informative_qualifiers():
    labels, phrases, w, medoids, texts = _example()
    names = name_categories(labels, phrases, w, medoids, texts=texts)
    assert len(set(names)) == 4
    assert names[3] == "more concise answer"                 # distinctive phrase: kept as is
    for name in names[:3]:
        assert name.startswith("more detailed answer: ")
        assert "(" not in name and 4 <= len(name.split()) <= 6
        assert not {"preferred", "response", "detailed"} & set(name.split(": ")[1].split())
    assert set(names[0].split()) & {"calculations", "step-by-step"}
    assert names[1].endswith("van gogh")                     # words in text order, not score order
    assert "tips" in names[2].split()


def test_naming_is_deterministic_and_order_free():
    labels, phrases, w, medoids, texts = _example()
    first = name_categories(labels, phrases, w, medoids, texts=texts)
    assert name_categories(labels, phrases, w, medoids, texts=texts) == first
    perm = np.random.default_rng(0).permutation(len(texts))
    permuted = name_categories(labels[perm], [phrases[i] for i in perm], w[perm], medoids,
                               texts=[texts[i] for i in perm])
    assert permuted == first


def test_suffix_only_as_last_resort():
    labels = np.array([0, 1])
    phrases = [{"same": 1}, {"same": 1}]
    # identical member texts: no word can tell them apart, so the numeric suffix is used
    names = name_categories(labels, phrases, np.ones(2), ["a", "b"], texts=["same words here"] * 2)
    assert names[0] != names[1] and names[1].endswith("(2)")
    # without texts (old callers), suffixes disambiguate
    assert name_categories(labels, phrases, np.ones(2), ["a", "b"]) == ["same", "same (2)"]
    # no phrases: medoid words
    assert name_categories(labels, None, np.ones(2), ["one two three four five six seven", "x"],
                           config=NamingConfig(fallback_words=3)) == ["one two three…", "x"]


def test_class_tfidf_zeroes_words_common_to_every_category():
    # "response": 4 of 6 words, more than the mean words per category (3), so its BM25 idf is <= 0
    scores, vocab = class_tfidf(["response response alpha", "response response beta"], np.array([0, 1]),
                                np.ones(2), 2)
    col = {str(v): j for j, v in enumerate(vocab)}
    assert scores[0, col["alpha"]] > 0 and scores[0, col["beta"]] == 0
    assert scores[1, col["beta"]] > 0 and scores[:, col["response"]].max() == 0

"""The leakage metrics (docs/metrics.md): content leakage, topic AMI, top-3 prompt share,
effective categories, separation, flagged names — on hand-made data with known answers."""
from __future__ import annotations

import math

import numpy as np
import pytest

from prefbasis.basis.leakage import (effective_categories, leakage_report, prompt_specific_limit, separation,
                                     top3_prompt_share, word_spread)
from prefbasis.words import content_stems


def _word(i: int) -> str:
    """A made-up subject word per prompt ("topicaa", "topicba", ...)."""
    return "topic" + chr(97 + i % 26) + chr(97 + i // 26)


def _data(n_prompts: int = 40):
    """Two preferences said about every prompt, and a topic word said about one prompt only."""
    descs, prompts, contexts = [], [], []
    for p in range(n_prompts):
        subject = _word(p)
        ctx = content_stems(f"tell me about {subject} and history")
        for text in ("the preferred response is more concise", "the preferred response gives examples"):
            descs.append(text), prompts.append(f"p{p}"), contexts.append(ctx)
    descs.append("the preferred response is more detailed about topicda")
    prompts.append("p3"), contexts.append(content_stems("tell me about topicda and history"))
    return descs, prompts, contexts


def test_limit_and_spread():
    assert prompt_specific_limit(80) == 3 and prompt_specific_limit(730) == 15
    spread = word_spread(*_data()[:2])
    assert spread["concis"] == 40 and spread["topicda"] == 1


def test_content_leakage_counts_prompt_specific_words_of_the_mentions_own_context():
    descs, prompts, ctx = _data()
    labels = np.array([0, 1] * 40 + [2])
    r = leakage_report(descs, prompts, ctx, labels, ["more concise", "gives examples", "more detailed topicda"])
    assert r.content_leakage == pytest.approx(round(1 / 81, 4))
    assert r.top_content_words == [("topicda", 1)]
    assert r.flagged_names == [2]          # its name holds its own mention's content word
    # the same word outside its own context is not leakage
    other = leakage_report(descs[:-1] + ["the preferred response is more detailed about topicda"],
                           prompts[:-1] + ["p9"], ctx[:-1] + [content_stems("tell me about topicja")],
                           labels, ["a", "b", "c"])
    assert other.content_leakage == 0.0


def test_topic_ami_top3_and_effective_categories():
    prompts = [f"p{i % 10}" for i in range(200)]
    by_prompt = np.array([i % 10 for i in range(200)]) // 5          # categories = groups of prompts
    by_reason = np.array([(i // 10) % 2 for i in range(200)])         # categories independent of prompts
    ctx = [set()] * 200
    topical = leakage_report(["x"] * 200, prompts, ctx, by_prompt, ["a", "b"])
    preference = leakage_report(["x"] * 200, prompts, ctx, by_reason, ["a", "b"])
    # two categories of five prompts each: AMI = ln 2 / mean(ln 10, ln 2) ≈ 0.46; independent: ≈ 0
    assert topical.topic_leakage_ami > 0.4 and abs(preference.topic_leakage_ami) < 0.05
    assert top3_prompt_share(by_prompt, prompts, 2) == [0.6, 0.6]
    assert effective_categories(np.array([0, 0, 1, 1, -1]), 3) == pytest.approx(2.0)
    assert effective_categories(np.array([0, 0, 0, 0]), 3) == pytest.approx(1.0)
    assert effective_categories(np.arange(21), 21) == pytest.approx(21.0)
    p = np.array([0.5, 0.25, 0.25])
    assert effective_categories(np.array([0, 0, 1, 2]), 3) == pytest.approx(math.exp(-(p * np.log(p)).sum()))


def test_separation_sees_labels_before_prompts():
    rng = np.random.default_rng(0)
    labels = [f"l{i % 3}" for i in range(300)]
    prompts = [f"p{(i // 3) % 50}" for i in range(300)]
    centres = rng.normal(size=(3, 16))
    x = np.stack([centres[i % 3] + 0.1 * rng.normal(size=16) for i in range(300)])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    same, diff = separation(x, labels, prompts, seed=0)
    assert same > 0.9 and diff < same
    assert separation(x, labels, prompts, seed=0) == (same, diff)     # seeded

"""Calibrating tau: cosine of paraphrase pairs vs unrelated pairs of preference descriptions.

Two description styles, two calibrations of the same 40 sentences:
- *free* ("The response is more concise …"), as an LLM or the simulator writes them: τ 0.62;
- *canonical* ("The preferred response is more concise."), the description stage's statements,
  whose shared frame is not embedded (`prefbasis.embed.embedding_input`): τ 0.41.
`PreferenceBasis(tau="auto")` takes the canonical τ when most descriptions are canonical statements.

The default tau is a *false-merge* threshold: the (1 - alpha) quantile of the cosines between
descriptions of different preferences (every cross pair of the 40 calibration sentences: 760
pairs), rounded up to two decimals, alpha = `FALSE_MERGE_RATE` = 2%, so "within tau" merges at most 2% of unrelated pairs.
For all-MiniLM-L6-v2 this gives 0.62. The balanced-accuracy cut between the paraphrase and
unrelated pairs (0.49) is reported beside it; it is too loose for a coverage radius (it merges
about 10% of unrelated pairs). `calibrate_tau` recomputes both for any embedder.

Example:
    >>> import numpy as np
    >>> best_threshold(np.array([0.8, 0.7]), np.array([0.2, 0.4]))
    (0.55, 1.0)
    >>> false_merge_threshold(np.linspace(0, 1, 101), rate=0.02)
    0.99
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

PARAPHRASES: list[tuple[str, str]] = [
    ("The response is more concise and to the point.", "The answer is shorter and gets straight to the point."),
    ("The response gives a more detailed explanation.", "The answer explains things in much greater depth."),
    ("The response includes a working code example.", "The answer provides runnable sample code."),
    ("The response is more polite and respectful.", "The answer uses a courteous, respectful tone."),
    ("The response refuses the harmful request.", "The answer declines to help with the dangerous request."),
    ("The response is factually accurate.", "The answer gets the facts right."),
    ("The response follows the user's instructions exactly.", "The answer does precisely what the user asked."),
    ("The response is better organized with clear structure.", "The answer is well structured and easy to follow."),
    ("The response uses bullet points for readability.", "The answer lists the points as bullets, easier to read."),
    ("The response is more creative and original.", "The answer shows more originality and imagination."),
    ("The response shows empathy for the user's feelings.", "The answer acknowledges the user's emotions with compassion."),
    ("The response provides step-by-step instructions.", "The answer walks through the procedure one step at a time."),
    ("The response gives the correct final answer to the math problem.", "The answer solves the math problem correctly."),
    ("The response cites sources for its claims.", "The answer backs up its statements with references."),
    ("The response is written in a more engaging style.", "The answer is more lively and engaging to read."),
    ("The response avoids unnecessary jargon.", "The answer uses plain language instead of technical jargon."),
    ("The response asks a clarifying question.", "The answer asks the user to clarify what they mean."),
    ("The response stays on topic.", "The answer remains focused on the question asked."),
    ("The response is more humorous.", "The answer is funnier and more witty."),
    ("The response gives practical, actionable advice.", "The answer offers concrete tips the user can act on."),
]

UNRELATED: list[tuple[str, str]] = [
    ("The response is more concise and to the point.", "The response includes a working code example."),
    ("The response gives a more detailed explanation.", "The response refuses the harmful request."),
    ("The response is more polite and respectful.", "The response gives the correct final answer to the math problem."),
    ("The response is factually accurate.", "The response is more humorous."),
    ("The response follows the user's instructions exactly.", "The response shows empathy for the user's feelings."),
    ("The response uses bullet points for readability.", "The response cites sources for its claims."),
    ("The response is more creative and original.", "The response avoids unnecessary jargon."),
    ("The response provides step-by-step instructions.", "The response is more polite and respectful."),
    ("The response asks a clarifying question.", "The response gives a more detailed explanation."),
    ("The response stays on topic.", "The response includes a working code example."),
    ("The response is written in a more engaging style.", "The response refuses the harmful request."),
    ("The response gives practical, actionable advice.", "The response is more humorous."),
    ("The response cites sources for its claims.", "The response shows empathy for the user's feelings."),
    ("The response is better organized with clear structure.", "The response is factually accurate."),
    ("The response avoids unnecessary jargon.", "The response gives the correct final answer to the math problem."),
    ("The response is more humorous.", "The response follows the user's instructions exactly."),
    ("The response shows empathy for the user's feelings.", "The response uses bullet points for readability."),
    ("The response is more concise and to the point.", "The response is more creative and original."),
    ("The response refuses the harmful request.", "The response gives practical, actionable advice."),
    ("The response includes a working code example.", "The response asks a clarifying question."),
]


Style = str  # "free" | "canonical"
CANONICAL_FRAME = "The preferred response"


def in_style(sentence: str, style: Style) -> str:
    """A calibration sentence as written in `style` ("The answer is shorter." → "The preferred
    response is shorter." for "canonical")."""
    if style == "canonical":
        return re.sub(r"^The (?:response|answer)\b", CANONICAL_FRAME, sentence)
    return sentence


def pair_cosines(embed: Callable[[Sequence[str]], np.ndarray], pairs: list[tuple[str, str]],
                 style: Style = "free") -> np.ndarray:
    a = embed([in_style(p[0], style) for p in pairs])
    b = embed([in_style(p[1], style) for p in pairs])
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.einsum("ij,ij->i", a, b) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def best_threshold(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float]:
    """(threshold, balanced accuracy): midpoint of the widest gap among the best-accuracy cuts."""
    values = np.unique(np.concatenate([pos, neg]))
    cuts = np.concatenate([[values[0] - 1e-6], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    acc = np.array([(np.mean(pos >= c) + np.mean(neg < c)) / 2 for c in cuts])
    best = np.flatnonzero(acc >= acc.max() - 1e-12)
    # among the best cuts, the middle of the interval they span
    lo, hi = cuts[best[0]], cuts[best[-1]]
    if best[-1] - best[0] + 1 == len(best):
        lo = max(values[values < cuts[best[0]]].max(initial=lo), lo)
        hi = min(values[values > cuts[best[-1]]].min(initial=hi), hi)
    return float(round((lo + hi) / 2, 2)), float(acc.max())


FALSE_MERGE_RATE = 0.02


def false_merge_threshold(cross: np.ndarray, rate: float = FALSE_MERGE_RATE) -> float:
    """The smallest two-decimal cosine t with share(cross >= t) <= rate (the (1 - rate) quantile, rounded up)."""
    cross = np.asarray(cross, np.float64)
    grid = np.round(np.arange(-100, 102) / 100, 2)
    ok = [t for t in grid if np.mean(cross >= t) <= rate]
    return float(ok[0])


def cross_pair_cosines(embed: Callable[[Sequence[str]], np.ndarray], style: Style = "free") -> np.ndarray:
    """Cosines of every pair of calibration sentences from different paraphrase pairs (760 pairs)."""
    sents = [in_style(s, style) for pair in PARAPHRASES for s in pair]
    group = np.repeat(np.arange(len(PARAPHRASES)), 2)
    x = np.asarray(embed(sents), np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    i, j = np.triu_indices(len(sents), 1)
    keep = group[i] != group[j]
    return np.einsum("ij,ij->i", x[i[keep]], x[j[keep]])


def calibrate_tau(embed: Callable[[Sequence[str]], np.ndarray], rate: float = FALSE_MERGE_RATE,
                  style: Style = "free") -> dict:
    """The false-merge tau for this embedder and description style, with the paraphrase / unrelated
    statistics beside it. `embed` should embed what the basis embeds (the store embedder strips the
    canonical frame)."""
    pos, neg = pair_cosines(embed, PARAPHRASES, style), pair_cosines(embed, UNRELATED, style)
    cut, acc = best_threshold(pos, neg)
    cross = cross_pair_cosines(embed, style)
    tau = false_merge_threshold(cross, rate)
    return {"tau": tau, "false_merge_rate": float(np.mean(cross >= tau)), "paraphrase_recall": float(np.mean(pos >= tau)),
            "balanced_accuracy_cut": cut, "balanced_accuracy": acc, "paraphrase_mean": float(pos.mean()),
            "paraphrase_min": float(pos.min()), "unrelated_mean": float(neg.mean()),
            "unrelated_max": float(neg.max()), "cross_pairs": int(len(cross))}

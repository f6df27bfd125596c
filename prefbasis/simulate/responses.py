"""Short templated responses whose form reflects the winning reason, so DPO exports get real text.

A concise winner is one sentence while the loser rambles; a formatting winner has headings and
bullets; a working-code winner has a code block; an empathy winner opens with warmth; and so on.

Example:
    >>> import numpy as np
    >>> from prefbasis.simulate.topics import TOPICS
    >>> win, lose = response_pair(TOPICS[0], "conciseness", np.random.default_rng(0))
    >>> len(win) < len(lose)
    True
"""
from __future__ import annotations

import numpy as np

from prefbasis.simulate.topics import Topic

# Placeholders: {P} first point capitalized, {p} first point, {p2} / {p3} other points, {t} topic phrase.
WINNER_TEMPLATES: dict[str, tuple[str, ...]] = {
    "conciseness": ("{P}.", "In short: {p}."),
    "thoroughness": ("Here is a complete picture. First, {p}. Second, {p2}. Third, {p3}. Also consider the "
                     "edge cases: results vary with your exact setup, so check each step as you go.",),
    "factual_accuracy": ("{P}. This is the established, verified answer.", "To be precise: {p}."),
    "working_code": ("{P}:\n\n```python\ndef solution(items):\n    seen = set()\n    result = []\n"
                     "    for item in items:\n        if item not in seen:\n            seen.add(item)\n"
                     "            result.append(item)\n    return result\n```\n\nTested: it runs as is.",),
    "creativity": ("Here's an unusual idea: {p}, but give it a twist nobody expects, like turning it into a "
                   "small game.",),
    "humor": ("{P}. (And if that fails, at least you'll have a great story for your friends!)",
              "Good news: {p}. Bad news: nobody will believe how easy it was."),
    "empathy": ("I'm sorry you're dealing with this; it sounds really hard. {P}. Be kind to yourself.",
                "That sounds stressful, and your feelings make sense. {P}."),
    "formatting": ("## Answer\n\n- **Main point:** {p}\n- **Also:** {p2}\n- **Finally:** {p3}",),
    "safety": ("I can't help with anything unsafe, but here is the safe approach: {p}. If in doubt, "
               "ask a qualified professional.",),
    "instruction_following": ("As requested, in three sentences. {P}. {P2}. That is all.",),
    "clarity": ("Put simply: {p}. Think of it like this: one small step at a time.",),
    "examples": ("{P}. For example, someone asking about {t} usually starts exactly this way; another "
                 "example: {p2}.",),
    "step_by_step": ("Step 1: {p}.\nStep 2: {p2}.\nStep 3: check the result before moving on.",),
    "citations": ("{P} (see the official documentation and a peer-reviewed review article on {t}).",),
    "neutrality": ("There are different views. Some argue that {p}; others point out that {p2}. Both "
                   "positions have merit.",),
    "directness": ("Yes. {P}.", "The answer: {p}."),
    "storytelling": ("Once upon a time, a traveller asked about {t}. The old guide smiled: '{p}.' And so "
                     "the journey began.",),
    "math_correctness": ("{P}. Checking the arithmetic again confirms the result.",),
    "up_to_date": ("As of this year, {p}; the most recent updates confirm it.",),
    "personalization": ("Given what you told me about your situation, {p}; in your case also {p2}.",),
    "fluency": ("{P}. Furthermore, {p2}, which rounds out the answer.",),
}

LOSER_TEMPLATES: tuple[str, ...] = (
    "{P}. {P2}. That said, it really depends on your situation and there are many other factors.",
    "Well, there are a lot of things to say about {t}. {P2}. Maybe {p}, but it is hard to say in general.",
    "{P2}. You could also look into it more. It depends.",
)
# Losers that must differ in the winner's dimension (otherwise the generic loser is used).
LOSER_OVERRIDES: dict[str, tuple[str, ...]] = {
    "thoroughness": ("{P}.",),
    "fluency": ("{p} and also {p2} , its depend on the thing you doing",),
    "safety": ("Sure, just do it without any precautions; {p2}.",),
    "formatting": ("{p} and {p2} and also {p3} which is all in one long paragraph without any structure.",),
}


def _fill(template: str, topic: Topic, picks: list[int]) -> str:
    pts = [topic.points[i % len(topic.points)] for i in picks]
    cap = [p[:1].upper() + p[1:] for p in pts]
    return template.format(P=cap[0], p=pts[0], P2=cap[1], p2=pts[1], p3=pts[2], t=topic.phrases[0])


def response_pair(topic: Topic, category: str, rng: np.random.Generator) -> tuple[str, str]:
    """(winner text, loser text) for a comparison on `topic` won for reason `category`."""
    picks = [int(i) for i in rng.permutation(len(topic.points))[:3]]
    wins = WINNER_TEMPLATES.get(category, ("{P}.",))
    loses = LOSER_OVERRIDES.get(category, LOSER_TEMPLATES)
    winner = _fill(wins[int(rng.integers(len(wins)))], topic, picks)
    loser = _fill(loses[int(rng.integers(len(loses)))], topic, picks[1:] + picks[:1])
    return winner, loser

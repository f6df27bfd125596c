"""The `rationale` annotator: preferences from the free-text rationale that came with the data
(a rater's justification or an LLM judge's explanation), without any LLM.

Each rationale goes through the description stage (`prefbasis.annotate.describe`): read the
judge's reference style and verdict, keep the claims that set the winner apart, and write each as
a short, content-free statement ("The preferred response is more concise.") with the sentence it
came from as its evidence. The winner's position is the stored `winner`, seen through
`presented_order` when the judge saw the pair swapped. Which words count as subject matter is
learned from every rationale of the datasets annotated (`prepare`), so a comparison's statements
do not depend on which other comparisons a run selects. The topic is a short phrase built from the
prompt's content words.

Example:
    >>> from prefbasis.annotate.base import Comparison, AnnotationRequest
    >>> c = Comparison("c1", "How can I improve my time management skills?", "x", "y", "a",
    ...     "Both Assistant 1 and Assistant 2 were helpful. Assistant 1 gave more concrete examples "
    ...     "than Assistant 2.\\nAssistant 1: 9/10\\nAssistant 2: 7/10\\n1")
    >>> out = RationaleAnnotator().annotate_one(AnnotationRequest(c, "k", False)).parsed
    >>> out["topic"], out["preferences"][0]["preference"]
    ('improve time management skills', 'more concrete examples')
    >>> out["preferences"][0]["description"]
    'The preferred response gives more concrete examples.'
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest, BaseAnnotator, Comparison
from prefbasis.annotate.describe import EvaluativeVocabulary, describe_rationale, winner_position

DESCRIBER_VERSION = "describe-v6"

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


class RationaleAnnotator(BaseAnnotator):
    """No-LLM backend over `comparisons.rationale` (needs no prompt/response text, costs nothing)."""

    name = "rationale"
    model = "rationale-describe-v2"
    uses_llm = False
    batch_size = 256
    max_preferences = 3

    def __init__(self, vocabulary: EvaluativeVocabulary | None = None) -> None:
        self.vocabulary = vocabulary or EvaluativeVocabulary()

    def prepare(self, corpus: Sequence[Comparison]) -> None:
        """Learn which words are evaluative from every rationale of the datasets annotated."""
        with_text = [c for c in corpus if c.rationale]
        self.vocabulary = EvaluativeVocabulary().fit(
            [c.rationale for c in with_text], [c.prompt or c.comparison_id for c in with_text],
            [" ".join(t for t in (c.prompt, c.response_a, c.response_b) if t) for c in with_text])

    def params(self) -> dict[str, Any]:
        return {"max_preferences": self.max_preferences, "describer": DESCRIBER_VERSION,
                "vocabulary": self.vocabulary.fingerprint()}

    def annotate_one(self, request: AnnotationRequest) -> AnnotationOutcome:
        c = request.comparison
        position = winner_position(c.winner, c.presented_order)
        result = describe_rationale(c.rationale, position, (c.prompt, c.response_a, c.response_b),
                                    self.vocabulary, limit=self.max_preferences)
        if result.failure:
            reason = result.failure + (f": {result.detail}" if result.detail else "")
            return AnnotationOutcome(request, raw=c.rationale or "", invalid=reason)
        return AnnotationOutcome(request, raw=None,
                                 parsed={"topic": derive_topic(c.prompt), "preferences": result.preferences})

"""Which words of a claim are *evaluative* (kept) and which are *subject matter* (masked).

A word of a claim is subject matter when it also occurs in the comparison's own prompt or responses
and is not evaluative. A word is evaluative when either
- it is in `SEED_WORDS`, a small vocabulary of how answers are judged (quality, form, instruction
  following, correctness, tone), used when there is too little data to tell; or
- judges bring it themselves, about many different prompts: its *free spread* (the number of
  distinct prompts whose rationales use it while their prompt and responses do not) exceeds
  `max_prompts` (the limit of the content-leakage metric, see
  `prefbasis.basis.leakage.prompt_specific_limit`). "detailed", "instruction", "concise" recur
  across prompts that never say them; "aqueducts", "gogh" or "digits" are used only about prompts
  (or answers) that contain them, however many such prompts a dataset has.

`EvaluativeVocabulary.fit` learns the spreads from the rationales of a whole dataset, so a
comparison's description does not depend on which other comparisons a run selects.

Example:
    >>> v = EvaluativeVocabulary().fit(["Assistant 1 is vivid about the Roman aqueducts."] * 2 +
    ...     ["Assistant 2 is vivid about tax law."] * 2, ["p1", "p2", "p3", "p4"],
    ...     contexts=["Roman aqueducts?", "The aqueducts of Rome", "Tax law?", "Tax law in France"],
    ...     max_prompts=1)
    >>> v.is_evaluative(root("vivid")), v.is_evaluative(root("aqueducts")), v.is_evaluative(root("detailed"))
    (True, False, True)
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from prefbasis.hashing import content_hash
from prefbasis.words import content_stems, content_stems_of, root

# How answers are judged, not what they are about (roots, see prefbasis.words.root).
SEED_WORDS = frozenset(root(w) for w in """
accurate accuracy inaccurate correct correctly incorrect incorrectly wrong error mistake factual fact true
false precise precisely imprecise exact exactly valid invalid reliable misleading hallucinate
detail detailed thorough comprehensive complete incomplete depth in-depth elaborate extensive brief
concise succinct short shorter long longer lengthy verbose wordy redundant repetitive repeat unnecessary
clear clearly clarity unclear vague ambiguous confusing understand understandable readable easy simple
simpler organized organised structured structure format formatted formatting coherent logical flow
relevant relevance irrelevant focus focused topic tangent direct directly straightforward
helpful unhelpful useful practical actionable informative insightful valuable
example examples specific specifics concrete general generic overview summary explanation explain
explains reasoning reason step steps calculation calculate justification evidence source citation
instruction instructions instructed request requested requirement requirements constraint task
question query prompt ask asked user follow follows followed adhere adheres comply satisfy satisfies
fulfil fulfill fulfills meet meets execute executes executed address addresses answer answers
creative creativity original engaging interesting vivid imaginative humor humorous funny tone
polite respectful friendly professional empathetic empathy formal informal style
safe safety harmful harm ethical unethical appropriate inappropriate refuse refuses refusal decline
honest uncertainty admit admits acknowledge acknowledges assumption assumptions caveat caveats
code comment comments function output response responses answer language grammar spelling
fluent fluency natural natural-sounding well-written quality better worse best improve improved
mention mentions include includes included missing lack lacks omit omits provide provides offer
list bullet bullets table paragraph sentence sentences word words length
""".split())


MIN_PROMPTS = 50    # below this many distinct prompts the spreads say little: the seed words decide
LEARN_FACTOR = 2    # a word is learned as evaluative when its free spread exceeds twice `max_prompts`


@dataclass
class EvaluativeVocabulary:
    """Word spreads over a corpus of rationales; `is_evaluative(root)` per the module rule."""

    spread_: dict[str, int] = field(default_factory=dict)
    n_prompts_: int = 0
    max_prompts_: int = 3

    def fit(self, rationales: Sequence[str | None], prompt_ids: Sequence[str],
            contexts: Sequence[str | Sequence[str | None] | None] | None = None,
            max_prompts: int | None = None) -> "EvaluativeVocabulary":
        """Learn each stem's free spread: the distinct prompts whose rationales use it while their
        `contexts` (prompt and responses: one text, or a tuple of texts, per rationale) do not.
        A tuple's parts are stemmed one by one, so a prompt or response that recurs across
        comparisons is read once."""
        from prefbasis.basis.leakage import prompt_specific_limit

        seen: dict[str, set] = defaultdict(set)
        for i, (text, pid) in enumerate(zip(rationales, prompt_ids)):
            own = content_stems_of(contexts[i]) if contexts is not None else set()
            for s in content_stems(text) - own:
                seen[s].add(pid)
        self.spread_ = {s: len(p) for s, p in seen.items()}
        self.n_prompts_ = len(set(prompt_ids))
        self.max_prompts_ = max_prompts if max_prompts is not None else prompt_specific_limit(self.n_prompts_)
        return self

    def is_evaluative(self, word_stem: str) -> bool:
        if self.n_prompts_ < MIN_PROMPTS and word_stem in SEED_WORDS:
            return True
        return self.spread_.get(word_stem, 0) > LEARN_FACTOR * self.max_prompts_

    def fingerprint(self) -> str:
        """A hash of what the vocabulary decides (enters the annotate cache key)."""
        learned = sorted(s for s, n in self.spread_.items() if n > self.max_prompts_ and s not in SEED_WORDS)
        return content_hash("evaluative-vocabulary", self.max_prompts_, sorted(SEED_WORDS), learned)




def masked_stems(prompt: str | None, responses: Iterable[str | None],
                 vocabulary: EvaluativeVocabulary) -> tuple[set[str], set[str]]:
    """(stems of the prompt, stems only in the responses) that a description must not carry."""
    from_prompt = {s for s in content_stems(prompt) if not vocabulary.is_evaluative(s)}
    from_responses = content_stems_of(tuple(responses))
    return from_prompt, {s for s in from_responses - from_prompt if not vocabulary.is_evaluative(s)}

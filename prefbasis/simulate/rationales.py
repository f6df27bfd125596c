"""Simulated judges write their reasons the way real judges do: in their own reference style, with a
verdict, sometimes seeing the pair swapped, sometimes naming the prompt's subject.

- **Reference styles** (one per judge): "Assistant 1/2", "Response A/B", "Output (a)/(b)",
  "Answer 1/2", "Model A/B", "the first/second response".
- **Verdicts** (one form per judge): "Therefore, X is better.", "[[A]]", "My final verdict is X.",
  a first line of two scores ("8 6"), or none.
- **Presentation order**: a share `swap_share` of comparisons is judged with response_b shown
  first (`presented_order` 'b_first'); the rationale then names positions as the judge saw them.
- **Subject mentions**: a share `subject_share` of stated reasons name the prompt's subject
  ("It is brief and concise about the python loop."), as LLM judges and annotators often do.
- A rubric echo ("Both responses address the question.") opens some rationales.

Example:
    >>> import numpy as np
    >>> style = judge_style(2)
    >>> write_rationale(["It is brief and concise."], winner_position=2, style=style,
    ...                 rng=np.random.default_rng(0), echo=False)
    'Output (b) is brief and concise. My final verdict is Output (b).'
    >>> with_subject("It is brief and concise.", "the python loop", 0)
    'It is brief and concise about the python loop.'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

REFERENCE_STYLES: tuple[tuple[str, str], ...] = (
    ("Assistant 1", "Assistant 2"), ("Response A", "Response B"), ("Output (a)", "Output (b)"),
    ("Answer 1", "Answer 2"), ("Model A", "Model B"), ("the first response", "the second response"),
)
VERDICT_FORMS: tuple[str, ...] = ("therefore", "brackets", "final", "scores", "none")
SUBJECT_FORMS: tuple[str, ...] = (" about {s}", " when it comes to {s}", " on {s}", ", especially regarding {s}")
ECHOES: tuple[str, ...] = ("Both responses address the question.", "Both answers are relevant to the prompt.",
                           "Each response attempts the task.")
_STOP = set("""a an the of to in on for and or with about from by as at is are was were be do does did can could
would should will i me my we our you your it its this that what which who how why when where there please
tell explain describe write give list make find help some any all most more very much many such into than
then if just like good best way ways better bad worse quick simple little every per keep start take need fix
get make plan pack write read""".split())


@dataclass(frozen=True)
class JudgeStyle:
    """How one simulated judge writes: its names for the two responses and its verdict form."""

    names: tuple[str, str]
    verdict: str


def judge_style(judge_index: int) -> JudgeStyle:
    """The style of judge `judge_index` (cycles through every reference style and verdict form)."""
    names = REFERENCE_STYLES[judge_index % len(REFERENCE_STYLES)]
    verdict = VERDICT_FORMS[judge_index % len(VERDICT_FORMS)]   # 6 styles x 5 forms: every pair in 30 judges
    return JudgeStyle(names, verdict)


@lru_cache(maxsize=100_000)  # a dataset's prompts recur across its comparisons
def prompt_subject(prompt: str) -> str:
    """The prompt's subject as a short phrase: its first two or three content words.

    Example:
        >>> prompt_subject("How do I make a simple tomato pasta sauce?")
        'the tomato pasta sauce'
    """
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", prompt)
             if w.lower() not in _STOP and len(w) > 2 and _noun_like(w.lower())]
    return "the " + " ".join(words[:3]) if words else "this topic"


@lru_cache(maxsize=100_000)  # a simulated dataset repeats its prompts' words thousands of times
def _noun_like(word: str) -> bool:
    """A noun, proper noun or adjective to lemminflect (an unknown word is taken as a name)."""
    from lemminflect import getAllLemmas

    pos = set(getAllLemmas(word)) or {"NOUN"}
    return bool(pos & {"NOUN", "PROPN", "ADJ"}) and not word.endswith("ly")


def with_subject(description: str, subject: str, form: int) -> str:
    """`description` naming `subject` ("It is brief." → "It is brief about the python loop.")."""
    text = description.rstrip(".")
    return text + SUBJECT_FORMS[form % len(SUBJECT_FORMS)].format(s=subject) + "."


def about_winner(description: str, winner: str) -> str:
    """A stated reason as a sentence about the winner: its first "It"/"it"/"the winner" names it."""
    sentence, n = re.subn(r"^It\b", winner, description, count=1)
    if not n:
        sentence = re.sub(r"\b(?:it|the winner)\b", winner, description, count=1)
    sentence = sentence[0].upper() + sentence[1:]
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def _verdict(style: JudgeStyle, winner_position: int, rng: np.random.Generator) -> tuple[str, str]:
    """(first line, last line) that state the verdict in the judge's form."""
    name = style.names[winner_position - 1]
    if style.verdict == "therefore":
        return "", f"Therefore, {name} is better."
    if style.verdict == "brackets":
        return "", "[[A]]" if winner_position == 1 else "[[B]]"
    if style.verdict == "final":
        return "", f"My final verdict is {name}."
    if style.verdict == "scores":
        high, low = int(rng.integers(7, 10)), int(rng.integers(3, 7))
        return (f"{high} {low}" if winner_position == 1 else f"{low} {high}"), ""
    return "", ""


def write_rationale(reasons: list[str], winner_position: int, style: JudgeStyle, rng: np.random.Generator,
                    echo: bool) -> str:
    """The judge's rationale: an optional rubric echo, one sentence per stated reason, the verdict."""
    name = style.names[winner_position - 1]
    sentences = [about_winner(r, name) for r in reasons]
    first, last = _verdict(style, winner_position, rng)
    body = " ".join(([ECHOES[int(rng.integers(len(ECHOES)))]] if echo else []) + sentences + ([last] if last else []))
    return f"{first}\n{body}" if first else body

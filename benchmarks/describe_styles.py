"""How the description stage reads nineteen ways people write a reason for one of two answers.

Usage: .venv/bin/python benchmarks/describe_styles.py
Prints a markdown table: each rationale (the stored winner in brackets), then the statements the
rationale backend writes for it, or why it writes none. Two rows must stay without a reason:
"Train A … Train B" names things of the task, not the responses, and "… way better than …" is a
verdict without one; the last three must fail as `verdict contradicts winner` (the judge chose the
other response). Run with PYTHONPATH=<an older checkout> to compare versions.
"""
from __future__ import annotations

from prefbasis.annotate.describe import describe_rationale

CONTEXT = ("Translate the sentence into French.", "x", "y")
# (rationale, the stored winner's position as the judge saw it)
CASES = [
    ("Text A is more fluent than Text B. Text B has grammatical errors.", 1),
    ("Translation 1 is more fluent and accurate, while Translation 2 misses the tense.", 1),
    ("Version A is concise; Version B rambles.", 1),
    ("Solution 1 handles the edge cases, whereas Solution 2 crashes on empty input.", 1),
    ("Story A has a vivid plot; Story B is flat.", 1),
    ("A is more concise than B.", 1), ("B rambles; A gets to the point.", 1), ("A lacks detail, B explains each step.", 2),
    ("Response 1 is better because it is concise.", 1), ("Response 1 is shorter than Response 2.", 1),
    ("Response A is much better and more concise.", 1),
    ("Response B is accurate, while the other is vague and lacks examples.", 2),
    ("Response A gives a worked example, Response B does not.", 1),
    ("Output (b) more closely follows the instruction.", 2),
    ("Train A is faster than Train B.", 1), ("Response A is way better than Response B.", 1),
    # the stored winner (1) is not the judge's: each must come out `verdict contradicts winner`
    ("Response B cites sources; Response A does not.\nFinal verdict: B", 1),
    ("Feedback: Response B cites sources, while Response A does not. [RESULT] B", 1),
    ('{"reasoning": "Response B cites sources; Response A does not.", "winner": "model_b"}', 1),
]


def main() -> None:
    print("| rationale [winner] | statements, or failure |")
    print("|---|---|")
    for text, winner in CASES:
        r = describe_rationale(text, winner, CONTEXT)
        said = "; ".join(p["description"].replace("The preferred response ", "…") for p in r.preferences)
        shown = text.replace("\n", " ⏎ ")
        print(f"| {shown} [{winner}] | {r.failure or said} |")


if __name__ == "__main__":
    main()

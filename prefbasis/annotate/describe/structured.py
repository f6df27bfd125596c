"""A judge's structured answer (a JSON object) as the plain text the description stage reads.

Judges run with structured outputs return e.g. `{"reasoning": "...", "winner": "B"}`. The object's
reason fields (`REASON_KEYS`, in the order they appear) become the text, and its verdict field
(`VERDICT_KEYS`: a label "A"/"B"/"1"/"2", "model_a", "Response B", "tie") becomes a final
bracketed verdict "[[B]]" ("[[C]]" for a tie), which `verdict.find_verdict` reads first. Keys are
matched case-insensitively, one level deep; anything else (scores, confidences) is left out.

Example:
    >>> as_text('{"reasoning": "Response A cites sources.", "winner": "model_b"}')
    'Response A cites sources.\\n[[B]]'
    >>> as_text("Response A cites sources.") is None
    True
"""
from __future__ import annotations

import json
import re

REASON_KEYS = ("explanation", "reasoning", "rationale", "reason", "reasons", "feedback", "analysis",
               "justification", "comment", "comments", "critique", "evaluation", "thoughts", "thought")
# not "answer" or "result": in a judge's object they may be the task's own answer ("answer": "2")
VERDICT_KEYS = ("winner", "verdict", "preferred", "preference", "choice", "better", "better_response",
                "preferred_response", "decision", "final_verdict", "final_decision")
_LABEL = re.compile(r"^\s*(?:(?:response|output|assistant|answer|model|candidate)[\s_-]*)?\(?([12ab])\)?\s*$", re.I)
_TIE = re.compile(r"^\s*(?:tie|draw|equal|both|neither|c)\s*$", re.I)


def as_text(rationale: str) -> str | None:
    """The text of a JSON-object rationale (see the module docstring), or None when it is not one."""
    text = rationale.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    fields = {str(k).lower(): v for k, v in obj.items()}
    reasons = [_flat(fields[k]) for k in fields if k in REASON_KEYS]
    out = "\n".join(r for r in reasons if r)
    verdict = next(filter(None, (_verdict(fields[k]) for k in VERDICT_KEYS if k in fields)), None)
    if verdict:
        out += ("\n" if out else "") + f"[[{verdict}]]"
    return out or None


def _flat(value: object) -> str:
    """A reason field's text: a string, or the strings of a list, one per line."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "\n".join(v.strip() for v in value if isinstance(v, str) and v.strip())
    return ""


def _verdict(value: object) -> str | None:
    """"A"/"B" for a verdict value naming a side ("b", "Response 2", "model_a", 1), "C" for a tie."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    value = str(value)
    m = _LABEL.match(value)
    if m:
        return {"1": "A", "a": "A", "2": "B", "b": "B"}[m.group(1).lower()]
    return "C" if _TIE.match(value) else None

"""The annotation JSON schema, its validation, and local repair of near-JSON model output.

Example:
    >>> parse_annotation('```json\\n{"topic": "cooking tips", "preferences": '
    ...                  '[{"preference": "more detail", "description": "It gives steps."}]}\\n```')
    {'topic': 'cooking tips', 'preferences': [{'preference': 'more detail', 'description': 'It gives steps.'}]}
"""
from __future__ import annotations

import json
import re
from typing import Any

MAX_PREFERENCES = 3
MAX_WORDS_SHORT = 8   # the template asks for 2-6 words; a little slack before calling it wrong
MAX_DESCRIPTION_CHARS = 400
MAX_EVIDENCE_CHARS = 1000  # the source sentence a description came from (kept, never sent to a model)

JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["topic", "preferences"],
    "properties": {
        "topic": {"type": "string", "description": "2-6 words"},
        "preferences": {
            "type": "array", "minItems": 1, "maxItems": MAX_PREFERENCES,
            "items": {
                "type": "object", "additionalProperties": False,
                "required": ["preference", "description"],
                "properties": {
                    "preference": {"type": "string", "description": "2-6 words"},
                    "description": {"type": "string", "description": "one sentence"},
                },
            },
        },
    },
}


class SchemaError(ValueError):
    """Output that is not a valid annotation (message says why)."""


def _extract_json_text(raw: str) -> str:
    text = raw.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)(?:```|$)", text, re.S)
    if fence:
        text = fence.group(1).strip()
    start = text.find("{")
    if start < 0:
        raise SchemaError("no JSON object in the output")
    return text[start:]


def _close_truncated(text: str) -> str:
    """Close strings, arrays and objects left open by a truncated output."""
    stack, in_str, esc = [], False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]" and stack:
            stack.pop()
    out = text + ('"' if in_str else "")
    out = re.sub(r",\s*$", "", out)
    return out + "".join(reversed(stack))


def loads_lenient(raw: str) -> Any:
    """JSON from model text: code fences, leading chatter, trailing text and truncation tolerated."""
    text = _extract_json_text(raw)
    try:
        obj, _ = json.JSONDecoder().raw_decode(text)
        return obj
    except json.JSONDecodeError:
        pass
    try:
        return json.loads(_close_truncated(text))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"malformed JSON: {exc.msg} at char {exc.pos}") from None


def _short(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SchemaError(f"{field} must be a non-empty string")
    words = value.split()
    if len(words) > MAX_WORDS_SHORT:
        raise SchemaError(f"{field} has {len(words)} words (2-6 expected): {value[:60]!r}")
    return " ".join(words)


def validate_annotation(obj: Any) -> dict[str, Any]:
    """Check and normalize an annotation dict; raise SchemaError saying what is wrong."""
    if not isinstance(obj, dict):
        raise SchemaError(f"expected a JSON object, got {type(obj).__name__}")
    prefs = obj.get("preferences")
    if not isinstance(prefs, list) or not prefs:
        raise SchemaError("'preferences' must be a non-empty list")
    if len(prefs) > MAX_PREFERENCES:
        raise SchemaError(f"'preferences' has {len(prefs)} items (at most {MAX_PREFERENCES})")
    out = []
    for i, p in enumerate(prefs):
        if not isinstance(p, dict):
            raise SchemaError(f"preferences[{i}] must be an object")
        desc = p.get("description")
        if not isinstance(desc, str) or not desc.strip():
            raise SchemaError(f"preferences[{i}].description must be a non-empty string")
        desc = " ".join(desc.split())
        if len(desc) > MAX_DESCRIPTION_CHARS:
            raise SchemaError(f"preferences[{i}].description is longer than {MAX_DESCRIPTION_CHARS} chars")
        item = {"preference": _short(p.get("preference"), f"preferences[{i}].preference"), "description": desc}
        evidence = p.get("evidence")
        if isinstance(evidence, str) and evidence.strip():
            item["evidence"] = " ".join(evidence.split())[:MAX_EVIDENCE_CHARS]
        out.append(item)
    return {"topic": _short(obj.get("topic"), "topic"), "preferences": out}


def parse_annotation(raw: str) -> dict[str, Any]:
    """Lenient JSON parse then strict validation (raises SchemaError)."""
    return validate_annotation(loads_lenient(raw))

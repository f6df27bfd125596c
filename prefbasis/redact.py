"""Keep secrets out of what prefbasis stores, logs and prints.

A server may echo the API key in an error body (a 401 that repeats the header, a proxy's 500
page) and a model may repeat it in its answer. `redact` replaces the key's value and every
`Bearer <token>` with `[REDACTED]`; `Redactor` holds the values of the environment variables
that carry keys and applies them to text and to nested answers (dicts and lists of text).
Redact the whole text before cutting it short: a cut key would no longer match.

Example:
    >>> redact('{"error": "bad key sk-123456789 (Authorization: Bearer sk-123456789)"}', ["sk-123456789"])
    '{"error": "bad key [REDACTED] (Authorization: Bearer [REDACTED])"}'
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

REDACTED = "[REDACTED]"
_BEARER = re.compile(r"(?i)\b(bearer)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]+")
_HAS_BEARER = re.compile(r"(?i)bearer").search  # the cheap test before the full pattern
_MIN_SECRET = 4  # shorter values (a placeholder like "x") would redact ordinary text


def redact(text: str | None, secrets: Iterable[str] = ()) -> str | None:
    """`text` with each secret value and every `Bearer <token>` replaced by `[REDACTED]`."""
    return _redacted(text, _longest_first(secrets))


def _longest_first(secrets: Iterable[str]) -> list[str]:
    """The secrets worth redacting, longest first (a key that contains another is replaced whole)."""
    return sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len, reverse=True)


def _redacted(text: str | None, longest_first: list[str]) -> str | None:
    if not text:
        return text
    for secret in longest_first:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _BEARER.sub(_redact_bearer, text) if _HAS_BEARER(text) else text


@dataclass
class Redactor:
    """Redacts the values of the environment variables named in `env_vars` (read when built)."""

    env_vars: tuple[str, ...] = ()
    secrets: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.secrets = [v for v in (os.environ.get(n) for n in self.env_vars if n) if v] + list(self.secrets)
        self._longest_first = _longest_first(self.secrets)

    def text(self, value: str | None) -> str | None:
        """`redact(value, self.secrets)`, the secrets sorted once (this runs on every stored string)."""
        return _redacted(value, self._longest_first)

    def value(self, value: Any) -> Any:
        """Every string inside `value` (dicts, lists) redacted; other values unchanged."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def _redact_bearer(m: re.Match) -> str:
    return f"{m.group(1)} {REDACTED}"

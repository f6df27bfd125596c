"""Content hashes used as stable ids (comparison_id, cache keys, basis fingerprints).

Example:
    >>> content_hash("a", None, 1) == content_hash("a", None, 1)
    True
    >>> len(content_hash("a"))
    32
"""
from __future__ import annotations

import hashlib
import json
from typing import Any


def content_hash(*parts: Any) -> str:
    """Hex digest (128 bits of SHA-256) of the parts, serialized unambiguously as JSON."""
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

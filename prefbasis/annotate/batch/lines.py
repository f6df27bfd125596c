"""Batch request and result lines (JSONL), in the OpenAI Batch API format that `vllm run-batch` reads
and writes too.

A request line: ``{"custom_id": <cache key>, "method": "POST", "url": "/v1/chat/completions",
"body": <the chat-completions body the online backend sends>}``. A result line: ``{"id": ...,
"custom_id": ..., "response": {"status_code": 200, "request_id": ..., "body": <chat completion>},
"error": null}``; failed requests have a non-200 `status_code` and/or an `error` (a string from
vLLM, an object from OpenAI).

Example:
    >>> r = parse_result_line('{"id": "x", "custom_id": "k", "error": null, "response": {"status_code": 200, '
    ...     '"request_id": "r", "body": {"choices": [{"message": {"content": "{}"}}], '
    ...     '"usage": {"prompt_tokens": 9, "completion_tokens": 2}}}}', "out.jsonl", 1)
    >>> r.custom_id, r.content, r.tokens_in, r.error
    ('k', '{}', 9, None)
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from prefbasis.annotate.batch.client import ENDPOINT
from prefbasis.errors import InputError


def request_line(custom_id: str, body: dict[str, Any]) -> str:
    """One request line of the batch input file."""
    return json.dumps({"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body},
                      ensure_ascii=False, separators=(",", ":"))


@dataclass
class ResultLine:
    """What one result line says: the completion text and usage, or why it failed."""

    custom_id: str
    content: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    error: str | None = None
    row: int = 0  # 1-based line number in its file


def _error_text(error: Any, status: Any) -> str:
    if isinstance(error, dict):  # OpenAI: {"code", "message"}; vLLM ErrorResponse: {"error": {...}} or flat
        inner = error["error"] if isinstance(error.get("error"), dict) else error
        text = ": ".join(str(p) for p in (inner.get("code") or inner.get("type"), inner.get("message")) if p)
        text = text or json.dumps(error)
    else:
        text = str(error)
    return f"batch request failed{f' (HTTP {status})' if status else ''}: {text}"


def parse_result_line(text: str, file: str, row: int) -> ResultLine:
    """Parse one line of a results file; InputError names the file, row and field that is wrong."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg})", file=file, row=row) from None
    if not isinstance(obj, dict):
        raise InputError("a result line must be a JSON object", file=file, row=row)
    cid = obj.get("custom_id")
    if not isinstance(cid, str) or not cid:
        raise InputError("missing or empty custom_id", file=file, row=row, field="custom_id")
    response, error = obj.get("response"), obj.get("error")
    if response is not None and not isinstance(response, dict):
        raise InputError("response must be an object or null", file=file, row=row, field="response")
    status = (response or {}).get("status_code")
    body = (response or {}).get("body")
    if error or response is None or status not in (None, 200):
        body_error = body.get("error") if isinstance(body, dict) else None
        return ResultLine(cid, error=_error_text(error or body_error or "no response", status), row=row)
    try:
        content = body["choices"][0]["message"].get("content") or ""
    except (TypeError, KeyError, IndexError, AttributeError):
        raise InputError("response.body has no choices[0].message", file=file, row=row,
                         field="response.body") from None
    usage = body.get("usage") or {}
    return ResultLine(cid, content=content, tokens_in=int(usage.get("prompt_tokens") or 0),
                      tokens_out=int(usage.get("completion_tokens") or 0), row=row)


def parse_results(data: bytes | str, file: str) -> list[ResultLine]:
    """Every non-empty line of a results file (all parsed before anything is stored)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return [parse_result_line(line, file, i) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]

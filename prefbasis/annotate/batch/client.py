"""A small synchronous client for the OpenAI Files and Batches endpoints (upload, create, poll,
list, download), with the online backend's retry policy for 429 / 5xx / timeouts.

The API key is read from the environment variable `api_key_env`, sent as a header, and never
stored, logged or put into an error message.

Example:
    >>> client = BatchClient("http://127.0.0.1:8000/v1")  # doctest: +SKIP
    >>> file_id = client.upload(b'{"custom_id": "k1", ...}\\n', "requests.jsonl")  # doctest: +SKIP
    >>> client.create(file_id, {"prefbasis_submission": "s1"})["status"]  # doctest: +SKIP
    'validating'
"""
from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from typing import Any

from prefbasis.annotate.backends.openai import RETRY_STATUS, retry_after_seconds
from prefbasis.errors import PrefbasisError

ENDPOINT = "/v1/chat/completions"
TERMINAL = {"completed", "failed", "expired", "cancelled"}


class BatchAPIError(PrefbasisError):
    """The Batch API refused a request or stayed unreachable after the retries."""


class BatchClient:
    """Files + Batches on an OpenAI-compatible base URL (".../v1")."""

    def __init__(self, base_url: str, api_key_env: str = "OPENAI_API_KEY", *, timeout_s: float = 60.0,
                 max_retries: int = 5, backoff_base_s: float = 0.5, backoff_max_s: float = 30.0,
                 seed: int = 0) -> None:
        import httpx

        key = os.environ.get(api_key_env)
        self.api_key_env = api_key_env
        self.max_retries, self.backoff_base_s, self.backoff_max_s = max_retries, backoff_base_s, backoff_max_s
        self._rng = random.Random(seed)
        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/", timeout=httpx.Timeout(timeout_s),
                                 headers={"Authorization": f"Bearer {key}"} if key else {})

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kwargs: Any):
        import httpx

        last = "no attempt"
        for attempt in range(self.max_retries + 1):
            wait = None
            try:
                r = self.http.request(method, path, **kwargs)
            except httpx.TimeoutException:
                last = "timeout"
            except httpx.TransportError as exc:
                last = f"connection error: {type(exc).__name__}"
            else:
                if r.status_code < 300:
                    return r
                if r.status_code not in RETRY_STATUS:
                    hint = f" (is ${self.api_key_env} set?)" if r.status_code in (401, 403) else ""
                    raise BatchAPIError(f"{method} {path}: HTTP {r.status_code}{hint}: {r.text[:300]}")
                last, wait = f"HTTP {r.status_code}: {r.text[:200]}", retry_after_seconds(r.headers.get("retry-after"))
            if attempt < self.max_retries:
                delay = wait if wait is not None else self.backoff_base_s * 2 ** attempt * (0.5 + self._rng.random() / 2)
                time.sleep(min(delay, self.backoff_max_s))
        raise BatchAPIError(f"{method} {path}: gave up after {self.max_retries + 1} attempts: {last}")

    def upload(self, data: bytes, filename: str) -> str:
        """POST /files (purpose 'batch'); the new file's id."""
        r = self._call("POST", "files", data={"purpose": "batch"},
                       files={"file": (filename, data, "application/jsonl")})
        return r.json()["id"]

    def create(self, input_file_id: str, metadata: dict[str, str]) -> dict[str, Any]:
        """POST /batches for chat completions with a 24 h window; the batch object."""
        return self._call("POST", "batches", json={"input_file_id": input_file_id, "endpoint": ENDPOINT,
                                                    "completion_window": "24h", "metadata": metadata}).json()

    def get(self, batch_id: str) -> dict[str, Any]:
        return self._call("GET", f"batches/{batch_id}").json()

    def batches_since(self, created_after: float) -> Iterator[dict[str, Any]]:
        """Batches created at or after a Unix time, newest first (GET /batches, paged)."""
        after = None
        while True:
            params: dict[str, Any] = {"limit": 100} | ({"after": after} if after else {})
            page = self._call("GET", "batches", params=params).json()
            for b in page.get("data", []):
                if float(b.get("created_at") or 0) < created_after:
                    return
                yield b
            if not page.get("has_more") or not page.get("data"):
                return
            after = page["data"][-1]["id"]

    def content(self, file_id: str) -> bytes:
        return self._call("GET", f"files/{file_id}/content").content

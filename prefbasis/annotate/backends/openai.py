"""OpenAI-compatible chat-completions backend (OpenAI, vLLM, SGLang, Ollama, llama.cpp, LiteLLM,
`transformers serve`), on async httpx with our own retry policy.

- bounded concurrency comes from the runner; HTTP/1.1 keep-alive connections, `concurrency` of
  them in all, held by a few pooled `httpx.AsyncClient`s of at most `POOL_SHARD` connections each
  (httpcore's pool scans every connection for every queued request, so one pool of 64 connections
  costs more CPU than the requests; shards of 8 keep that scan small);
- 429 / 5xx / timeouts / connection errors / unreadable bodies are retried with exponential
  backoff, honouring `Retry-After` (seconds or HTTP date);
- structured output (`response_format` json_schema) is asked for; a server that rejects it
  (400/422) is asked again without it, and the rest of the run goes without;
- the API key is read from the environment variable named by `api_key_env`, sent as a header,
  and never stored, logged or put into an error message: a response body that echoes it (or any
  `Bearer` token) is redacted before it is cut short or kept (`prefbasis.redact`).

Example:
    >>> cfg = AnnotateConfig(base_url="http://localhost:8000/v1", model="gpt-4o-mini")
    >>> OpenAIAnnotator(cfg).params()["max_tokens"]
    400
"""
from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import random
import time
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest
from prefbasis.annotate.config import DEFAULT_OPENAI_MODEL, AnnotateConfig
from prefbasis.annotate.schema import JSON_SCHEMA
from prefbasis.annotate.templates import estimate_tokens
from prefbasis.redact import Redactor

log = logging.getLogger(__name__)
RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
POOL_SHARD = 8  # connections per httpx client


class TransportError(RuntimeError):
    """A request that failed after all retries (or with a non-retryable status)."""

    def __init__(self, message: str, made: int) -> None:
        super().__init__(message)
        self.made = made


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header ('3', '0.5' or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class OpenAIAnnotator:
    """Annotator over an OpenAI-compatible `/chat/completions` endpoint."""

    name = "openai"
    uses_llm = True
    batch_size = 1

    def __init__(self, config: AnnotateConfig) -> None:
        self.config = config
        self.model = config.model or DEFAULT_OPENAI_MODEL
        self.structured = config.structured_output
        self.requests_made = 0
        self._rng = random.Random(config.seed)
        self._clients: list[Any] = []
        self._next = 0
        self._redact = Redactor((config.api_key_env,)).text

    def params(self) -> dict[str, Any]:
        c = self.config
        return {"temperature": c.temperature, "max_tokens": c.max_tokens, "base_url": c.base_url.rstrip("/")}

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.config.api_key_env)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _get_client(self):
        """The next client, round robin over ceil(concurrency / POOL_SHARD) keep-alive pools."""
        if not self._clients:
            import httpx
            conc = max(1, self.config.concurrency)
            shards = -(-conc // POOL_SHARD)
            per = -(-conc // shards)
            ssl_context = httpx.create_ssl_context()  # one for all shards (loading CAs costs ~0.1 s)
            self._clients = [httpx.AsyncClient(
                base_url=self.config.base_url.rstrip("/") + "/", headers=self._headers(), verify=ssl_context,
                timeout=httpx.Timeout(self.config.timeout_s),
                limits=httpx.Limits(max_connections=per, max_keepalive_connections=per))
                for _ in range(shards)]
        self._next = (self._next + 1) % len(self._clients)
        return self._clients[self._next]

    def _body(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        c = self.config
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": c.temperature,
                                "max_tokens": c.max_tokens}
        if self.structured:
            body["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "preference_annotation", "strict": True, "schema": JSON_SCHEMA}}
        return body

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        c = self.config
        if retry_after is not None:
            return min(retry_after, c.backoff_max_s)
        return min(c.backoff_max_s, c.backoff_base_s * 2 ** attempt) * (0.5 + self._rng.random() / 2)

    async def _post(self, messages: list[dict[str, str]]) -> tuple[dict[str, Any], int]:
        """The response JSON and the number of HTTP requests it took."""
        import httpx

        client, made, last = self._get_client(), 0, "no attempt"
        attempt = 0
        while attempt <= self.config.max_retries:
            made += 1
            self.requests_made += 1
            wait_hint = None
            try:
                r = await client.post("chat/completions", json=self._body(messages))
            except httpx.TimeoutException:
                last = f"timeout after {self.config.timeout_s:g}s"
            except httpx.TransportError as exc:
                last = f"connection error: {type(exc).__name__}"
            else:
                if r.status_code == 200:
                    try:
                        data = r.json()
                        data["choices"][0]["message"]
                        return data, made
                    except (ValueError, KeyError, IndexError, TypeError):
                        last = f"unreadable response body: {self._redact(r.text)[:200]!r}"
                elif r.status_code in (400, 422) and self.structured:
                    log.info("server rejected response_format (HTTP %s); falling back to parsing", r.status_code)
                    self.structured = False
                    continue  # not counted as a retry
                elif r.status_code in RETRY_STATUS:
                    last = f"HTTP {r.status_code}: {self._redact(r.text)[:200]}"
                    wait_hint = retry_after_seconds(r.headers.get("retry-after"))
                else:
                    hint = f" (is ${self.config.api_key_env} set?)" if r.status_code in (401, 403) else ""
                    raise TransportError(f"HTTP {r.status_code}{hint}: {self._redact(r.text)[:300]}", made)
            if attempt == self.config.max_retries:
                break
            delay = self._backoff(attempt, wait_hint)
            log.debug("retry %d in %.2fs: %s", attempt + 1, delay, last)
            await asyncio.sleep(delay)
            attempt += 1
        raise TransportError(f"gave up after {made} requests: {last}", made)

    async def _complete(self, request: AnnotationRequest, messages: list[dict[str, str]]) -> AnnotationOutcome:
        try:
            data, made = await self._post(messages)
        except TransportError as exc:
            return AnnotationOutcome(request, error=str(exc), requests_made=exc.made)
        content = data["choices"][0]["message"].get("content") or ""
        usage = data.get("usage") or {}
        tin = int(usage.get("prompt_tokens") or estimate_tokens("".join(m["content"] for m in messages)))
        tout = int(usage.get("completion_tokens") or estimate_tokens(content))
        return AnnotationOutcome(request, raw=content, tokens_in=tin, tokens_out=tout, requests_made=made)

    async def annotate_batch(self, requests: list[AnnotationRequest]) -> list[AnnotationOutcome]:
        return list(await asyncio.gather(*(self._complete(r, r.messages) for r in requests)))

    async def repair(self, outcome: AnnotationOutcome, error: str) -> AnnotationOutcome:
        """Ask once more, showing the model its output and what was wrong with it."""
        messages = list(outcome.request.messages) + [
            {"role": "assistant", "content": outcome.raw or ""},
            {"role": "user", "content": f"That answer is not valid ({error}). Reply with the corrected "
                                        "JSON object only, following the requested form exactly."}]
        fixed = await self._complete(outcome.request, messages)
        fixed.tokens_in += outcome.tokens_in
        fixed.tokens_out += outcome.tokens_out
        fixed.requests_made += outcome.requests_made
        return fixed

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()

"""`AnnotateConfig`: every option of `annotate` (and of its backends), declared once.

The backends read the fields they use from this one config (the openai backend its connection
and sampling settings, the transformers backend model, max tokens, batch and seed).

Example:
    >>> AnnotateConfig(annotator="rationale").concurrency
    8
"""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass
class AnnotateConfig:
    """Which comparisons to annotate, with which backend, and how."""

    annotator: str = field(default="openai", metadata={
        "help": "backend: openai | transformers | rationale | a registered plug-in"})
    model: str | None = field(default=None, metadata={
        "help": f"model name (openai; default {DEFAULT_OPENAI_MODEL}) or local path / hub id "
                "(transformers; default: the offline SmolLM2-135M-Instruct)"})
    base_url: str = field(default="https://api.openai.com/v1", metadata={"help": "OpenAI-compatible server"})
    api_key_env: str = field(default="OPENAI_API_KEY", metadata={
        "help": "environment variable holding the API key (the key is never stored)"})
    prompt_file: str | None = field(default=None, metadata={
        "help": "prompt template file, or a shipped version name (default v1)"})
    dataset: str | None = field(default=None, metadata={"help": "only this dataset (id, id prefix or name)"})
    where: str | None = field(default=None, metadata={
        "help": "SQL condition on comparisons (alias c), e.g. \"c.language = 'en'\""})
    limit: int | None = field(default=None, metadata={"help": "at most this many comparisons (stable order)"})
    include_ties: bool = field(default=False, metadata={"help": "annotate ties too"})
    concurrency: int = field(default=8, metadata={"help": "requests in flight"})
    workers: int | None = field(default=None, metadata={
        "help": "processes for the rationale backend's description stage (default: the CPU count, at most 8, "
                "from 1,000 rationales; 1: in this process)"})
    batch_size: int = field(default=8, metadata={"help": "generation batch (transformers backend)"})
    seed: int = field(default=0, metadata={"help": "seed of the response-order randomization"})
    temperature: float = field(default=0.0, metadata={"help": "sampling temperature"})
    max_tokens: int = field(default=400, metadata={"help": "output tokens per request"})
    timeout_s: float = field(default=60.0, metadata={"flag": "timeout", "help": "seconds per request"})
    max_retries: int = field(default=5, metadata={"help": "retries on 429/5xx/timeouts"})
    backoff_base_s: float = field(default=0.5, metadata={
        "flag": "backoff-base", "help": "first retry wait in seconds (doubles each retry, with jitter)"})
    backoff_max_s: float = field(default=30.0, metadata={
        "flag": "backoff-max", "help": "longest wait between retries, seconds (also caps Retry-After)"})
    structured_output: bool = field(default=True, metadata={
        "help": "do not send response_format (parse the text instead)"})
    budget_usd: float | None = field(default=None, metadata={"help": "stop before spending more than this"})
    prices: str | None = field(default=None, metadata={
        "help": "YAML/JSON price table: {model: {input: USD/1M, output: USD/1M}}"})
    dry_run: bool = field(default=False, metadata={"help": "print requests, tokens and cost; send nothing"})
    batch: bool = field(default=False, metadata={
        "help": "send the requests through the OpenAI Batch API (/v1/files, /v1/batches; half price, "
                "results within 24 h); a rerun finds its batches and collects them"})
    batch_wait: bool = field(default=True, metadata={
        "negate": "no-wait",
        "help": "with --batch: poll until the batches end (--no-wait: submit and return; a rerun collects)"})
    batch_poll_s: float = field(default=30.0, metadata={
        "flag": "poll-interval", "metavar": "S", "help": "with --batch: seconds between polls"})
    batch_max_requests: int = field(default=50_000, metadata={
        "metavar": "N", "help": "with --batch: requests per batch (the OpenAI limit is 50,000)"})
    export_requests: str | None = field(default=None, metadata={
        "metavar": "FILE",
        "help": "write the pending requests as batch JSONL to this file (for `vllm run-batch`) and stop"})
    import_results: str | None = field(default=None, metadata={
        "metavar": "FILE",
        "help": "store the results in this batch-output JSONL file (from `vllm run-batch` or the Batch API)"})
    flush_every: int = field(default=64, metadata={
        "cli": False, "help": "results per commit (also flushed every 0.25 s)"})
    quiet: bool | None = field(default=None, metadata={"cli": False, "help": "no progress bar (None: $PREFBASIS_QUIET)"})

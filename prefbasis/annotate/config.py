"""`AnnotateConfig`: every option of `prefbasis annotate` (light: the CLI builds its parser from it
without importing the annotation engine).

Example:
    >>> AnnotateConfig(batch=True).batch_poll_s
    30.0
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AnnotateConfig:
    """Everything `prefbasis annotate` takes (the CLI flags map one to one)."""

    annotator: str = "openai"
    model: str | None = None
    base_url: str = "https://api.openai.com/v1"
    api_key_env: str = "OPENAI_API_KEY"
    prompt_file: str | None = None          # a file, or a shipped version name ('v1')
    dataset: str | None = None              # dataset_id or name
    where: str | None = None                # SQL condition on `comparisons` (alias c)
    limit: int | None = None
    include_ties: bool = False
    concurrency: int = 8
    batch_size: int = 8                     # transformers backend
    seed: int = 0
    temperature: float = 0.0
    max_tokens: int = 400
    timeout_s: float = 60.0
    max_retries: int = 5
    backoff_base_s: float = 0.5
    structured_output: bool = True
    budget_usd: float | None = None
    prices: str | None = None               # YAML/JSON price table overriding the defaults
    dry_run: bool = False
    flush_every: int = 64                   # results per commit (also flushed every 0.25 s)
    batch: bool = field(default=False, metadata={
        "help": "send the requests through the OpenAI Batch API (/v1/files, /v1/batches; half price, "
                "results within 24 h); a rerun finds its batches and collects them"})
    batch_wait: bool = field(default=True, metadata={
        "help": "with --batch: poll until the batches end (false: submit and return; a rerun collects)"})
    batch_poll_s: float = field(default=30.0, metadata={"help": "with --batch: seconds between polls"})
    batch_max_requests: int = field(default=50_000, metadata={
        "help": "with --batch: requests per batch (the OpenAI limit is 50,000)"})
    export_requests: str | None = field(default=None, metadata={
        "help": "write the pending requests as batch JSONL to this file (for `vllm run-batch`) and stop"})
    import_results: str | None = field(default=None, metadata={
        "help": "store the results in this batch-output JSONL file (from `vllm run-batch` or the Batch API)"})
    quiet: bool | None = None

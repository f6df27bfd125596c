"""`prefbasis annotate`: infer why the winner won (topic + 1-3 preferences per comparison)."""
from __future__ import annotations

import argparse
import json

from prefbasis.cli._common import open_store, say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotate", help="infer why the winner won, with an LLM or the data's rationale",
                       description="Annotate comparisons with a topic and 1-3 preferences. Cached and "
                                   "resumable: a rerun asks only for what is missing. See docs/annotate.md.")
    p.add_argument("--annotator", default="openai", help="openai | transformers | rationale | a plug-in")
    p.add_argument("--model", help="model name (openai) or local path / hub id (transformers; "
                                   "default: the offline SmolLM2-135M-Instruct)")
    p.add_argument("--base-url", default="https://api.openai.com/v1", help="OpenAI-compatible server")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY",
                   help="environment variable holding the API key (the key is never stored)")
    p.add_argument("--prompt-file", help="prompt template file, or a shipped version (default v1)")
    p.add_argument("--dataset", help="only this dataset (id or name)")
    p.add_argument("--where", help="SQL condition on comparisons (alias c), e.g. \"c.language = 'en'\"")
    p.add_argument("--limit", type=int, help="at most this many comparisons (stable order)")
    p.add_argument("--include-ties", action="store_true", help="annotate ties too")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    p.add_argument("--batch-size", type=int, default=8, help="generation batch (transformers)")
    p.add_argument("--seed", type=int, default=0, help="seed of the response-order randomization")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--max-tokens", type=int, default=400, help="output tokens per request")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument("--max-retries", type=int, default=5, help="retries on 429/5xx/timeouts")
    p.add_argument("--no-structured-output", action="store_true",
                   help="do not send response_format (parse the text instead)")
    p.add_argument("--budget-usd", type=float, help="stop before spending more than this")
    p.add_argument("--prices", help="YAML/JSON price table: {model: {input: USD/1M, output: USD/1M}}")
    p.add_argument("--dry-run", action="store_true", help="print requests, tokens and cost; send nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    _add_batch_options(p)
    p.set_defaults(func=run)


def _add_batch_options(p: argparse.ArgumentParser) -> None:
    """The batch flags, their help taken from AnnotateConfig's field metadata (declared once there)."""
    from dataclasses import fields

    from prefbasis.annotate.config import AnnotateConfig

    help_of = {f.name: f.metadata.get("help") for f in fields(AnnotateConfig)}
    p.add_argument("--batch", action="store_true", help=help_of["batch"])
    p.add_argument("--no-wait", dest="batch_wait", action="store_false", help=help_of["batch_wait"])
    p.add_argument("--poll-interval", dest="batch_poll_s", type=float, default=30.0, metavar="S",
                   help=help_of["batch_poll_s"])
    p.add_argument("--batch-max-requests", type=int, default=50_000, metavar="N", help=help_of["batch_max_requests"])
    p.add_argument("--export-requests", metavar="FILE", help=help_of["export_requests"])
    p.add_argument("--import-results", metavar="FILE", help=help_of["import_results"])


def run(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from prefbasis.annotate import AnnotateConfig, annotate

    cfg = AnnotateConfig(
        annotator=args.annotator, model=args.model, base_url=args.base_url, api_key_env=args.api_key_env,
        prompt_file=args.prompt_file, dataset=args.dataset, where=args.where, limit=args.limit,
        include_ties=args.include_ties, concurrency=args.concurrency, batch_size=args.batch_size,
        seed=args.seed, temperature=args.temperature, max_tokens=args.max_tokens, timeout_s=args.timeout,
        max_retries=args.max_retries, structured_output=not args.no_structured_output,
        budget_usd=args.budget_usd, prices=args.prices, dry_run=args.dry_run, quiet=args.quiet or None,
        batch=args.batch, batch_wait=args.batch_wait, batch_poll_s=args.batch_poll_s,
        batch_max_requests=args.batch_max_requests, export_requests=args.export_requests,
        import_results=args.import_results)
    with open_store(args) as store:
        report = annotate(store, cfg)
    if args.json:
        print(json.dumps({k: v for k, v in asdict(report).items() if k != "extra"}, default=str))
    else:
        print(report.summary())
    if report.skipped_no_text:
        say(args, f"skipped {report.skipped_no_text} comparisons without prompt/response text")
    print(f"requests made: {report.requests}")
    return 0

"""Batch annotation: the OpenAI Batch API (`annotate --batch`) and request/result files for
`vllm run-batch` (`--export-requests` / `--import-results`). See docs/annotate.md.

Example:
    >>> from prefbasis.annotate.runner import AnnotateConfig
    >>> wants_offline(AnnotateConfig(batch=True)), wants_offline(AnnotateConfig())
    (True, False)
"""
from __future__ import annotations

from pathlib import Path


def wants_offline(cfg) -> bool:
    return bool(cfg.batch or cfg.export_requests or cfg.import_results)


def run_offline(run, requests: list, pending: list) -> None:
    """The runner's hook: one of the three batch modes, over the runner's state `run`."""
    from prefbasis.errors import ConfigError

    cfg = run.cfg
    if sum(map(bool, (cfg.batch, cfg.export_requests, cfg.import_results))) > 1:
        raise ConfigError("give one of --batch, --export-requests, --import-results")
    if cfg.import_results:
        from prefbasis.annotate.batch.files import import_results

        import_results(run, Path(cfg.import_results), requests)
    elif cfg.export_requests:
        from prefbasis.annotate.batch.files import export_requests

        export_requests(run, pending, Path(cfg.export_requests))
    else:
        from prefbasis.annotate.batch.submit import BatchRun

        BatchRun(run, requests, pending).go()

"""Ingestion: upstream preference data -> the `datasets` and `comparisons` tables.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> report = ingest(store, "../shared/data/hh-rlhf/harmless-base-test.jsonl.gz", "hh-rlhf",
    ...                 single_turn=True)  # doctest: +SKIP
"""
from __future__ import annotations

from prefbasis.ingest.api import IngestReport, ingest
from prefbasis.ingest.config import IngestConfig, SourceFormat
from prefbasis.ingest.records import Record, normalize_winner
from prefbasis.ingest.writer import DatasetMeta, WriteResult, comparison_id, write_comparisons

__all__ = ["DatasetMeta", "IngestConfig", "IngestReport", "Record", "SourceFormat", "WriteResult", "comparison_id",
           "ingest", "normalize_winner", "write_comparisons"]

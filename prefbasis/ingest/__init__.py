"""Ingestion: upstream preference data -> the `datasets` and `comparisons` tables.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> report = ingest(store, "../shared/data/hh-rlhf/harmless-base-test.jsonl.gz", "hh-rlhf",
    ...                 single_turn=True)  # doctest: +SKIP
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

# name -> module (imported on first use, so the CLI's parser needs only `config`)
_LAZY = {"IngestReport": "api", "ingest": "api", "IngestConfig": "config", "SourceFormat": "config",
         "Record": "records", "normalize_winner": "records", "DatasetMeta": "writer", "WriteResult": "writer",
         "comparison_id": "writer", "write_comparisons": "writer"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

"""`QueryConfig`: the options of `run_query` (light: the CLI builds `prefbasis query`'s parser from
it without importing DuckDB).

Example:
    >>> QueryConfig().no_files
    False
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class QueryConfig:
    """Options of `run_query`, each declared once here (default, type, help); the CLI flag of
    each field is generated from it (`prefbasis.cli.options`)."""

    no_files: bool = field(default=False, metadata={
        "help": "forbid reading any file outside the store (read_csv, read_parquet, glob, ...): "
                "DuckDB's enable_external_access is off with no allowed directory"})

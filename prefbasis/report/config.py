"""`ReportConfig`: what `build_report` shows and where it writes (light: the CLI parser comes from it).

Example:
    >>> ReportConfig().max_points
    6000
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ReportConfig:
    """What to report and where."""

    basis: str | None = field(default=None, metadata={
        "aliases": ["-b"], "help": "basis id, id prefix or name (default: the latest)"})
    out: str | Path = field(default="report.html", metadata={"aliases": ["-o"], "help": "where to write it"})
    max_points: int = field(default=6000, metadata={
        "help": "descriptions drawn on the map; a deterministic sample beyond"})
    title: str | None = field(default=None, metadata={"help": "page title (default: the basis name)"})

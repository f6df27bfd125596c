"""`IngestConfig`: what `prefbasis ingest` reads (a source and its format, or a bundled example)
and how it filters (light: the CLI builds its parser from it).

Example:
    >>> IngestConfig(source="prefs.jsonl", format="trl").format
    <SourceFormat.TRL: 'trl'>
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from prefbasis.errors import ConfigError
from prefbasis.ingest.records import BadRows


class SourceFormat(str, Enum):
    """Upstream data formats `ingest` reads (see docs/ingest.md)."""

    ARENA = "arena"
    ARENA_KAGGLE = "arena-kaggle"
    ARENA_100K = "arena-100k"
    HH_RLHF = "hh-rlhf"
    TRL = "trl"
    PRD = "prd"
    TABLE = "table"

    @classmethod
    def parse(cls, value: "SourceFormat | str") -> "SourceFormat":
        try:
            return cls(value)
        except ValueError:
            raise ConfigError(f"unknown format {value!r} (known: {', '.join(f.value for f in cls)})") from None


@dataclass
class IngestConfig:
    """A source, its format, and the filters applied before writing."""

    source: str | None = field(default=None, metadata={
        "positional": True, "metavar": "SOURCE",
        "help": "file (jsonl, jsonl.gz, json, csv, parquet), folder, or HF id owner/name[:split]"})
    format: SourceFormat | None = field(default=None, metadata={"aliases": ["-F"], "help": "the upstream format"})
    example: str | None = field(default=None, metadata={
        "metavar": "NAME", "help": "a dataset that ships with prefbasis instead of SOURCE: prd-vicuna80 (format prd)"})
    name: str | None = field(default=None, metadata={"help": "dataset name (default: the file or folder name)"})
    english: bool = field(default=False, metadata={"help": "drop rows whose language is not English"})
    no_ties: bool = field(default=False, metadata={"help": "drop ties (tie and tie (bothbad))"})
    single_turn: bool = field(default=False, metadata={"help": "drop rows with more than one user turn"})
    mapping: dict[str, str] | None = field(default=None, metadata={
        "flag": "map", "metavar": "FIELD=COLUMN,...",
        "help": "--format table: column of each field, and winner.a/b/tie=VALUE|VALUE"})
    on_bad_rows: BadRows = field(default=BadRows.ERROR, metadata={
        "help": "a row that fails a check: 'error' stops with exit 2 and writes nothing; 'skip' "
                "reports it (file, row, field, reason), keeps it in the rejected_rows table and "
                "ingests the rest"})

    def __post_init__(self) -> None:
        if self.example:
            from prefbasis.datasets import example_path

            if self.source:
                raise ConfigError("give SOURCE or --example, not both")
            folder, example_format = example_path(self.example)
            self.source, self.format = str(folder), self.format or example_format
            self.name = self.name or self.example
        if not self.source or not self.format:
            raise ConfigError("give SOURCE with --format F (or --example NAME)")
        self.source = str(self.source)
        self.format = SourceFormat.parse(self.format)
        self.on_bad_rows = BadRows(self.on_bad_rows)

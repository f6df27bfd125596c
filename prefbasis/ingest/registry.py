"""The ingest formats (`SourceFormat`) and the parser each one uses.

Example:
    >>> SourceFormat("hh-rlhf") is SourceFormat.HH_RLHF
    True
    >>> sorted(f.value for f in SourceFormat)[:3]
    ['arena', 'arena-100k', 'arena-kaggle']
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from prefbasis.errors import ConfigError, InputError
from prefbasis.ingest.config import SourceFormat
from prefbasis.ingest.records import BadRow, BadRows, Record, check_record, raw_json
from prefbasis.ingest.sources import is_hf_id, iter_hf_rows, iter_rows
from prefbasis.progress import progress

RowParser = Callable[[str, int, dict[str, Any]], Record]


def row_parser(fmt: SourceFormat, mapping: dict[str, str] | None = None) -> RowParser:
    """The per-row parser of a row-based format (all but `prd`)."""
    if mapping and fmt is not SourceFormat.TABLE:
        raise ConfigError("--map applies to --format table only")
    if fmt is SourceFormat.ARENA:
        from prefbasis.ingest.formats.arena import parse_arena_row as parser
    elif fmt is SourceFormat.ARENA_100K:
        from prefbasis.ingest.formats.arena import parse_arena100k_row as parser
    elif fmt is SourceFormat.ARENA_KAGGLE:
        from prefbasis.ingest.formats.kaggle import parse_kaggle_row as parser
    elif fmt is SourceFormat.HH_RLHF:
        from prefbasis.ingest.formats.hh_rlhf import parse_hh_row as parser
    elif fmt is SourceFormat.TRL:
        from prefbasis.ingest.formats.trl import parse_trl_row as parser
    elif fmt is SourceFormat.TABLE:
        from prefbasis.ingest.formats.table import TableParser

        return TableParser.from_mapping(mapping)
    else:
        raise ConfigError(f"format {fmt.value} is not row-based")
    return parser


def read_source(source: str, fmt: SourceFormat, mapping: dict[str, str] | None = None,
                progress_desc: str | None = None, on_bad_rows: BadRows | str = BadRows.ERROR):
    """(records, bad rows) of `source`: the records as an Arrow table (large arena files,
    vectorized) or a list of Records. With `on_bad_rows` 'error' the first bad row raises its
    `InputError`; with 'skip' every bad row is returned (as a `BadRow`) and the rest is kept.
    A source without a single row is an `InputError` too."""
    policy = BadRows(on_bad_rows)
    if fmt in (SourceFormat.ARENA, SourceFormat.ARENA_100K) and not is_hf_id(source) \
            and Path(source).is_file() and not mapping:
        from prefbasis.ingest.fastpath import arena_table

        table = arena_table(Path(source), ("question_id",) if fmt is SourceFormat.ARENA else ("id", "question_id"))
        if table is not None and table.num_rows:
            return table, []
    records: list[Record] = []
    bad: list[BadRow] = []
    for item in progress(read_records(source, fmt, mapping), desc=progress_desc or f"ingest {fmt.value}",
                         unit="rows"):
        if isinstance(item, BadRow):
            if policy is BadRows.ERROR:
                raise item.error
            bad.append(item)
        else:
            records.append(item)
    if not records and not bad:
        raise InputError("no rows: nothing to ingest (the source is empty)", file=source)
    return records, bad


def read_records(source: str, fmt: SourceFormat, mapping: dict[str, str] | None = None
                 ) -> Iterator[Record | BadRow]:
    """Every record of `source` (a file, the PRD folder, or a Hugging Face id) in `fmt`, row by
    row; a row that fails a check comes as a `BadRow` (its `InputError` names file, row, field)."""
    if fmt is SourceFormat.PRD:
        from prefbasis.ingest.formats.prd import parse_prd

        if mapping:
            raise ConfigError("--map applies to --format table only")
        path = Path(source)
        if not path.exists():
            raise InputError("no such file or folder", file=source)
        yield from parse_prd(path)
        return
    parser = row_parser(fmt, mapping)
    if is_hf_id(source):
        rows, label = iter_hf_rows(source), source
    else:
        path = Path(source)
        rows, label = iter_rows(path, keep_bad=True), path.name
    for row_no, row in rows:
        try:
            if isinstance(row, BadRow):
                raise row.error
            yield check_record(parser(label, row_no, row), file=label, row=row_no)
        except InputError as exc:  # name the full path in messages, keep `label` in source keys
            if exc.file == label and label != source:
                exc = InputError(exc.message, file=source, row=exc.row, field=exc.field)
            yield BadRow(exc, row.raw if isinstance(row, BadRow) else raw_json(row))

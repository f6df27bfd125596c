"""Read rows from a local file (JSONL, JSONL.gz, JSON, CSV, Parquet) or a Hugging Face dataset.

Every row comes with its 1-based row number (the line number for JSONL and CSV), so a parser can
name the exact place of bad input. Undecodable input (bad JSON, bad gzip, bad UTF-8) raises
`InputError` with the file and line.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"a": 1}\\n\\n{"a": 2}\\n')
    >>> [(n, r["a"]) for n, r in iter_rows(p)]
    [(1, 1), (3, 2)]
"""
from __future__ import annotations

import csv
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefbasis.errors import InputError

SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".json.gz", ".csv", ".csv.gz", ".parquet")
_HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(:[\w.\-\[\]%:]+)?$")


def is_hf_id(source: str) -> bool:
    """True when `source` is not a local path but looks like `owner/name[:split]`."""
    return not Path(source).exists() and not source.lower().endswith(SUFFIXES) \
        and bool(_HF_ID.match(source))


def check_path(path: Path) -> Path:
    """The path, or an `InputError` when it does not exist."""
    if not path.exists():
        raise InputError("no such file or folder", file=str(path))
    return path


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    raise InputError(f"unsupported file type (expected one of {', '.join(SUFFIXES)})", file=str(path))


def _open_text(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


_DECODE_ERRORS = (OSError, EOFError, zlib.error, UnicodeDecodeError)  # bad gzip / bad UTF-8


def _iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    line_no = 0
    loads = json.loads
    try:
        with _open_text(path) as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"bad JSON ({exc.msg} at column {exc.colno})",
                                     file=str(path), row=line_no) from None
                if not isinstance(row, dict):
                    raise InputError(f"expected a JSON object, got {type(row).__name__}",
                                     file=str(path), row=line_no)
                yield line_no, row
    except _DECODE_ERRORS as exc:
        raise InputError(f"undecodable input ({type(exc).__name__}: {exc})",
                         file=str(path), row=line_no + 1) from None


def _iter_json(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with _open_text(path) as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(f"bad JSON ({exc.msg} at column {exc.colno})", file=str(path),
                         row=exc.lineno) from None
    except _DECODE_ERRORS as exc:
        raise InputError(f"undecodable input ({type(exc).__name__}: {exc})", file=str(path)) from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise InputError("expected a JSON list of objects (or {\"data\": [...]})", file=str(path))
    for i, row in enumerate(data, 1):
        if not isinstance(row, dict):
            raise InputError(f"expected a JSON object, got {type(row).__name__}", file=str(path), row=i)
        yield i, row


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    line = 1
    try:
        with _open_text(path) as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise InputError(f"more fields than the header has ({len(reader.fieldnames or [])})",
                                     file=str(path), row=line)
                yield line, row
    except csv.Error as exc:
        raise InputError(f"bad CSV ({exc})", file=str(path), row=line + 1) from None
    except _DECODE_ERRORS as exc:
        raise InputError(f"undecodable input ({type(exc).__name__}: {exc})", file=str(path),
                         row=line + 1) from None


def _iter_parquet(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"unreadable Parquet ({exc})", file=str(path)) from None
    for i, row in enumerate(table.to_pylist(), 1):
        yield i, row


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) for every row of a local file; the type comes from the file name."""
    check_path(path)
    if path.is_dir():
        raise InputError("is a folder; this format reads one file (only --format prd reads a folder)",
                         file=str(path))
    suffix = _suffix(path)
    if suffix in (".jsonl", ".jsonl.gz", ".ndjson"):
        return _iter_jsonl(path)
    if suffix in (".json", ".json.gz"):
        return _iter_json(path)
    if suffix in (".csv", ".csv.gz"):
        return _iter_csv(path)
    return _iter_parquet(path)


def iter_hf_rows(source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a Hugging Face dataset `owner/name[:split]` (default split 'train'); online only."""
    name, _, split = source.partition(":")
    try:
        import datasets

        ds = datasets.load_dataset(name, split=split or "train")
    except Exception as exc:  # offline, unknown id, gated, no such split, ...
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot load Hugging Face dataset {name!r} split {split or 'train'!r} "
                         f"(no local file of that name either; loading needs the network, and "
                         f"HF_DATASETS_OFFLINE/HF_HUB_OFFLINE must be unset): {first}",
                         file=source) from None
    for i, row in enumerate(ds, 1):
        yield i, row

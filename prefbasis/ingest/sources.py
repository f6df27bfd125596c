"""Read rows from a local file (JSONL, JSONL.gz, JSON, CSV, Parquet) or a Hugging Face dataset.

Every row comes with its 1-based row number (the line number for JSONL and CSV, the position for
JSON and Parquet), so a parser can name the exact place of bad input. Only regular files are read
(a FIFO, a device or a socket is refused before it is opened); a leading UTF-8 BOM is accepted in
every text format; bytes are decoded line by line, so bad UTF-8 names its own line. A row that
cannot be read (bad JSON, bad UTF-8, longer than `ROW_LIMIT`, nested deeper than `MAX_DEPTH`) is
yielded as a `BadRow` by `iter_rows(path, keep_bad=True)` and raised as `InputError` otherwise;
damage that stops the reader (a truncated gzip stream, broken CSV quoting) always raises.

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
import os
import re
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from prefbasis.errors import InputError
from prefbasis.ingest.records import BadRow, nesting_depth

SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".json.gz", ".csv", ".csv.gz", ".parquet")
ROW_LIMIT = 64 << 20  # bytes in one row (a JSONL line, a CSV record): longer rows are refused
MAX_DEPTH = 64        # nesting levels of JSON within one row: deeper rows are refused
_HF_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(:[\w.\-\[\]%:]+)?$")
_BOM = "\ufeff"
_DECODE_ERRORS = (OSError, EOFError, zlib.error)  # bad gzip, unreadable file


def is_hf_id(source: str) -> bool:
    """True when `source` is not a local path but looks like `owner/name[:split]`."""
    return not Path(source).exists() and not source.lower().endswith(SUFFIXES) \
        and bool(_HF_ID.match(source))


def check_path(path: Path) -> Path:
    """The path, or an `InputError` when it does not exist or is neither a folder nor a regular
    file (FIFOs, devices and sockets, also behind a symlink, are refused before anything is read)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError("no such file or folder", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", file=str(path)) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        raise InputError(f"refused: {kind}, not a regular file (only regular files are read)",
                         file=str(path))
    return path


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    raise InputError(f"unsupported file type (expected one of {', '.join(SUFFIXES)})", file=str(path))


def _open_binary(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes | BadRow]]:
    """(line number, bytes) of every line; a line over `ROW_LIMIT` is read past and given as a
    `BadRow`. A damaged stream (bad gzip) raises `InputError` naming the line it stopped at."""
    line_no = 0
    try:
        with _open_binary(path) as fh:
            while True:
                raw = fh.readline(ROW_LIMIT + 1)
                if not raw:
                    return
                line_no += 1
                if len(raw) > ROW_LIMIT and not raw.endswith(b"\n"):
                    while raw and not raw.endswith(b"\n"):
                        raw = fh.readline(ROW_LIMIT)
                    yield line_no, BadRow(InputError(f"row longer than {ROW_LIMIT >> 20} MiB",
                                                     file=str(path), row=line_no))
                    continue
                yield line_no, raw
    except _DECODE_ERRORS as exc:
        raise InputError(f"undecodable input ({type(exc).__name__}: {exc})", file=str(path),
                         row=line_no + 1) from None


def decode_line(raw: bytes, *, file: str, row: int) -> str:
    """A line's text (a BOM dropped on line 1), or `InputError` naming the line and the byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"undecodable input (not UTF-8: byte 0x{raw[exc.start]:02x} at byte "
                         f"{exc.start + 1} of the line)", file=file, row=row) from None
    return text[1:] if row == 1 and text.startswith(_BOM) else text


def _iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    file = str(path)
    for line_no, raw in _raw_lines(path):
        if isinstance(raw, BadRow):
            yield line_no, raw
            continue
        try:
            line = decode_line(raw, file=file, row=line_no)
        except InputError as exc:
            yield line_no, BadRow(exc, raw.decode("utf-8", "replace"))
            continue
        if not line.strip():
            continue
        yield line_no, _json_row(line, file=file, row=line_no)


def _json_row(line: str, *, file: str, row: int) -> dict[str, Any] | BadRow:
    """One JSONL line as an object, or a `BadRow` saying why not."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadRow(InputError(f"bad JSON ({exc.msg} at column {exc.colno})", file=file, row=row), line)
    except RecursionError:
        return BadRow(InputError(f"JSON nested deeper than {MAX_DEPTH} levels", file=file, row=row), None)
    return _object(value, file=file, row=row, raw=line)


def _object(value: Any, *, file: str, row: int, raw: str | None) -> dict[str, Any] | BadRow:
    if not isinstance(value, dict):
        return BadRow(InputError(f"expected a JSON object, got {type(value).__name__}", file=file, row=row), raw)
    if nesting_depth(value, MAX_DEPTH) > MAX_DEPTH:
        return BadRow(InputError(f"JSON nested deeper than {MAX_DEPTH} levels", file=file, row=row), None)
    return value


def _iter_json(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    file = str(path)
    try:
        with _open_binary(path) as fh:
            raw = fh.read()
    except _DECODE_ERRORS as exc:
        raise InputError(f"undecodable input ({type(exc).__name__}: {exc})", file=file) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"undecodable input (not UTF-8: byte 0x{raw[exc.start]:02x})", file=file,
                         row=line) from None
    try:
        data = json.loads(text[1:] if text.startswith(_BOM) else text)
    except json.JSONDecodeError as exc:
        raise InputError(f"bad JSON ({exc.msg} at column {exc.colno})", file=file, row=exc.lineno) from None
    except RecursionError:
        raise InputError(f"JSON nested deeper than {MAX_DEPTH} levels", file=file) from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise InputError("expected a JSON list of objects (or {\"data\": [...]})", file=file)
    for i, row in enumerate(data, 1):
        yield i, _object(row, file=file, row=i, raw=None)


def _csv_lines(path: Path) -> Iterator[str]:
    """Decoded text lines for the csv module (universal newlines, as `open()` would give)."""
    file = str(path)
    for line_no, raw in _raw_lines(path):
        if isinstance(raw, BadRow):
            raise raw.error
        text = decode_line(raw, file=file, row=line_no).replace("\r\n", "\n")
        if "\r" in text:  # a lone CR ends a line too
            parts = text.replace("\r", "\n").split("\n")
            yield from (p + "\n" for p in parts[:-1])
            if parts[-1]:
                yield parts[-1]
        else:
            yield text


def _iter_csv(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    csv.field_size_limit(ROW_LIMIT)
    line = 0
    file = str(path)
    try:
        reader = csv.DictReader(_csv_lines(path))
        for row in reader:
            line = reader.line_num
            if None in row:
                yield line, BadRow(InputError(f"more fields than the header has ({len(reader.fieldnames or [])})",
                                              file=file, row=line), None)
                continue
            yield line, row
    except csv.Error as exc:
        raise InputError(f"bad CSV ({exc})", file=file, row=line + 1) from None


def _iter_parquet(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"unreadable Parquet ({exc})", file=str(path)) from None
    n = 0
    for batch in table.to_batches(max_chunksize=1024):
        try:
            rows = batch.to_pylist()
        except (UnicodeDecodeError, ValueError, OverflowError):  # find the row that fails
            rows = []
            for i in range(batch.num_rows):
                try:
                    rows.append(batch.slice(i, 1).to_pylist()[0])
                except (UnicodeDecodeError, ValueError, OverflowError) as exc:
                    rows.append(BadRow(InputError(f"unreadable value ({type(exc).__name__}: {exc})",
                                                  file=str(path), row=n + i + 1), None))
        for row in rows:
            n += 1
            yield n, row


def iter_rows(path: Path, *, keep_bad: bool = False) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """(row number, row) for every row of a local file; the type comes from the file name.

    With `keep_bad`, a row that cannot be read comes as a `BadRow` (and reading goes on);
    without, it raises its `InputError`.
    """
    check_path(path)
    if path.is_dir():
        raise InputError("is a folder; this format reads one file (only --format prd reads a folder)",
                         file=str(path))
    suffix = _suffix(path)
    if suffix in (".jsonl", ".jsonl.gz", ".ndjson"):
        rows = _iter_jsonl(path)
    elif suffix in (".json", ".json.gz"):
        rows = _iter_json(path)
    elif suffix in (".csv", ".csv.gz"):
        rows = _iter_csv(path)
    else:
        rows = _iter_parquet(path)
    return rows if keep_bad else _raise_bad(rows)


def _raise_bad(rows: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, row in rows:
        if isinstance(row, BadRow):
            raise row.error
        yield n, row


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

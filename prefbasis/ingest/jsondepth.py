"""Whether pyarrow's JSON reader may see a JSONL file: nesting depth and line starts, measured
without parsing (numpy, vectorized).

pyarrow's JSON reader crashes the process (a segmentation fault, not an exception) on a row
nested deep enough (it recurses once per level: 100,000 levels) and on a first line that is
`null` (pyarrow 26). So before the vectorized arena path hands a file to it, `jsonl_depth_ok`
checks that every line that is not blank starts with `{`, and scans the bytes: brackets outside strings (a quote
counts when the backslashes right before it are even in number; strings end at the line), and
their running depth per line. Only lines with more than `MAX_DEPTH` opening brackets in all (in
strings or not) can be that deep, so only they are scanned exactly. A line deeper than
`MAX_DEPTH`, a line that closes more than it opened, or a line longer than `ROW_LIMIT` sends the
file to the row parser, which reports it.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.jsonl"
    >>> _ = p.write_text('{"a": "[[[", "b": [[1]]}\\n' + '[' * 100 + ']' * 100 + '\\n')
    >>> line_depths(p.read_bytes())
    (0, 100)
    >>> jsonl_depth_ok(p)
    False
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from prefbasis.ingest.sources import MAX_DEPTH, ROW_LIMIT

_CHUNK = 16 << 20
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[ord(c) for c in '[]{}"\\\n']] = True


def line_depths(data: bytes) -> tuple[int, int]:
    """(lowest, highest) structural depth reached within any line of `data` (lines of JSON)."""
    a = np.frombuffer(data, dtype=np.uint8)
    pos = np.flatnonzero(_SPECIAL[a])
    if pos.size == 0:
        return 0, 0
    c = a[pos]
    idx = np.arange(pos.size)
    bs = c == ord("\\")
    after_bs = np.zeros(pos.size, dtype=bool)  # right after a backslash (adjacent byte)
    after_bs[1:] = bs[:-1] & (pos[:-1] + 1 == pos[1:])
    run_start = np.maximum.accumulate(np.where(bs & ~after_bs, idx, 0))
    run_len = np.where(bs, idx - run_start + 1, 0)  # length of the backslash run ending here
    escaped = np.zeros(pos.size, dtype=bool)
    escaped[1:] = after_bs[1:] & (run_len[:-1] % 2 == 1)
    newline = c == ord("\n")
    quotes = np.cumsum((c == ord('"')) & ~escaped)
    line_quotes = np.maximum.accumulate(np.where(newline, quotes, 0))
    outside = (quotes - line_quotes) % 2 == 0
    opens = ((c == ord("[")) | (c == ord("{"))) & outside & ~escaped
    closes = ((c == ord("]")) | (c == ord("}"))) & outside & ~escaped
    depth = np.cumsum(opens.astype(np.int64) - closes.astype(np.int64))
    last_newline = np.maximum.accumulate(np.where(newline, idx, -1))
    depth = depth - np.where(last_newline >= 0, depth[np.maximum(last_newline, 0)], 0)
    return int(depth.min()), int(depth.max())


def _objects_only(data: bytes) -> bool:
    """True when every line of `data` that is not blank starts with `{` (leading spaces allowed)."""
    a = np.frombuffer(data, dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(a == ord("\n")) + 1))
    starts = starts[starts < a.size]
    first = a[starts]
    odd = starts[(first != ord("{")) & (first != ord("\n"))]
    for at in odd:  # leading whitespace or something else: look at the line itself
        line = data[at:data.find(b"\n", at) if data.find(b"\n", at) >= 0 else len(data)].strip()
        if line and not line.startswith(b"{"):
            return False
    return True


def _many_opens(data: bytes, limit: int) -> bytes:
    """The lines of `data` holding more than `limit` opening brackets (in strings or not)."""
    a = np.frombuffer(data, dtype=np.uint8)
    pos = np.flatnonzero((a == ord("[")) | (a == ord("{")) | (a == ord("\n")))
    newline = a[pos] == ord("\n")
    ends = np.append(np.flatnonzero(newline), pos.size)          # index in pos of each line's end
    opens_before = np.cumsum(~newline)[np.maximum(ends - 1, 0)] * (ends > 0)
    per_line = np.diff(np.concatenate(([0], opens_before)))
    heavy = np.flatnonzero(per_line > limit)
    if heavy.size == 0:
        return b""
    line_end = np.append(pos[newline] + 1, len(data))            # byte just past each line
    line_start = np.concatenate(([0], line_end[:-1]))
    return b"".join(data[line_start[i]:line_end[i]] + b"\n" for i in heavy)


def jsonl_depth_ok(path: Path, limit: int = MAX_DEPTH) -> bool:
    """True when every line of the JSONL(.gz) file that is not blank starts with `{` and nests at
    most `limit` deep (and none closes more than it opened, and none is longer than ROW_LIMIT). A file that cannot be read to its
    end (a damaged gzip stream) gives False: the row parser reports it, with the line."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    tail = b""
    try:
        with opener(path, "rb") as fh:
            if fh.read(3) != b"\xef\xbb\xbf":  # a leading BOM is fine (pyarrow skips it)
                fh.seek(0)
            while True:
                block = fh.read(_CHUNK)
                data = tail + block
                if not block:
                    lines, tail = data, b""
                else:
                    cut = data.rfind(b"\n") + 1
                    lines, tail = data[:cut], data[cut:]
                    if len(tail) > ROW_LIMIT:
                        return False
                if lines and not _objects_only(lines):
                    return False
                lines = _many_opens(lines, limit) if lines else b""
                if lines:
                    low, high = line_depths(lines)
                    if low < 0 or high > limit:
                        return False
                if not block:
                    return True
    except (OSError, EOFError, zlib.error):
        return False

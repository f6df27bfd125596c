"""Progress bars for long work (tqdm), silenced by `--quiet` or `PREFBASIS_QUIET=1`.

On a terminal the bar redraws in place. Elsewhere (a log file, CI, a notebook) carriage-return
redraws would pile up as one long run of text, so each update becomes a whole line instead, at
most one every `LOG_EVERY_S` seconds, plus the final one.

Example:
    >>> total = sum(1 for _ in progress(range(3), desc="demo", quiet=True))
    >>> total
    3
    >>> import io
    >>> out = io.StringIO()
    >>> for _ in progress(range(3), desc="demo", quiet=False, file=out):
    ...     pass
    >>> "\\r" in out.getvalue(), out.getvalue().splitlines()[-1].startswith("demo: 100%")
    (False, True)
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO, TypeVar

T = TypeVar("T")
LOG_EVERY_S = 10.0


def quiet_default() -> bool:
    return os.environ.get("PREFBASIS_QUIET", "") not in ("", "0")


class LineStream:
    """A file for tqdm that turns its carriage-return redraws into whole lines (see module doc)."""

    def __init__(self, stream: TextIO, every_s: float = LOG_EVERY_S) -> None:
        self.stream, self.every_s = stream, every_s
        self.pending = self.written = ""
        self.last = float("-inf")

    def write(self, text: str) -> None:
        for chunk in text.split("\r"):
            status = chunk.rstrip(" ")
            ends = status.endswith("\n")
            status = status.rstrip("\n").rstrip(" ")
            if status:
                self.pending = status
            if ends or (self.pending and time.monotonic() - self.last >= self.every_s):
                self._emit()

    def _emit(self) -> None:
        if self.pending and self.pending != self.written:
            self.stream.write(self.pending + "\n")
            self.written, self.last = self.pending, time.monotonic()

    def flush(self) -> None:
        self.stream.flush()


def progress(iterable: Iterable[T] | None = None, *, total: int | None = None, desc: str = "",
             unit: str = "it", quiet: bool | None = None, file: TextIO | None = None, **kwargs: Any):
    """A tqdm bar on stderr (rate and ETA included), or a silent pass-through when quiet."""
    from tqdm import tqdm

    disable = quiet_default() if quiet is None else quiet
    out = file or sys.stderr
    terminal = bool(getattr(out, "isatty", lambda: False)())
    if not terminal:
        out = LineStream(out)
        kwargs.setdefault("mininterval", 1.0)
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=disable, file=out,
                dynamic_ncols=terminal, ascii=None if terminal else True, **kwargs)


def hush_library_bars(quiet: bool | None = None) -> None:
    """Turn off the progress bars of transformers / huggingface_hub / datasets (model loading, shard
    writing, saving) when prefbasis is quiet or stderr is not a terminal: there they are noise or
    carriage-return runs. Call it right before the library work; it imports nothing new."""
    if not (quiet_default() if quiet is None else quiet) and sys.stderr.isatty():
        return
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    if "datasets" in sys.modules:
        import datasets

        datasets.disable_progress_bars()

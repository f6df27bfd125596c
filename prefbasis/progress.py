"""Progress bars for long work (tqdm), silenced by `--quiet` or `PREFBASIS_QUIET=1`.

Example:
    >>> total = sum(1 for _ in progress(range(3), desc="demo", quiet=True))
    >>> total
    3
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def quiet_default() -> bool:
    return os.environ.get("PREFBASIS_QUIET", "") not in ("", "0")


def progress(iterable: Iterable[T] | None = None, *, total: int | None = None, desc: str = "",
             unit: str = "it", quiet: bool | None = None, **kwargs: Any):
    """A tqdm bar on stderr (rate and ETA included), or a silent pass-through when quiet."""
    from tqdm.auto import tqdm

    disable = quiet_default() if quiet is None else quiet
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=disable, file=sys.stderr,
                dynamic_ncols=True, **kwargs)

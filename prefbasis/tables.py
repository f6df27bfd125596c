"""Write a DataFrame as an aligned text table, CSV, JSON lines or Parquet.

Example:
    >>> import pandas as pd
    >>> print(format_table(pd.DataFrame({"model": ["a"], "n": [3]})))
    model  n
    -----  -
    a      3
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from prefbasis.errors import ConfigError


class TableFormat(str, Enum):
    """How a result table is printed or written."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


FORMATS = tuple(f.value for f in TableFormat)


@dataclass
class TableOutput:
    """The output options of every verb that prints a table."""

    format: TableFormat = field(default=TableFormat.table, metadata={
        "help": "table (aligned text), csv, json (JSON lines) or parquet (needs --out)"})
    out: str | None = field(default=None, metadata={"help": "write the result here instead of stdout"})
# C0/C1 controls, DEL, and the bidirectional overrides that can disguise text on a terminal
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""`text` with control characters shown as escapes (a newline as a space), so data cannot
    drive the terminal (colours, cursor moves, titles) when printed as a table.

    >>> printable("red\x1b[31m!\ttab\nline")
    'red\\x1b[31m!\\ttab line'
    """
    text = text.replace("\n", " ")
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def format_table(df, max_width: int = 80) -> str:
    """Plain aligned columns, long cells cut to `max_width` characters."""
    return format_rows([str(c) for c in df.columns], df.itertuples(index=False, name=None), max_width)


def format_rows(columns: list[str], rows, max_width: int = 80) -> str:
    """`format_table` for plain (column names, row tuples), e.g. a DuckDB `fetchall()`: no pandas.

    >>> print(format_rows(["n", "x"], [(1, None), (2, 0.5)]))
    n  x
    -  ----
    1  NULL
    2  0.5
    """
    cols = [printable(str(c)) for c in columns]

    def cell(v) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "NULL"
        if type(v).__name__ == "Decimal":  # as pandas shows DECIMAL columns: a float
            v = float(v)
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.1f}"
        text = printable(str(v))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def write_frame(df, fmt: "TableFormat | str" = "table", out: str | None = None) -> None:
    fmt = fmt.value if isinstance(fmt, TableFormat) else fmt
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "parquet":
        if not out:
            raise ConfigError("--format parquet needs --out PATH")
        df.to_parquet(out, index=False)
        return
    if fmt == "table":
        text = format_table(df) + "\n"
    elif fmt == "csv":
        text = df.to_csv(index=False)
    else:
        text = df.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)

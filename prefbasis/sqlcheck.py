"""What user SQL may be: the statement allow-list of `prefbasis query`, and `--where` conditions.

`read_only_statements(con, sql)` parses `sql` with DuckDB and accepts only plain reads: SELECT
(also `WITH ... SELECT`, `FROM t`, `VALUES`, `TABLE t`, set operations), DESCRIBE, SHOW,
SUMMARIZE, PIVOT / UNPIVOT, and EXPLAIN (without ANALYZE, which runs the statement) of one of
those. Everything else is refused before anything runs: INSERT / UPDATE / DELETE / CREATE /
DROP / ALTER, COPY, EXPORT / IMPORT, ATTACH / DETACH, INSTALL / LOAD / UPDATE EXTENSIONS, SET /
RESET / USE, PRAGMA, CALL, CHECKPOINT, VACUUM, PREPARE / EXECUTE, transactions, and any
statement type this DuckDB adds later. `where_condition(text)` accepts exactly one SQL
expression, so a condition cannot close the caller's parentheses or comment out what follows.

Example:
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> len(read_only_statements(con, "select 1; explain select 2"))
    2
    >>> read_only_statements(con, "explain analyze copy (select 1) to 'x.csv'")
    Traceback (most recent call last):
    ...
    prefbasis.errors.QueryError: query is read-only: EXPLAIN ANALYZE runs its statement; use EXPLAIN (statement 1)
    >>> where_condition("c.language = 'en' -- English only")
    "c.language = 'en'"
"""
from __future__ import annotations

import re
from typing import Any

from prefbasis.errors import ConfigError, QueryError

READS = ("SELECT", "DESCRIBE", "SHOW", "SUMMARIZE", "PIVOT", "UNPIVOT", "EXPLAIN")
_LEADING = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)
_EXPLAIN = re.compile(r"^explain\b\s*", re.I)
_WORD = re.compile(r"^\(?\s*([A-Za-z_]+)")


def _strip_leading(sql: str) -> str:
    """`sql` without leading whitespace and comments."""
    return sql[_LEADING.match(sql).end():]


def _kind(statement: Any) -> str:
    """The statement type's name; 'UNKNOWN (n)' for a type this Python binding cannot name
    (`update extensions` is type 29 in DuckDB 2.0 and raises ValueError on `.type`)."""
    try:
        return str(statement.type).rsplit(".", 1)[-1].upper()
    except ValueError as exc:
        number = re.search(r"\d+", str(exc))
        return f"UNKNOWN ({number.group(0) if number else '?'})"


def _refuse(what: str, index: int) -> QueryError:
    return QueryError(f"query is read-only: {what} (statement {index}); prefbasis commands write "
                      "the store (ingest, annotate, extract, ...)")


def _check(con, statement: Any, index: int, depth: int = 0) -> None:
    kind = _kind(statement)
    text = _strip_leading(statement.query)
    if kind == "SELECT":
        return
    if kind == "MULTI":  # PIVOT is a multi-statement (it may create an enum type first)
        word = _WORD.match(text)
        if word and word.group(1).upper() in ("PIVOT", "UNPIVOT", "PIVOT_WIDER", "PIVOT_LONGER"):
            return
        raise _refuse("only PIVOT may hold several steps", index)
    if kind == "EXPLAIN" and depth == 0:
        inner = _strip_leading(_EXPLAIN.sub("", text, count=1))
        if re.match(r"^analy[sz]e\b", inner, re.I):
            raise QueryError(f"query is read-only: EXPLAIN ANALYZE runs its statement; use EXPLAIN "
                             f"(statement {index})")
        if inner.startswith("("):  # EXPLAIN (FORMAT json, ...) statement
            close = inner.find(")")
            options = inner[1:close] if close > 0 else ""
            if close < 0 or re.search(r"analy[sz]e", options, re.I):
                raise QueryError(f"query is read-only: EXPLAIN ANALYZE runs its statement; use "
                                 f"EXPLAIN (statement {index})")
            inner = _strip_leading(inner[close + 1:])
        parsed = _parse(con, inner)
        if len(parsed) != 1:
            raise _refuse("EXPLAIN takes one statement", index)
        _check(con, parsed[0], index, depth + 1)
        return
    if kind.startswith("UNKNOWN"):  # name it by its words: `update extensions` is type 29
        kind = f"{' '.join(text.split()[:2]).upper()} (statement type {kind[9:-1]})"
    raise _refuse(f"{kind} is not a plain read (allowed: SELECT, WITH ... SELECT, DESCRIBE, SHOW, "
                  "SUMMARIZE, PIVOT, EXPLAIN without ANALYZE)", index)


def _parse(con, sql: str) -> list[Any]:
    import duckdb

    try:
        return list(con.extract_statements(sql))
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from None


def read_only_statements(con, sql: str) -> list[Any]:
    """The parsed statements of `sql`; `QueryError` if any is not a plain read."""
    statements = _parse(con, sql)
    if not statements:
        raise QueryError("no SQL statement given")
    for i, st in enumerate(statements, 1):
        _check(con, st, i)
    return statements


def where_condition(text: str, option: str = "--where") -> str:
    """`text` if it is exactly one SQL expression (trailing comments dropped), else `ConfigError`."""
    import duckdb

    try:
        expression = str(duckdb.SQLExpression(text))
    except (duckdb.Error, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{option} takes one SQL condition on comparisons (alias c), e.g. "
                          f"\"c.language = 'English'\": {first}") from None
    if not expression.strip():
        raise ConfigError(f"{option} is empty")
    return expression

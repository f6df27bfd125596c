"""Errors that the CLI turns into a clear message and exit code 2.

Example:
    >>> raise InputError("bad winner value 'x'", file="a.jsonl", row=3, field="winner")
    Traceback (most recent call last):
    ...
    prefbasis.errors.InputError: a.jsonl, row 3, field 'winner': bad winner value 'x'
"""
from __future__ import annotations


class PrefbasisError(Exception):
    """Base class: any error a user can fix. The CLI prints it and exits with code 2."""

    exit_code = 2


class InputError(PrefbasisError):
    """Bad input data, located by file, row (1-based) and field where known."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.message, self.file, self.row, self.field = message, file, row, field
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class StoreError(PrefbasisError):
    """The store cannot be opened or used (in use, too new, read-only, missing)."""


class StoreInUseError(StoreError):
    """Another process holds the store open for writing."""


class QueryError(PrefbasisError):
    """A user SQL statement failed or tried to write."""


class ConfigError(PrefbasisError):
    """A bad option, config file or combination of options."""


class NotInStoreError(ConfigError, InputError):
    """An id, id prefix or name that matches nothing in the store (or several ids): a bad option
    value, located by the option it came from (see `prefbasis.store.catalog`)."""

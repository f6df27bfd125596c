"""Versioned schema: `sql/migrations/NNN_name.sql`, applied in order, each in one transaction.

The store records applied versions in `schema_migrations`. A store whose version is newer than
this package knows is refused (upgrade prefbasis instead of corrupting it).

Example:
    >>> latest_version() >= 1
    True
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from prefbasis.store.sqlfiles import sql_path

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _discover() -> list[Migration]:
    found = []
    for p in sorted(sql_path("migrations").iterdir()):
        m = _NAME.match(p.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), p))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


MIGRATIONS: list[Migration] = _discover()


def latest_version() -> int:
    """The schema version this package writes."""
    return MIGRATIONS[-1].version if MIGRATIONS else 0

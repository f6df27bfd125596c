"""Find the plain `.sql` files shipped in `sql/` (installed as the package `prefbasis.sql`).

Example:
    >>> sql_path("migrations").is_dir()
    True
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def sql_path(*parts: str) -> Path:
    """Path of a file or folder inside the shipped `sql/` folder."""
    root = Path(str(resources.files("prefbasis.sql")))
    return root.joinpath(*parts)


def read_sql(*parts: str) -> str:
    """Text of a shipped SQL file, e.g. ``read_sql("queries", "category_shares.sql")``."""
    return sql_path(*parts).read_text(encoding="utf-8")

"""The ingest filters: `english`, `single_turn`, `no_ties` (applied in that order).

Each reports how many rows it removed. `english` keeps rows whose `language` is English (`English`,
`en`, `en-*`) and also rows with no language at all (the format does not say; counted separately
as `unknown_language`). `no_ties` removes every tie, 'tie (bothbad)' included. `single_turn`
removes rows with more than one user turn.

Example:
    >>> from prefbasis.ingest.records import Record
    >>> rows = [Record("1", "p", "a", "b", "tie"), Record("2", "p", "a", "b", "a", language="German")]
    >>> kept, removed, unknown = apply_filters(rows, english=True, no_ties=True)
    >>> (len(kept), removed, unknown)
    (0, {'english': 1, 'no_ties': 1}, 1)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from prefbasis.ingest.records import Record


def is_english(language: str | None) -> bool:
    lang = language.strip().lower().replace("_", "-")
    return lang in ("english", "en") or lang.startswith("en-")


def apply_filters(records: Iterable[Record], *, english: bool = False, no_ties: bool = False,
                  single_turn: bool = False) -> tuple[list[Record], dict[str, int], int]:
    """(kept records, {filter: rows removed}, rows kept by `english` for lack of a language)."""
    rows = list(records)
    removed: dict[str, int] = {}
    unknown = sum(1 for r in rows if r.language is None) if english else 0
    checks: list[tuple[str, bool, Callable[[Record], bool]]] = [
        ("english", english, lambda r: r.language is None or is_english(r.language)),
        ("single_turn", single_turn, lambda r: r.turns is None or r.turns <= 1),
        ("no_ties", no_ties, lambda r: r.winner != "tie"),
    ]
    for name, active, keep in checks:
        if active:
            before = len(rows)
            rows = [r for r in rows if keep(r)]
            removed[name] = before - len(rows)
    return rows, removed, unknown

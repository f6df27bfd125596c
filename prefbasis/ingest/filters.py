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


def _filter_table(table, english: bool, no_ties: bool, single_turn: bool):
    """The same filters on an Arrow table of Record columns (vectorized)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    removed: dict[str, int] = {}
    unknown = table.column("language").null_count if english else 0

    def english_mask(t):
        lang = pc.replace_substring(pc.utf8_lower(pc.utf8_trim_whitespace(t.column("language"))), "_", "-")
        ok = pc.or_(pc.is_in(lang, value_set=pa.array(["english", "en"])), pc.starts_with(lang, "en-"))
        return pc.fill_null(ok, True)

    checks = [("english", english, english_mask),
              ("single_turn", single_turn, lambda t: pc.fill_null(pc.less_equal(t.column("turns"), 1), True)),
              ("no_ties", no_ties, lambda t: pc.not_equal(t.column("winner"), "tie"))]
    for name, active, mask in checks:
        if active:
            before = table.num_rows
            table = table.filter(mask(table))
            removed[name] = before - table.num_rows
    return table, removed, unknown


def apply_filters(records: Iterable[Record], *, english: bool = False, no_ties: bool = False,
                  single_turn: bool = False) -> tuple[list[Record], dict[str, int], int]:
    """(kept records, {filter: rows removed}, rows kept by `english` for lack of a language).

    `records` may also be an Arrow table of Record columns; then the kept rows are a table too.
    """
    if hasattr(records, "num_rows"):
        return _filter_table(records, english, no_ties, single_turn)
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

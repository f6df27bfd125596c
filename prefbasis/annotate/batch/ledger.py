"""The store's record of batch submissions (`annotate_batches`) and their requests
(`annotate_batch_items`), written before the provider hears of a submission so that a killed run
finds it again.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> sub = Submission("s1", "batch", "http://x/v1", 1, "openai", "m", "t", {"seed": 0}, "run1")
    >>> add_submission(store, sub, [("k1", "c1", False)])
    >>> [s.submission_id for s in open_submissions(store, "batch")], open_keys(store, "batch")
    (['s1'], {'k1'})
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any


@dataclass
class Submission:
    submission_id: str
    kind: str                      # 'batch' | 'export'
    base_url: str | None           # the provider (batch) or the export file (export)
    n_requests: int
    annotator: str
    model: str
    template_hash: str | None
    params: dict[str, Any]
    run_id: str
    status: str = "submitting"
    batch_id: str | None = None
    input_file_id: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    created_at: datetime | None = None
    collected_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


_COLS = [f.name for f in fields(Submission) if f.name != "extra"]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def add_submission(store, sub: Submission, items: list[tuple[str, str, bool]]) -> None:
    """Record a submission and its (cache_key, comparison_id, swapped) items in one transaction."""
    sub.created_at = sub.created_at or _now()
    values = [json.dumps(sub.params, sort_keys=True) if c == "params" else getattr(sub, c) for c in _COLS]
    with store.transaction() as con:
        con.execute(f"insert into annotate_batches({', '.join(_COLS)}, updated_at) "
                    f"values ({', '.join('?' * len(_COLS))}, ?)", [*values, sub.created_at])
        con.execute("insert into annotate_batch_items(submission_id, cache_key, comparison_id, swapped) "
                    "select ?, unnest(?::varchar[]), unnest(?::varchar[]), unnest(?::boolean[])",
                    [sub.submission_id, [i[0] for i in items], [i[1] for i in items], [bool(i[2]) for i in items]])


def update(store, sub: Submission, **changes: Any) -> None:
    """Set fields of a submission (in the store and on the object)."""
    for k, v in changes.items():
        setattr(sub, k, v)
    cols = list(changes)
    with store.transaction() as con:
        con.execute(f"update annotate_batches set {', '.join(f'{c} = ?' for c in cols)}, updated_at = ? "
                    "where submission_id = ?", [*changes.values(), _now(), sub.submission_id])


def mark_collected(store, sub: Submission) -> None:
    update(store, sub, collected_at=_now())


def _rows(store, where: str, params: list[Any]) -> list[Submission]:
    rows = store.execute(f"select {', '.join(_COLS)} from annotate_batches where {where} "
                         "order by created_at, submission_id", params).fetchall()
    out = []
    for row in rows:
        values = dict(zip(_COLS, row))
        values["params"] = json.loads(values["params"]) if values["params"] else {}
        out.append(Submission(**values))
    return out


def open_submissions(store, kind: str, base_url: str | None = None) -> list[Submission]:
    """Submissions of this kind (and provider) whose results are not collected yet, oldest first."""
    return _rows(store, "kind = ? and collected_at is null and (? is null or base_url = ?)",
                 [kind, base_url, base_url])


def open_keys(store, kind: str, base_url: str | None = None) -> set[str]:
    """Cache keys waiting in open submissions (not to be submitted again)."""
    rows = store.execute("select i.cache_key from annotate_batch_items i join annotate_batches b "
                         "using (submission_id) where b.kind = ? and b.collected_at is null "
                         "and (? is null or b.base_url = ?)", [kind, base_url, base_url]).fetchall()
    return {r[0] for r in rows}


def items(store, submission_ids: list[str]) -> dict[str, tuple[str, bool, str]]:
    """{cache_key: (comparison_id, swapped, submission_id)} for these submissions (the last wins)."""
    rows = store.execute("select i.cache_key, i.comparison_id, i.swapped, i.submission_id "
                         "from annotate_batch_items i join annotate_batches b using (submission_id) "
                         "where i.submission_id in (select unnest(?::varchar[])) order by b.created_at",
                         [submission_ids]).fetchall()
    return {r[0]: (r[1], bool(r[2]), r[3]) for r in rows}


def submissions(store, submission_ids: list[str]) -> dict[str, Submission]:
    found = _rows(store, "submission_id in (select unnest(?::varchar[]))", [submission_ids])
    return {s.submission_id: s for s in found}


def exports_holding(store, keys: list[str]) -> list[str]:
    """Submission ids (exports first, newest first) whose items include any of these keys."""
    rows = store.execute("select distinct b.submission_id, b.kind = 'export' as exp, b.created_at "
                         "from annotate_batch_items i join annotate_batches b using (submission_id) "
                         "where i.cache_key in (select unnest(?::varchar[])) order by exp desc, b.created_at",
                         [keys]).fetchall()
    return [r[0] for r in rows]

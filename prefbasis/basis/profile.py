"""Personal profiles: a judge's vector over the k categories (share of their mentions in each).

Example:
    >>> judge_profile(store, basis_id, "judge-3")  # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


def judge_profile(store: "Store", basis_id: str, judge: str) -> "pd.DataFrame":
    """category_id, name, mentions, share (of the judge's mentions; unassigned as its own row)."""
    import pandas as pd

    from prefbasis.embed import normalize_text

    ann = store.df("select a.description from annotations a join comparisons c using (comparison_id) "
                   "join bases b on b.dataset_id = c.dataset_id where b.basis_id = ? and c.judge = ?",
                   [basis_id, judge])
    cats = store.df("select category_id, name from categories where basis_id = ? and kind = 'preference' "
                    "order by category_id", [basis_id])
    assign = store.df("select description, category_id from description_assignments where basis_id = ? "
                      "and kind = 'preference'", [basis_id])
    label = dict(zip(assign["description"], assign["category_id"]))
    counts: dict = {}
    for d in ann["description"]:
        c = label.get(normalize_text(d))
        key = -1 if c is None or pd.isna(c) else int(c)
        counts[key] = counts.get(key, 0) + 1
    total = max(sum(counts.values()), 1)
    rows = [(int(c), n, counts.get(int(c), 0)) for c, n in zip(cats["category_id"], cats["name"])]
    rows.append((None, "(unassigned)", counts.get(-1, 0)))

    df = pd.DataFrame(rows, columns=["category_id", "name", "mentions"])
    df["share"] = (df["mentions"] / total).round(4)
    return df

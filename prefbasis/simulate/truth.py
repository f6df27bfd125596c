"""The planted category of each description a basis was fit on, for scoring it against the truth.

Descriptions the simulated annotator wrote (annotator 'simulated') are looked up in
`planted_descriptions`. Descriptions another annotator made from the simulated judges' rationales
(`annotate --annotator rationale`) are traced through their evidence: the rationale sentence each
came from is in `planted_mentions` with its planted category; a description takes the category
most of its mentions came from.

Example:
    >>> from prefbasis.store import Store
    >>> planted_labels(Store.open(":memory:"), "no-such-dataset", "rationale").empty
    True
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store

ORACLE = "simulated"


def planted_labels(store: "Store", dataset_id: str, annotator: str | None) -> "pd.DataFrame":
    """(description, planted_category) with descriptions normalized as the basis stores them."""
    import pandas as pd

    from prefbasis.embed import normalize_text

    if annotator in (None, ORACLE):
        frame = store.df("select description, planted_category from planted_descriptions where dataset_id = ?",
                         [dataset_id])
    else:
        frame = store.df(
            "select a.description, p.planted_category from annotations a "
            "join planted_mentions p on p.comparison_id = a.comparison_id and p.dataset_id = ? "
            "and trim(p.sentence) = trim(a.evidence) where a.annotator = ?", [dataset_id, annotator])
    if frame.empty:
        return pd.DataFrame({"description": [], "planted_category": []})
    frame["description"] = frame["description"].map(normalize_text)
    counts = frame.groupby(["description", "planted_category"]).size().rename("n").reset_index()
    counts = counts.sort_values(["description", "n", "planted_category"], ascending=[True, False, True])
    return counts.drop_duplicates("description")[["description", "planted_category"]].reset_index(drop=True)

"""How well a basis recovers a simulated dataset's planted truth: ARI of the description
categories, Spearman of per-category pElo against the planted model strengths; stored in
`basis_recovery` so the report shows them.

Example:
    >>> ari, match = recovery_ari(store, basis_id, dataset_id)  # doctest: +SKIP
    >>> save_recovery(store, basis_id, dataset_id)  # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from prefbasis.simulate.idiosyncratic import LABEL as IDIOSYNCRATIC

if TYPE_CHECKING:
    import pandas as pd

    from prefbasis.store import Store


def recovery_ari(store: "Store", basis_id: str, dataset_id: str) -> "tuple[float | None, pd.DataFrame]":
    """Adjusted Rand index of the basis's description categories vs the planted ones (unassigned = own label;
    the planted category of a description the rationale backend wrote is that of the rationale sentence
    it came from, `simulate/truth.py`),
    over the descriptions of planted categories only (the simulator's one-off '(idiosyncratic)' reasons,
    which no category should cover, are left out), and the planted category each basis category matches."""
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score

    from prefbasis.embed import normalize_text
    from prefbasis.simulate.truth import planted_labels
    from prefbasis.store.catalog import basis_row

    annotator = (basis_row(store, basis_id).get("params") or {}).get("annotator")
    planted = planted_labels(store, dataset_id, annotator)   # traced through the evidence for 'rationale'
    planted = planted[planted["planted_category"] != IDIOSYNCRATIC]
    if planted.empty:
        return None, pd.DataFrame()
    assigned = store.df("select description, category_id from description_assignments "
                        "where basis_id = ? and kind = 'preference'", [basis_id])
    assigned["description"] = assigned["description"].map(normalize_text)
    both = planted.merge(assigned.drop_duplicates("description"), on="description", how="inner")
    if both.empty:
        return None, pd.DataFrame()
    found = both["category_id"].astype("Int64").astype(str).where(both["category_id"].notna(), "unassigned")
    ari = float(adjusted_rand_score(both["planted_category"], found))
    match = (both.dropna(subset=["category_id"]).groupby("category_id")["planted_category"]
             .agg(lambda s: s.value_counts().index[0]).rename("planted_category").reset_index())
    match.attrs["n"] = len(both)
    return ari, match


def recovery_spearman(store: "Store", basis_id: str, dataset_id: str, match: "pd.DataFrame") -> "pd.DataFrame | None":
    """Spearman of per-category pElo vs the planted per-category model strengths."""
    import pandas as pd
    from scipy.stats import spearmanr

    from prefbasis.store.catalog import categories

    if match.empty:
        return None
    strengths = store.df("select planted_category, model, strength from planted_model_strengths "
                         "where dataset_id = ?", [dataset_id])
    ratings = store.df("select category_id, model, rating from ratings where basis_id = ? "
                       "and scope = 'preference' and rating is not null", [basis_id])
    names = categories(store, basis_id, "preference").set_index("category_id")["name"]
    rows = []
    for cid, planted in zip(match["category_id"], match["planted_category"]):
        r = ratings[ratings["category_id"] == cid].merge(
            strengths[strengths["planted_category"] == planted], on="model")
        if len(r) >= 3:
            rows.append({"category_id": int(cid), "category": names.get(cid), "planted_category": planted,
                         "models": len(r), "spearman": float(spearmanr(r["rating"], r["strength"]).statistic)})
    return pd.DataFrame(rows) if rows else None


def save_recovery(store: "Store", basis_id: str, dataset_id: str
                  ) -> "tuple[float | None, pd.DataFrame | None, int | None]":
    """Score the basis (and its pElo ratings) against the planted truth and store the scores in
    `basis_recovery` (replacing earlier ones); (ARI, per-category Spearman, planted k), or Nones
    when the dataset has no planted truth."""
    ari, match = recovery_ari(store, basis_id, dataset_id)
    if ari is None:
        return None, None, None
    spearman = recovery_spearman(store, basis_id, dataset_id, match)
    planted_k = store.scalar("select count(distinct planted_category) from planted_descriptions "
                             "where dataset_id = ? and planted_category <> ?", [dataset_id, IDIOSYNCRATIC])
    rows = [(basis_id, dataset_id, "ari", None, None, None, ari, match.attrs.get("n"))]
    if spearman is not None:
        rows += [(basis_id, dataset_id, "spearman", int(r.category_id), r.category, r.planted_category,
                  float(r.spearman), int(r.models)) for r in spearman.itertuples()]
    with store.transaction() as con:
        con.execute("delete from basis_recovery where basis_id = ? and dataset_id = ?", [basis_id, dataset_id])
        con.executemany("insert into basis_recovery(basis_id, dataset_id, metric, category_id, category, "
                        "planted_category, value, n) values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return ari, spearman, int(planted_k) if planted_k else None

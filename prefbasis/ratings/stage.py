"""pElo: Bradley–Terry ratings overall, per preference category and per topic, with bootstrap CIs.

For every scope (overall; each preference category of the basis; each topic category) the battles
whose comparison carries that category are rated by Bradley–Terry (ties half) under a weak Gaussian
prior on the strengths (`prior_sd`, default 400 Elo; 0 / None = the exact MLE), on the Elo scale,
with multinomial-bootstrap percentile intervals and a CI-based rank. Models (or whole categories)
with fewer than `min_battles` battles get a row with `insufficient` true and NULL rating. All rows
are written to `ratings` in one transaction, replacing that basis's earlier ratings of the same scopes.

Example:
    >>> from prefbasis.store import Store
    >>> store = Store.open(":memory:")
    >>> with store.transaction() as con:
    ...     for i, w in enumerate("aaab" * 30):
    ...         _ = con.execute("insert into comparisons(comparison_id, dataset_id, model_a, model_b, winner)"
    ...                         " values (?, 'd', 'x', 'y', ?)", [str(i), w])
    >>> table = pelo(store, PeloConfig(bootstrap=0, min_battles=10))
    >>> table[["model", "rating", "rank"]].round(0).values.tolist()
    [['x', 1095.0, 1], ['y', 905.0, 2]]
"""
from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np
import pandas as pd

from prefbasis.errors import ConfigError, PrefbasisError
from prefbasis.ratings.battles import BattleFilter, load_counts
from prefbasis.ratings.bradley_terry import BASE_RATING, aggregate_outcomes
from prefbasis.ratings.config import DEFAULT_PRIOR_SD, PeloConfig, Scope
from prefbasis.ratings.scopes import StyleRater, rate_counts
from prefbasis.store import Store

COLUMNS = ["basis_id", "scope", "category_id", "category", "model", "rating", "ci_low", "ci_high",
           "rank", "battles", "wins", "insufficient", "style_control", "run_id"]


def _scope_list(store: Store, basis_id: str | None, cfg: PeloConfig) -> list[tuple[str, int | None, str | None]]:
    from prefbasis.store.catalog import categories

    scopes = [("overall", None, None)] if Scope.overall in cfg.scopes else []
    if basis_id is not None:
        wanted = {s.value for s in cfg.scopes}
        cats = categories(store, basis_id)
        scopes += [(r.kind, int(r.category_id), r.name) for r in cats.itertuples() if r.kind in wanted]
    return scopes


def _basis_id(store: Store, basis: str | None) -> str | None:
    """The named basis (id, prefix or name), else the latest one, else None (overall only)."""
    from prefbasis.store.catalog import latest_basis, resolve_basis

    if basis is None:
        latest = latest_basis(store)
        return latest.basis_id if latest else None
    return resolve_basis(store, basis).basis_id


def _dataset_id(store: Store, dataset: str | None) -> str | None:
    """A dataset id through the catalog; a pattern with % stays a SQL LIKE pattern on the id."""
    from prefbasis.store.catalog import resolve_dataset

    if dataset is None or "%" in dataset:
        return dataset
    return resolve_dataset(store, dataset).dataset_id


_NO_ROWS = np.empty(0, dtype=np.int64)
NO_CATEGORY = -1   # the key of the scopes without a category (overall) in `_scope_rows`


def _scope_rows(counts: pd.DataFrame) -> dict[tuple[str, int], np.ndarray]:
    """(kind, category id or NO_CATEGORY) -> the positions of its rows in `counts`.

    Example:
        >>> c = pd.DataFrame({"kind": ["overall", "preference", "preference"],
        ...                   "category_id": pd.array([None, 3, 3], dtype="Int64")})
        >>> {k: v.tolist() for k, v in _scope_rows(c).items()}
        {('overall', -1): [0], ('preference', 3): [1, 2]}
    """
    if counts.empty:
        return {}
    ids = pd.array(counts.category_id, dtype="Int64").fillna(NO_CATEGORY).to_numpy(dtype=np.int64)
    return {(kind, int(cid)): rows for (kind, cid), rows in
            pd.DataFrame({"kind": counts.kind.to_numpy(), "cid": ids}).groupby(["kind", "cid"], sort=False).indices.items()}


def pelo(store: Store, config: PeloConfig | None = None) -> pd.DataFrame:
    """Rate every scope; write `ratings` (unless `config.write` is false); return the rows.

    Columns: basis_id, scope, category_id, category, model, rating, ci_low, ci_high, rank,
    battles, wins, insufficient, style_control, run_id.
    """
    from prefbasis.hashing import content_hash
    from prefbasis.progress import progress

    cfg = config or PeloConfig()
    anchor = cfg.validate()
    basis_id = _basis_id(store, cfg.basis)
    flt = BattleFilter(judge=cfg.judge, dataset=_dataset_id(store, cfg.dataset))
    counts = load_counts(store, flt, basis_id)
    overall = counts[counts.kind == "overall"]
    if overall.empty:
        raise PrefbasisError("no battles to rate: no comparisons with two different model names"
                             + (" match the filters" if cfg.judge or cfg.dataset else
                                " (ingest data that names its models)"))
    models = sorted(set(overall.model_a) | set(overall.model_b))
    if anchor is not None and anchor[0] not in models:
        raise ConfigError(f"--anchor model {anchor[0]!r} has no battles; models: {', '.join(models)}")
    code = {name: i for i, name in enumerate(models)}
    notes: list[str] = []
    if cfg.style_control:
        rater = StyleRater(store, flt, basis_id, models, cfg, anchor)
        if rater.dropped:
            notes.append(f"style control: {rater.dropped} battles without both response texts left out")
    if not cfg.style_control:   # each scope's rows, found once (not a mask over every row per scope)
        scope_rows = _scope_rows(counts)
        code_a, code_b = counts.model_a.map(code).to_numpy(), counts.model_b.map(code).to_numpy()
        winners, n_battles = counts.winner.to_numpy(), counts.n.to_numpy()
    frames = []
    for s, (kind, cat_id, cat_name) in enumerate(progress(_scope_list(store, basis_id, cfg),
                                                          desc="pelo scopes", unit="scope")):
        if cfg.style_control:
            part = rater.rate(kind, cat_id, seed=cfg.seed + s)
        else:
            rows = scope_rows.get((kind, NO_CATEGORY if cat_id is None else int(cat_id)), _NO_ROWS)
            pairs, agg = aggregate_outcomes(code_a[rows], code_b[rows], winners[rows], n_battles[rows],
                                            n_models=len(models))
            part = rate_counts(models, pairs, agg, cfg, anchor, seed=cfg.seed + s)
        part.insert(0, "scope", kind)
        part.insert(1, "category_id", pd.array([cat_id] * len(part), dtype="Int64"))
        part.insert(2, "category", cat_name)
        frames.append(part.sort_values(["rating", "model"], ascending=[False, True], na_position="last"))
    table = pd.concat(frames, ignore_index=True)
    params = {**asdict(cfg), "scopes": [s.value for s in cfg.scopes], "basis_id": basis_id}
    run_id = content_hash("pelo", params, str(pd.Timestamp.now()))
    table.insert(0, "basis_id", basis_id)
    table["style_control"] = cfg.style_control
    table["run_id"] = run_id
    table = table[COLUMNS]
    table.attrs["notes"] = notes
    if cfg.write:
        _write(store, table, run_id, basis_id, int(overall.n.sum()), cfg, params)
    return table


def _write(store: Store, table: pd.DataFrame, run_id: str, basis_id: str | None, battles: int,
           cfg: PeloConfig, params: dict) -> None:
    """Replace this basis's ratings with `table` and record the run, all in one transaction."""
    anchor = cfg.anchor or f"mean={BASE_RATING:g}"
    with store.transaction() as con:
        # replace this basis's ratings of the scopes rated now (an `--scope overall` run keeps the
        # per-category rows of another run, and the other way round)
        con.execute("delete from ratings where basis_id is not distinct from ? and scope in (select unnest(?))",
                    [basis_id, [s.value for s in cfg.scopes]])
        con.execute("insert into pelo_runs(run_id, basis_id, battles, bootstrap, min_battles, "
                    "style_control, anchor, seed, params) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, basis_id, battles, cfg.bootstrap, cfg.min_battles, cfg.style_control,
                     anchor, cfg.seed, json.dumps(params, default=str)])
        con.register("pelo_rows", table)
        try:
            con.execute(f"insert into ratings({', '.join(COLUMNS)}) select {', '.join(COLUMNS)} from pelo_rows")
        finally:
            con.unregister("pelo_rows")

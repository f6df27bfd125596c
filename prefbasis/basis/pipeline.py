"""`extract(store, ExtractConfig)`: fit the preference and topic bases of a dataset and save them.

Reads the dataset's annotations, embeds (cached), fits `PreferenceBasis`, assigns every distinct
description and comparison, runs the validations and writes bases, categories, assignments,
curves, stability and the basis card in one transaction.

Example:
    >>> res = extract(store, ExtractConfig(k="auto", seed=0))  # doctest: +SKIP
    >>> res.k  # doctest: +SKIP
    21
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from prefbasis.basis.config import K_MAX, ExtractConfig
from prefbasis.basis.estimator import PreferenceBasis
from prefbasis.errors import ConfigError
from prefbasis.hashing import content_hash

if TYPE_CHECKING:
    from prefbasis.store import Store

MIN_JUDGES = 10  # use judges as individuals when the data has at least this many, else comparisons


@dataclass
class ExtractResult:
    basis_id: str
    name: str
    k: int
    coverage: float
    variation_explained: float
    pca_optimum: float
    unassigned_share: float
    n_descriptions: int
    n_mentions: int
    topic_k: int | None = None
    stability: float | None = None
    heldout_coverage: float | None = None
    card: dict = field(default_factory=dict, repr=False)
    leakage: dict = field(default_factory=dict, repr=False)
    target: float | None = None
    target_reached: bool | None = None      # --k auto only: did coverage reach the target?
    dataset: str = ""                        # the name of the dataset the basis was fit on
    # without --dataset: the store's other annotated datasets (names), which this basis leaves out
    other_datasets: list[str] = field(default_factory=list)


def _normalized(column, normalize) -> list:
    """normalize(value) per row, computed once per distinct value (a mention column repeats a lot);
    missing and empty values give None."""
    values = column.tolist()  # one conversion (iterating an Arrow-backed column boxes every value)
    table = {v: normalize(v) for v in set(values) if isinstance(v, str) and v}
    return [table.get(v) if isinstance(v, str) and v else None for v in values]


def _individuals(mentions, texts_index: dict[str, int], col: str):
    from scipy import sparse

    ids = mentions[col].astype(str).to_numpy()
    uniq, rows = np.unique(ids, return_inverse=True)
    cols = np.array([texts_index[t] for t in mentions["norm"].tolist()])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(uniq), len(texts_index)))


def _fit_kind(texts_col, mentions, cfg: ExtractConfig, embed, individuals_col: str, phrase_col: str | None,
              k, nmf: bool = True, curves: bool = True) -> tuple[PreferenceBasis, list[str], np.ndarray]:
    """Fit one basis on a column of the mentions; returns the estimator, distinct texts, vectors."""
    sub = mentions[mentions[texts_col].notna()].copy()
    sub["norm"] = sub[texts_col + "_norm"]
    norm = sub["norm"].tolist()  # plain lists: iterating Arrow-backed columns boxes every value
    counts = Counter(norm)
    texts = sorted(counts)
    index = {t: i for i, t in enumerate(texts)}
    vecs = embed(texts)
    phrases = None
    if phrase_col:
        grouped: dict[str, Counter] = {t: Counter() for t in texts}
        for t, p in zip(norm, sub[phrase_col].tolist()):
            if p:
                grouped[t][str(p).strip().lower()] += 1
        phrases = [grouped[t] for t in texts]
    pb = PreferenceBasis(k=k, target=cfg.target, method=cfg.method, tau=cfg.tau, n_atoms=cfg.n_atoms,
                         k_max=K_MAX, seed=cfg.seed, embedder=None, nmf=nmf, curves=curves)
    pb.fit(texts, sample_weight=[counts[t] for t in texts], individuals=_individuals(sub, index, individuals_col),
           embeddings=vecs, phrases=phrases)
    return pb, texts, vecs


def extract(store: "Store", cfg: ExtractConfig) -> ExtractResult:
    """Fit, validate and save a basis; returns its id and headline metrics."""
    import pandas as pd

    from prefbasis.basis import card as card_mod
    from prefbasis.basis import stability as stab
    from prefbasis.basis import store_adapter as sa
    from prefbasis.basis import topics as top
    from prefbasis.embed import DEFAULT_EMBEDDING_MODEL, normalize_text, store_embedder

    model = cfg.embedding_model or DEFAULT_EMBEDDING_MODEL
    from prefbasis.store.catalog import datasets_in

    PreferenceBasis(k=cfg.k, target=cfg.target, method=cfg.method, tau=cfg.tau, n_atoms=cfg.n_atoms,
                    seed=cfg.seed).check_params()   # bad options fail before any work
    refs = _datasets(store, cfg)
    dataset_ids = [d.dataset_id for d in refs]
    dataset_name = "+".join(d.name for d in refs)
    annotators = {d: sa.resolve_annotator(store, d, cfg.annotator) for d in dataset_ids}
    annotator = ",".join(sorted(set(annotators.values())))
    mentions = _pooled_mentions(store, annotators)
    mentions["description_norm"] = _normalized(mentions["description"], normalize_text)
    mentions = mentions[mentions["description_norm"].fillna("") != ""].reset_index(drop=True)
    mentions["topic_norm"] = _normalized(mentions["topic"], normalize_text)
    n_judges = mentions["judge"].dropna().nunique()
    ind_col = "judge" if n_judges >= MIN_JUDGES and mentions["judge"].notna().all() else "comparison_id"
    embed = store_embedder(store, model, backend=cfg.backend, device=cfg.device, quiet=cfg.quiet)
    pb, texts, vecs = _fit_kind("description", mentions, cfg, embed, ind_col, "preference", cfg.k)

    params = {"k": cfg.k, "target": cfg.target, "method": cfg.method.value, "tau": cfg.tau, "seed": cfg.seed,
              "n_atoms": cfg.n_atoms, "embedding_model": model, "individuals": ind_col,
              "stability": cfg.stability, "annotator": annotator, "embedding_backend": embed.backend}
    fingerprint = content_hash(model, embed.backend, sorted(Counter(mentions["description_norm"]).items()))
    # a single dataset's id alone (the ids of bases fit before pooling existed stay the same)
    basis_id = content_hash("basis", dataset_ids[0] if len(dataset_ids) == 1 else dataset_ids, fingerprint, params)
    name = cfg.name or f"{dataset_name}-{cfg.method.value}-k{pb.k_}"

    report = stab.bootstrap(pb, cfg.stability, seed=cfg.seed) if cfg.stability > 0 else None
    heldout = None
    if cfg.heldout and mentions["comparison_id"].nunique() >= 10:
        idx = {t: i for i, t in enumerate(texts)}
        norm = mentions["description_norm"].tolist()
        rows = np.array([idx[t] for t in norm])
        heldout = stab.heldout_coverage(
            {"k": pb.k_, "target": cfg.target, "tau": pb.tau_, "method": cfg.method, "n_atoms": cfg.n_atoms},
            norm, mentions["comparison_id"].to_numpy(), vecs[rows], seed=cfg.seed)

    leak = _leakage(store, dataset_ids, mentions, pb, texts, vecs, cfg.seed)
    if leak.flagged_names:  # a name carries subject matter: name the categories again without it
        pb.rename(leak.content_roots)
        leak = _leakage(store, dataset_ids, mentions, pb, texts, vecs, cfg.seed)
    flagged = set(leak.flagged_names)
    categories = [{"category_id": c.category_id, "name": c.name, "kind": "preference", "share": c.share,
                   "size": c.size, "mentions": c.mentions, "medoid": c.medoid, "examples": c.examples,
                   "stability": report.per_category[c.category_id] if report and report.per_category else None,
                   "top3_prompt_share": leak.top3_prompt_share[c.category_id],
                   "name_flagged": c.category_id in flagged,
                   "vector": pb.category_vectors_[c.category_id]} for c in pb.categories_]
    target_reached = bool(pb.coverage_ >= cfg.target - 1e-12) if cfg.k == "auto" else None
    assign = [pd.DataFrame({"basis_id": basis_id, "kind": "preference", "description": pb.descriptions_,
                            "category_id": pd.array([v if v >= 0 else None for v in pb.labels_], dtype="Int32"),
                            "similarity": pb.similarity_})]
    label_of = dict(zip(pb.descriptions_, pb.labels_))
    sim_of = dict(zip(pb.descriptions_, pb.similarity_))
    comp = _comparison_rows(basis_id, "preference", mentions, "description_norm", label_of, sim_of)
    topic_info = None
    if cfg.topics and mentions["topic_norm"].notna().any():
        tb, _, _ = _fit_kind("topic", mentions, cfg, embed, ind_col, "topic", "auto", nmf=False, curves=False)
        categories += [{"category_id": c.category_id, "name": c.name, "kind": "topic", "share": c.share,
                        "size": c.size, "mentions": c.mentions, "medoid": c.medoid, "examples": c.examples,
                        "vector": tb.category_vectors_[c.category_id]} for c in tb.categories_]
        assign.append(pd.DataFrame({"basis_id": basis_id, "kind": "topic", "description": tb.descriptions_,
                                    "category_id": pd.array([v if v >= 0 else None for v in tb.labels_],
                                                            dtype="Int32"),
                                    "similarity": tb.similarity_}))
        t_label = dict(zip(tb.descriptions_, tb.labels_))
        comp = pd.concat([comp, _comparison_rows(basis_id, "topic", mentions, "topic_norm", t_label,
                                                 dict(zip(tb.descriptions_, tb.similarity_)))])
        has_topic = mentions["topic_norm"].notna()
        tl = np.array([t_label[t] for t in mentions.loc[has_topic, "topic_norm"]])
        pl = np.array([label_of[t] for t in mentions.loc[has_topic, "description_norm"]])
        table = top.topic_preference_table(tl, pl, np.ones(len(tl)), tb.k_, pb.k_)
        topic_info = {"k": tb.k_, "coverage": tb.coverage_, "names": tb.category_names_,
                      "shares": [c.share for c in tb.categories_],
                      "preference_coverage": top.coverage_by_topic(table),
                      "table": table.tolist(), "table_columns": pb.category_names_ + ["(unassigned)"]}

    kc = len(pb.coverage_curve_)
    curves = pd.DataFrame({"basis_id": basis_id, "kind": "preference", "k": np.arange(1, kc + 1),
                           "coverage": pb.coverage_curve_, "variation_explained": pb.variation_curve_,
                           "pca_optimum": pb.pca_curve_, "unassigned_share": 1 - pb.coverage_curve_})
    stab_rows = pd.DataFrame({"basis_id": basis_id, "replicate": np.arange(len(report.ari)),
                              "matched_cosine": report.matched_cosine, "ari": report.ari}) if report else pd.DataFrame()
    metrics = {"coverage": pb.coverage_, "variation_explained": pb.variation_explained_,
               "pca_optimum": pb.pca_optimum_, "unassigned_share": pb.unassigned_share_,
               "nmf_r2": pb.nmf_["r2"] if pb.nmf_ else None,
               "stability_matched_cosine": report.mean_cosine if report else None,
               "stability_ari": report.mean_ari if report else None, "heldout_coverage": heldout,
               "n_descriptions": len(texts), "n_mentions": len(mentions), "n_individuals": pb.n_individuals_,
               "content_leakage": leak.content_leakage, "topic_leakage_ami": leak.topic_leakage_ami,
               "effective_categories": leak.effective_categories,
               "same_label_cross_prompt_cosine": leak.same_label_cross_prompt,
               "different_label_same_prompt_cosine": leak.different_label_same_prompt,
               "separation": leak.separation, "flagged_names": len(flagged),
               "k_target_reached": target_reached}
    single = dataset_ids[0] if len(dataset_ids) == 1 else None
    card = {"basis_id": basis_id, "name": name, "dataset_id": single, "dataset_ids": dataset_ids, "k": pb.k_,
            "embedding_model": model,
            "embedding_backend": embed.backend,
            "params": params, "fingerprint": fingerprint, "metrics": metrics,
            "categories": [{k: v for k, v in c.items() if k != "vector"} for c in categories if c["kind"] == "preference"],
            "nmf": ({"r2": pb.nmf_["r2"], "top_atoms": pb.nmf_["top_atoms"]} if pb.nmf_ else None),
            "topics": topic_info,
            "curves": curves.drop(columns=["basis_id", "kind"]).to_dict("records")}
    row = {"name": name, "k": pb.k_, "coverage": pb.coverage_, "variation_explained": pb.variation_explained_,
           "params": json.dumps(params), "dataset_id": single, "dataset_ids": dataset_ids,
           "method": cfg.method.value, "tau": pb.tau_,
           "embedding_model": model, "unassigned_share": pb.unassigned_share_, "pca_optimum": pb.pca_optimum_,
           "nmf_r2": metrics["nmf_r2"], "stability": metrics["stability_matched_cosine"],
           "stability_ari": metrics["stability_ari"], "heldout_coverage": heldout,
           "n_descriptions": len(texts), "n_mentions": len(mentions), "fingerprint": fingerprint,
           "content_leakage": leak.content_leakage, "topic_leakage": leak.topic_leakage_ami,
           "effective_categories": leak.effective_categories, "separation": leak.separation,
           "k_target_reached": target_reached}
    with store.transaction() as con:
        sa.write_basis(con, basis_id, row, categories, pd.concat(assign, ignore_index=True), comp, curves,
                       stab_rows, card, card_mod.card_markdown(card))
    return ExtractResult(basis_id, name, pb.k_, pb.coverage_, pb.variation_explained_, pb.pca_optimum_,
                         pb.unassigned_share_, len(texts), len(mentions), topic_info["k"] if topic_info else None,
                         metrics["stability_matched_cosine"], heldout, card, leak.as_dict(),
                         cfg.target if cfg.k == "auto" else None, target_reached, dataset_name,
                         [] if cfg.dataset or cfg.pool else [d.name for d in datasets_in(store, annotated=True)
                                                            if d.dataset_id not in dataset_ids])


def _datasets(store: "Store", cfg: ExtractConfig) -> list:
    """The datasets the basis is fit on (`DatasetRef`s, by id): `--pool`'s, or the one `--dataset`
    names (default the latest annotated)."""
    from prefbasis.store.catalog import resolve_dataset

    refs = [resolve_dataset(store, d, annotated=True) for d in cfg.pool or [cfg.dataset]]
    if len({d.dataset_id for d in refs}) != len(refs):
        raise ConfigError(f"--pool names one dataset twice: {cfg.pool} are "
                          f"{[d.dataset_id[:12] for d in refs]}")
    return sorted(refs, key=lambda d: d.dataset_id)   # the pool's order does not change the basis


def _pooled_mentions(store: "Store", annotators: dict[str, str]):
    """The mentions of every dataset (each by its annotator). Pooled, a judge is a judge of one
    dataset: "human" in two datasets is two individuals, not one."""
    import pandas as pd

    from prefbasis.basis import store_adapter as sa

    frames = [sa.read_mentions(store, d, a) for d, a in annotators.items()]
    if len(frames) > 1:
        for d, f in zip(annotators, frames):   # a missing judge stays missing (pandas may say NaN)
            f["judge"] = [f"{d}/{j}" if isinstance(j, str) else None for j in f["judge"].tolist()]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _leakage(store: "Store", dataset_ids: list[str], mentions, pb: PreferenceBasis, texts: list[str],
             vecs: np.ndarray, seed: int):
    """The leakage metrics (basis/leakage.py) of the fitted preference basis over the mentions."""
    import pandas as pd

    from prefbasis.basis import leakage
    from prefbasis.basis import store_adapter as sa
    from prefbasis.words import content_stems_of

    ctx = pd.concat([sa.read_contexts(store, d) for d in dataset_ids], ignore_index=True)
    # plain lists: iterating Arrow-backed columns (itertuples) boxes every value, ≈ 0.2 s per 10k rows
    contexts = list(zip(*([v if isinstance(v, str) else None for v in ctx[c].tolist()]   # NULL: None, not NaN
                          for c in ("comparison_id", "prompt", "response_a", "response_b"))))
    context_of = {cid: content_stems_of((p, a, b)) for cid, p, a, b in contexts}
    prompt_of = {cid: p if p is not None else cid for cid, p, _, _ in contexts}
    index = {t: i for i, t in enumerate(texts)}
    described = mentions["description_norm"].tolist()
    rows = np.array([index[t] for t in described])
    cids = mentions["comparison_id"].tolist()
    return leakage.leakage_report(
        described, [prompt_of.get(c, c) for c in cids],
        [context_of.get(c, set()) for c in cids], pb.labels_[rows], pb.category_names_,
        preference_labels=mentions["preference"].fillna("").tolist(), embeddings=vecs[rows], seed=seed)


def _comparison_rows(basis_id: str, kind: str, mentions, col: str, label_of: dict, sim_of: dict):
    """One row per (comparison, assigned category), similarity = the best of its mentions."""
    import pandas as pd

    sub = mentions[mentions[col].notna()]
    texts = sub[col].tolist()
    frame = pd.DataFrame({"comparison_id": sub["comparison_id"].to_numpy(),
                          "category_id": [int(label_of[t]) for t in texts],
                          "similarity": [float(sim_of[t]) for t in texts]})
    frame = frame[frame["category_id"] >= 0]
    frame = frame.groupby(["comparison_id", "category_id"], as_index=False)["similarity"].max()
    frame.insert(0, "kind", kind)
    frame.insert(0, "basis_id", basis_id)
    return frame.sort_values(["comparison_id", "category_id"]).reset_index(drop=True)

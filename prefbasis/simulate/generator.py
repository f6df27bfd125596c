"""The generative story of a simulated preference dataset (see docs/simulate.md), in memory.

1. Each model has a strength per category: a shared part plus a category-specific part (logits).
2. Each judge has a Dirichlet mixture over categories; each topic boosts a few categories.
3. Each comparison: a topic, two distinct models, a judge; the reason category c is drawn from
   the judge's mixture times the topic's boost; the winner is drawn by Bradley–Terry on the two
   models' strengths for c; the annotation states c first, then 0-2 extra reasons.
4. Each mention gets a description from its category's pool of distinct paraphrases: every pool
   entry is used at least once, the rest of the mentions follow a Zipf law over the pool.
5. A share `idiosyncratic_share` of stated reasons are one-off idiosyncratic reasons (the long tail
   no category covers): each used once; a comparison decided by one goes to the model that is
   stronger on average over the categories (Bradley–Terry on the mean strength).
6. A share `subject_share` of stated reasons name the prompt's subject ("It is brief and concise
   about the python loop."), and each judge writes its rationale in its own reference style and
   verdict form, a share `swap_share` of them with the pair shown swapped (`rationales.py`).

Example:
    >>> data = generate(SimulationConfig(seed=1, n_comparisons=200, n_distinct=150, n_judges=5))
    >>> len(data.comparisons), data.annotations["paraphrase"].nunique()
    (200, 150)
    >>> int((data.annotations["planted_category"] == "(idiosyncratic)").sum()) > 0
    True
"""
from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from prefbasis.errors import ConfigError
from prefbasis.simulate.config import SimulationConfig
from prefbasis.simulate.idiosyncratic import LABEL as IDIOSYNCRATIC, idiosyncratic_reasons, short_preference
from prefbasis.simulate.phrasebank import CATEGORIES, FRAMES, Category, render
from prefbasis.simulate.rationales import about_winner, judge_style, prompt_subject, with_subject, write_rationale
from prefbasis.simulate.responses import response_pair
from prefbasis.simulate.topics import TOPICS, model_names

ELO_PER_LOGIT = 400.0 / np.log(10.0)


@dataclass
class SimulatedData:
    """Everything one simulation produces, before it is written to a store."""

    config: SimulationConfig
    comparisons: pd.DataFrame       # one row per comparison (Record fields + planted columns)
    annotations: pd.DataFrame       # comparison index, position, preference, description, topic, category
    strengths: pd.DataFrame         # model, planted_category, strength (logits), elo
    judges: pd.DataFrame            # judge, planted_category, weight
    categories: pd.DataFrame        # planted_category, name, description
    topics: pd.DataFrame            # topic (phrase), planted_topic
    descriptions: pd.DataFrame = field(default_factory=pd.DataFrame)  # description, planted_category
    mentions: pd.DataFrame = field(default_factory=pd.DataFrame)      # comparison, sentence, planted_category


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a row-stochastic matrix."""
    cum = probs.cumsum(axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _allocate(counts: np.ndarray, total: int, caps: np.ndarray) -> np.ndarray:
    """Split `total` over categories ∝ counts (largest remainder), never above min(count, cap).

    Every category with a mention gets at least one, so the total may exceed a tiny `total`.
    """
    limit = np.minimum(counts, caps)
    alloc = (limit > 0).astype(int)
    total = int(max(min(total, limit.sum()), alloc.sum()))
    while alloc.sum() < total:
        room = limit - alloc
        open_ = room > 0
        want = (total - alloc.sum()) * counts * open_ / max((counts * open_).sum(), 1)
        step = np.minimum(np.floor(want).astype(int), room)
        if step.sum() == 0:  # hand out the remainder one by one, largest fractional part first
            order = np.argsort(-(want - np.floor(want)) - open_ * 1e-9, kind="stable")
            for k in order[: total - alloc.sum()]:
                if room[k] > 0:
                    alloc[k] += 1
            continue
        alloc += step
    return alloc


def expected_shares(mixtures: np.ndarray, boost: np.ndarray) -> np.ndarray:
    """Expected share of each category as the deciding reason (judge and topic drawn uniformly)."""
    p = mixtures[:, None, :] * boost[None, :, :]
    return (p / p.sum(axis=2, keepdims=True)).mean(axis=(0, 1))


def popularity(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Target share of each of `n` categories: ∝ 1/rank^exponent, ranks in a seeded random order."""
    shares = 1.0 / np.arange(1, n + 1) ** exponent
    return (shares / shares.sum())[rng.permutation(n)]


def balance_mixtures(mixtures: np.ndarray, boost: np.ndarray, iters: int = 50,
                     target: np.ndarray | None = None) -> np.ndarray:
    """Rescale every judge's mixture column-wise so the categories' expected shares reach `target`
    (default: all equal).

    Judges keep their relative preferences (each column is multiplied by one factor), so profiles
    stay distinct, while no planted category is rare by chance.
    """
    w = mixtures.copy()
    target = np.full(w.shape[1], 1.0 / w.shape[1]) if target is None else target
    for _ in range(iters):
        w *= target / expected_shares(w, boost)
        w /= w.sum(axis=1, keepdims=True)
    return w


def description_pool(cat: Category, n: int, rng: np.random.Generator) -> list[str]:
    """`n` distinct paraphrases of `cat` (fewer only if the phrase bank runs out)."""
    if n <= 0:
        return []
    combos = [(f, a, b, d) for f in FRAMES for a, b in itertools.permutations(cat.claims, 2) for d in cat.details
              if "{detail}" in f or d == cat.details[0]]
    order = rng.permutation(len(combos))
    out: list[str] = []
    seen: set[str] = set()
    for i in order:
        text = render(*combos[i])
        if text not in seen:
            seen.add(text)
            out.append(text)
            if len(out) == n:
                break
    return out


def pool_capacity(cat: Category) -> int:
    """How many distinct paraphrases the phrase bank can make for `cat`."""
    pairs = len(cat.claims) * (len(cat.claims) - 1)
    with_detail = sum("{detail}" in f for f in FRAMES)
    return pairs * (with_detail * len(cat.details) + (len(FRAMES) - with_detail))


def _extra_reasons(rng: np.random.Generator, mix: np.ndarray, first: int, n_extra: int) -> list[int]:
    """Up to `n_extra` further categories from the judge's mixture, none repeated, `first` excluded."""
    probs = mix.copy()
    out: list[int] = []
    probs[first] = 0.0
    for _ in range(n_extra):
        if probs.sum() <= 0:
            break
        c = int(rng.choice(len(probs), p=probs / probs.sum()))
        out.append(c)
        probs[c] = 0.0
    return out


def generate(config: SimulationConfig) -> SimulatedData:
    """Run the generative story; the same config (seed included) gives identical data."""
    config.validate()
    rng = np.random.default_rng(config.seed)
    cats, tops = CATEGORIES[: config.n_categories], TOPICS[: config.n_topics]
    K, T, M, J, N = len(cats), len(tops), config.n_models, config.n_judges, config.n_comparisons
    models = model_names(M)
    judges = [f"judge-{j + 1:03d}" for j in range(J)]

    strength = rng.normal(0, config.base_spread, (M, 1)) + rng.normal(0, config.strength_spread, (M, K))
    mixtures = rng.dirichlet(np.full(K, config.judge_concentration), size=J)
    keys = [c.key for c in cats]
    boost = np.ones((T, K))
    for t, topic in enumerate(tops):
        for key in topic.affinity:
            if key in keys:
                boost[t, keys.index(key)] += config.topic_boost
    target = popularity(K, config.popularity_zipf, rng)
    if config.balance_categories:
        mixtures = balance_mixtures(mixtures, boost, target=target)

    topic_i = rng.integers(T, size=N)
    judge_i = rng.integers(J, size=N)
    ma = rng.integers(M, size=N)
    mb = (ma + rng.integers(1, M, size=N)) % M          # distinct from model a
    reason = _categorical(rng, mixtures[judge_i] * boost[topic_i])
    idio = rng.random(N) < config.idiosyncratic_share          # decided by a one-off reason
    mean_strength = strength.mean(axis=1)
    diff = np.where(idio, mean_strength[ma] - mean_strength[mb], strength[ma, reason] - strength[mb, reason])
    p_a = 1.0 / (1.0 + np.exp(-diff))
    a_wins = rng.random(N) < p_a

    # mentions: (comparison, position, category)
    n_extra = (rng.random(N) < config.extra_reason_prob).astype(int)
    n_extra += (n_extra == 1) & (rng.random(N) < config.extra_reason_prob)
    m_comp, m_pos, m_cat = [], [], []
    for i in range(N):
        for pos, c in enumerate([int(reason[i])] + _extra_reasons(rng, mixtures[judge_i[i]], int(reason[i]),
                                                                  int(n_extra[i]))):
            m_comp.append(i), m_pos.append(pos), m_cat.append(c)
    m_cat_arr = np.array(m_cat)
    m_pos_arr = np.array(m_pos)
    # idiosyncratic mentions: the deciding one where `idio`, extra ones at the same rate (label -1)
    m_idio = np.where(m_pos_arr == 0, idio[np.array(m_comp)], rng.random(len(m_cat_arr)) < config.idiosyncratic_share)
    m_cat_arr[m_idio] = -1
    m_cat = m_cat_arr.tolist()
    n_idio = int(m_idio.sum())

    counts = np.bincount(m_cat_arr[m_cat_arr >= 0], minlength=K)
    sizes = _allocate(counts, config.n_distinct - n_idio, np.array([pool_capacity(c) for c in cats]))
    descriptions = np.empty(len(m_cat_arr), dtype=object)
    idio_pool = idiosyncratic_reasons(n_idio, rng)
    descriptions[np.flatnonzero(m_idio)] = np.array(idio_pool, dtype=object)[np.arange(n_idio) % max(len(idio_pool), 1)]
    pools: list[list[str]] = []
    for k, cat in enumerate(cats):
        pool = description_pool(cat, int(sizes[k]), rng)
        pools.append(pool)
        idx = rng.permutation(np.flatnonzero(m_cat_arr == k))
        if not len(idx):
            continue
        first, rest = idx[: len(pool)], idx[len(pool):]
        descriptions[first] = pool[: len(first)]
        weights = 1.0 / np.arange(1, len(pool) + 1) ** config.zipf
        descriptions[rest] = np.array(pool, dtype=object)[rng.choice(len(pool), size=len(rest), p=weights / weights.sum())]
    prefs = np.array([cats[c].preferences[int(rng.integers(len(cats[c].preferences)))] if c >= 0 else
                      short_preference(text) for c, text in zip(m_cat, descriptions)], dtype=object)
    prompt_of = np.array([tops[t].prompts[int(rng.integers(len(tops[t].prompts)))] for t in topic_i], dtype=object)
    paraphrases = descriptions.copy()
    named = np.flatnonzero(rng.random(len(descriptions)) < config.subject_share)
    forms = rng.integers(1 << 30, size=len(named))
    m_comp_arr = np.array(m_comp)
    for j, form in zip(named, forms):
        descriptions[j] = with_subject(descriptions[j], prompt_subject(prompt_of[m_comp_arr[j]]), int(form))
    labels = np.array(keys + [IDIOSYNCRATIC], dtype=object)      # index -1 -> IDIOSYNCRATIC
    reason_key = np.where(idio, IDIOSYNCRATIC, labels[reason])
    topic_phrase = np.array([tops[t].phrases[int(rng.integers(len(tops[t].phrases)))] for t in topic_i], dtype=object)

    rows = []
    for i in range(N):
        topic = tops[topic_i[i]]
        win, lose = response_pair(topic, reason_key[i], rng)
        a, b = (win, lose) if a_wins[i] else (lose, win)
        rows.append({"source_key": f"simulate:{i}",
                     "prompt": prompt_of[i],
                     "response_a": a, "response_b": b, "model_a": models[ma[i]], "model_b": models[mb[i]],
                     "winner": "a" if a_wins[i] else "b", "judge": judges[judge_i[i]],
                     "planted_category": reason_key[i], "planted_topic": topic.key})
    comparisons = pd.DataFrame(rows)
    annotations = pd.DataFrame({"comparison": m_comp, "position": m_pos, "preference": prefs,
                                "description": descriptions, "paraphrase": paraphrases,
                                "topic": topic_phrase[np.array(m_comp)],
                                "planted_category": labels[m_cat_arr].tolist()})
    stated: list[list[str]] = [[] for _ in range(N)]
    for i, text in zip(m_comp, descriptions):
        stated[i].append(text)
    swapped = rng.random(N) < config.swap_share
    echo = rng.random(N) < config.echo_share
    comparisons["presented_order"] = np.where(swapped, "b_first", "a_first")
    shown = [1 if a_wins[i] != swapped[i] else 2 for i in range(N)]     # where the judge saw the winner
    comparisons["rationale"] = [write_rationale(stated[i], shown[i], judge_style(int(judge_i[i])), rng,
                                                bool(echo[i])) for i in range(N)]
    winner_name = [judge_style(int(judge_i[i])).names[shown[i] - 1] for i in range(N)]

    centered = strength - strength.mean(axis=0, keepdims=True)
    strengths = pd.DataFrame([{"model": models[m], "planted_category": keys[k], "strength": float(strength[m, k]),
                               "elo": float(1000 + ELO_PER_LOGIT * centered[m, k])}
                              for m in range(M) for k in range(K)])
    judge_df = pd.DataFrame([{"judge": judges[j], "planted_category": keys[k], "weight": float(mixtures[j, k])}
                             for j in range(J) for k in range(K)])
    share = counts / max(len(m_cat_arr), 1)      # of all mentions: planted shares sum to 1 - idiosyncratic
    cat_df = pd.DataFrame([{"planted_category": c.key, "name": c.name, "description": c.description,
                            "share": float(share[k]), "n_distinct": len(pools[k])} for k, c in enumerate(cats)])
    topic_df = pd.DataFrame([{"topic": p, "planted_topic": t.key} for t in tops for p in t.phrases])
    desc_df = pd.DataFrame([{"description": d, "planted_category": keys[k]} for k in range(K) for d in pools[k]]
                           + [{"description": d, "planted_category": IDIOSYNCRATIC} for d in idio_pool])
    named_df = annotations.loc[annotations["description"] != annotations["paraphrase"], ["description", "planted_category"]]
    desc_df = pd.concat([desc_df, named_df.drop_duplicates("description")], ignore_index=True)
    mentions = pd.DataFrame({"comparison": m_comp,
                             "sentence": [about_winner(d, winner_name[c]) for c, d in zip(m_comp, descriptions)],
                             "planted_category": labels[m_cat_arr].tolist()})
    return SimulatedData(config, comparisons, annotations, strengths, judge_df, cat_df, topic_df, desc_df, mentions)

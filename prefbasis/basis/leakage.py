"""Does a basis group *preferences* or *topics*? The leakage metrics of docs/metrics.md.

Inputs are per mention (one stated reason of one comparison): its description, the id of its
prompt, the content stems of its prompt and responses (its *context*), its category (-1 when
unassigned) and, for the separation, its short preference label and embedding.

- **content word** of a mention: a description word (stem, not a function word) that occurs in
  the mention's own context *and* is prompt-specific: the descriptions using it come from at most
  `max_prompts` distinct prompts, `max_prompts = max(3, ⌈0.02 · P⌉)` for P distinct prompts.
  Evaluative words ("concise", "accurate", "examples") recur across many prompts; subject matter
  ("aqueducts", "gogh") does not.
- **content leakage**: share of mentions whose description holds at least one content word.
- **topic leakage (AMI)**: adjusted mutual information between the category of the assigned
  mentions and their prompt (0: categories independent of prompts). Caveat: when one pair is judged
  several times (LLMBar: six judges, two orders), its judges legitimately share a reason.
- **top-3 prompt share** of a category: share of its mentions from its three most common prompts.
- **effective categories**: exp(H(p)), p the share of assigned mentions in each category.
- **separation**: mean cosine of same-label pairs from different prompts minus that of
  different-label pairs from the same prompt (> 0: the embedding sees the preference first).
- a **flagged name**: a category name that holds a word that is a content word of one of the
  category's own mentions.

Example:
    >>> import numpy as np
    >>> r = leakage_report(["more detail about aqueducts", "more concise", "more concise"],
    ...                    prompt_ids=["p1", "p2", "p3"],
    ...                    contexts=[{"aqueduct", "roman"}, {"cake"}, {"poem"}],
    ...                    labels=np.array([0, 1, 1]), names=["aqueducts", "concise"])
    >>> r.content_leakage, r.flagged_names
    (0.3333, [0])
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from prefbasis.words import content_stems

MIN_MAX_PROMPTS = 3
MAX_PROMPTS_SHARE = 0.02


def prompt_specific_limit(n_prompts: int) -> int:
    """`max_prompts`: a word used in descriptions of at most this many prompts is prompt-specific."""
    return max(MIN_MAX_PROMPTS, math.ceil(MAX_PROMPTS_SHARE * n_prompts))


def word_spread(descriptions: Sequence[str], prompt_ids: Sequence[str]) -> dict[str, int]:
    """Per description stem: the number of distinct prompts whose descriptions use it."""
    seen: dict[str, set] = defaultdict(set)
    for text, pid in zip(descriptions, prompt_ids):
        for s in content_stems(text):
            seen[s].add(pid)
    return {s: len(p) for s, p in seen.items()}


def content_words(description: str, context: set[str], spread: dict[str, int], max_prompts: int) -> set[str]:
    """The content words of one mention (see the module docstring)."""
    return {s for s in content_stems(description) if s in context and spread.get(s, 0) <= max_prompts}


@dataclass
class LeakageReport:
    """The leakage metrics of one basis (fields defined in the module docstring)."""

    content_leakage: float
    n_prompts: int
    max_prompts: int
    effective_categories: float
    topic_leakage_ami: float | None
    top3_prompt_share: list[float | None]
    flagged_names: list[int]
    same_label_cross_prompt: float | None = None
    different_label_same_prompt: float | None = None
    separation: float | None = None
    top_content_words: list[tuple[str, int]] = field(default_factory=list)
    content_roots: set[str] = field(default_factory=set, repr=False)   # every content word found

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("content_roots")
        return out



def effective_categories(labels: np.ndarray, k: int) -> float:
    """exp(entropy) of the share of assigned mentions per category (1 … k)."""
    counts = np.bincount(labels[labels >= 0], minlength=k).astype(np.float64)
    if counts.sum() == 0:
        return 0.0
    p = counts[counts > 0] / counts.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


def topic_ami(labels: np.ndarray, prompt_ids: Sequence[str]) -> float | None:
    """AMI between category and prompt over assigned mentions (None with < 2 of either)."""
    from sklearn.metrics import adjusted_mutual_info_score

    keep = labels >= 0
    prompts = np.asarray(prompt_ids, dtype=object)[keep]
    if keep.sum() < 2 or len(set(prompts)) < 2 or len(set(labels[keep])) < 2:
        return None
    return float(adjusted_mutual_info_score(prompts, labels[keep]))


def top3_prompt_share(labels: np.ndarray, prompt_ids: Sequence[str], k: int) -> list[float | None]:
    """Per category: share of its mentions that come from its three most common prompts."""
    per: list[Counter] = [Counter() for _ in range(k)]
    for lab, pid in zip(labels, prompt_ids):
        if lab >= 0:
            per[lab][pid] += 1
    return [round(sum(n for _, n in c.most_common(3)) / sum(c.values()), 4) if c else None for c in per]


def separation(embeddings: np.ndarray, preference_labels: Sequence[str], prompt_ids: Sequence[str], *,
               max_pairs: int = 20000, seed: int = 0) -> tuple[float | None, float | None]:
    """(mean cosine same label / different prompts, mean cosine different labels / same prompt),
    each over up to `max_pairs` pairs drawn with `seed`."""
    rng = np.random.default_rng(seed)
    x = np.asarray(embeddings, np.float64)
    lab = np.unique(np.asarray(preference_labels, dtype=object), return_inverse=True)[1]
    pid = np.unique(np.asarray(prompt_ids, dtype=object), return_inverse=True)[1]

    def mean_cos(group: np.ndarray, other: np.ndarray, same_other: bool) -> float | None:
        # pairs inside the same `group` whose `other` differs (or agrees, when same_other); groups
        # drawn in proportion to their number of pairs, then two distinct members of each (vectorized)
        order = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[order])) + 1
        starts, ends = np.r_[0, bounds], np.r_[bounds, len(order)]
        lengths = ends - starts
        keep = lengths > 1
        if not keep.any():
            return None
        starts, lengths = starts[keep], lengths[keep]
        sizes = lengths * (lengths - 1) / 2.0
        picks = rng.choice(len(starts), size=max_pairs * 4, p=sizes / sizes.sum())
        n = lengths[picks]
        a = np.floor(rng.random(len(picks)) * n).astype(np.int64)
        b = np.floor(rng.random(len(picks)) * (n - 1)).astype(np.int64)
        b += b >= a                                    # a second member, never the first one
        i, j = order[starts[picks] + a], order[starts[picks] + b]
        ok = (other[i] == other[j]) == same_other
        i, j = i[ok][:max_pairs], j[ok][:max_pairs]
        if not len(i):
            return None
        return float(np.einsum("ij,ij->i", x[i], x[j]).mean())

    return mean_cos(lab, pid, False), mean_cos(pid, lab, False)


def leakage_report(descriptions: Sequence[str], prompt_ids: Sequence[str], contexts: Sequence[set[str]],
                   labels: np.ndarray, names: Sequence[str], *, preference_labels: Sequence[str] | None = None,
                   embeddings: np.ndarray | None = None, seed: int = 0) -> LeakageReport:
    """All leakage metrics of one basis over its mentions (aligned sequences, one per mention)."""
    labels = np.asarray(labels)
    k = len(names)
    n_prompts = len(set(prompt_ids))
    limit = prompt_specific_limit(n_prompts)
    spread = word_spread(descriptions, prompt_ids)
    found: Counter = Counter()
    leaking = 0
    name_hits: set[int] = set()
    name_stems = [content_stems(n) for n in names]
    for text, ctx, lab in zip(descriptions, contexts, labels):
        hits = content_words(text, ctx, spread, limit)
        if hits:
            leaking += 1
            found.update(hits)
            if lab >= 0 and name_stems[lab] & hits:
                name_hits.add(int(lab))
    same_cross = diff_same = sep = None
    if preference_labels is not None and embeddings is not None and len(descriptions) > 1:
        same_cross, diff_same = separation(embeddings, preference_labels, prompt_ids, seed=seed)
        if same_cross is not None and diff_same is not None:
            sep = same_cross - diff_same
    return LeakageReport(
        content_leakage=round(leaking / max(len(descriptions), 1), 4), n_prompts=n_prompts, max_prompts=limit,
        effective_categories=round(effective_categories(labels, k), 3), topic_leakage_ami=topic_ami(labels, prompt_ids),
        top3_prompt_share=top3_prompt_share(labels, prompt_ids, k), flagged_names=sorted(name_hits),
        same_label_cross_prompt=same_cross, different_label_same_prompt=diff_same, separation=sep,
        top_content_words=found.most_common(10), content_roots=set(found))

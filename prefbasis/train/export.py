"""Export one preference category's comparisons as a DPO data set (TRL's preference format).

Winner -> `chosen`, loser -> `rejected`, ties dropped. Train/test split by prompt (a prompt is never
on both sides), seeded. Written as a Hugging Face `DatasetDict` (`save_to_disk`), JSONL, Parquet,
`export.json` (machine-readable card) and a dataset card `README.md`.

Example:
    >>> from prefbasis.train.config import ExportConfig
    >>> res = export_dpo(store, ExportConfig(category="concise answers", out="dpo-concise"))  # doctest: +SKIP
    >>> res.n_train, res.n_test  # doctest: +SKIP
    (160, 40)
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from prefbasis.errors import ConfigError, InputError, PrefbasisError
from prefbasis.hashing import content_hash
from prefbasis.progress import hush_library_bars
from prefbasis.store import Store
from prefbasis.store.catalog import resolve_category
from prefbasis.train.config import ExportConfig, ExportStyle

CARD_FILE = "export.json"


@dataclass
class ExportResult:
    """Where the export went and what is in it."""

    out: Path
    basis_id: str
    category: str
    category_id: int
    n_pairs: int
    n_train: int
    n_test: int
    n_ties_dropped: int
    n_prompts: int
    filters: dict[str, Any] = field(default_factory=dict)
    n_duplicates_dropped: int = 0     # --dedupe: repeated (prompt, chosen, rejected)
    n_contradicted_dropped: int = 0   # --dedupe: pairs exported in both directions
    n_excluded: int = 0               # --exclude: pairs also in an excluded category

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["out"] = str(self.out)
        return d


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "category"


class TooFewPairsError(PrefbasisError):
    """The category (after filters) has fewer pairs than `min_pairs`: too small to train on."""


def load_pairs(store: Store, cfg: ExportConfig):
    """The category's comparisons as a DataFrame (ties included, flagged), plus the resolved ids."""
    cat = resolve_category(store, cfg.category, cfg.basis)
    basis_id, cat_id, cat_name = cat.basis_id, cat.category_id, cat.name
    if cfg.complement:   # every other category's comparisons that are not also in this one
        cat_name = f"not {cat_name}"
        cc_where = ("category_id <> ? and comparison_id not in (select comparison_id from "
                    "comparison_categories where basis_id = ? and kind = 'preference' and category_id = ?)")
        params: list[Any] = [basis_id, cat_id, basis_id, cat_id]
    else:
        cc_where = "category_id = ?"
        params = [basis_id, cat_id]
    topic_sql = ""
    topic_name = None
    if cfg.topic is not None:
        topic = resolve_category(store, cfg.topic, basis_id, kind="topic")
        topic_id, topic_name = topic.category_id, topic.name
        topic_sql = ("and c.comparison_id in (select comparison_id from comparison_categories "
                     "where basis_id = ? and kind = 'topic' and category_id = ?)")
        params += [basis_id, topic_id]
    sim_sql = ""
    if cfg.min_similarity is not None:
        sim_sql = "where similarity >= ?"
        params.append(float(cfg.min_similarity))
    df = store.df(f"""
        with cc as (
            select comparison_id, max(similarity) as similarity from comparison_categories
            where basis_id = ? and kind = 'preference' and {cc_where} group by comparison_id)
        select c.comparison_id, c.prompt, c.response_a, c.response_b, c.winner, c.dataset_id,
               cc.similarity
        from comparisons c join cc using (comparison_id)
        where c.prompt is not null and c.response_a is not null and c.response_b is not null
        {topic_sql}
        and cc.comparison_id in (select comparison_id from cc {sim_sql})
        order by c.comparison_id""", params)
    return df, basis_id, cat_id, cat_name, topic_name


def with_directions(df):
    """`df` (non-tie comparisons) with `chosen` and `rejected` text columns from the winner."""
    a_won = df["winner"] == "a"
    return df.assign(chosen=df["response_a"].where(a_won, df["response_b"]),
                     rejected=df["response_b"].where(a_won, df["response_a"]))


def _excluded_keys(store: Store, cfg: ExportConfig, basis_id: str) -> set[tuple[str, str, str]]:
    """(prompt, chosen, rejected) of every non-tie pair in the `--exclude` categories."""
    keys: set[tuple[str, str, str]] = set()
    for name in cfg.exclude:
        other, *_ = load_pairs(store, ExportConfig(category=name, basis=basis_id))
        other = with_directions(other[other["winner"] != "tie"])
        keys |= set(zip(other["prompt"], other["chosen"], other["rejected"]))
    return keys


def drop_repeats(df) -> tuple[Any, int, int]:
    """(df with one row per (prompt, chosen, rejected) and no pair present in both directions,
    duplicates dropped, contradicted rows dropped). Rows keep their order (the first copy stays)."""
    keys = list(zip(df["prompt"], df["chosen"], df["rejected"]))
    first = ~df.assign(_k=keys).duplicated("_k").to_numpy()
    kept = {k for k, f in zip(keys, first) if f}
    both_ways = [f and (k[0], k[2], k[1]) in kept for k, f in zip(keys, first)]
    keep = first & ~np.asarray(both_ways, bool)
    return df[keep].reset_index(drop=True), int((~first).sum()), int(sum(both_ways))


def _records(df, style: ExportStyle, weight: bool) -> list[dict[str, Any]]:
    out = []
    for r in df.itertuples():
        chosen, rejected = r.chosen, r.rejected
        if style is ExportStyle.conversational:
            rec: dict[str, Any] = {"prompt": [{"role": "user", "content": r.prompt}],
                                   "chosen": [{"role": "assistant", "content": chosen}],
                                   "rejected": [{"role": "assistant", "content": rejected}]}
        else:
            rec = {"prompt": r.prompt, "chosen": chosen, "rejected": rejected}
        rec["comparison_id"] = r.comparison_id
        if weight:
            sim = r.similarity
            rec["weight"] = float(min(max(sim, 0.0), 1.0)) if sim == sim and sim is not None else 1.0
        out.append(rec)
    return out


def split_position(prompt: str, seed: int) -> float:
    """Where a prompt falls on [0, 1): a seeded hash of its text, uniform over prompts."""
    return int(content_hash("prefbasis-split", int(seed), prompt), 16) / float(1 << 128)


def prompt_in_test(prompt: str, test_size: float, seed: int) -> bool:
    """Whether `prompt` goes to the test split: its `split_position` is below test_size.

    The side depends on the prompt and the seed only, never on which other prompts are exported, so
    exports of different categories (same seed and test size) never put one prompt in the train split
    of one and the test split of another: a model trained on category A and evaluated on category
    B's test split has not seen those prompts.

    Example:
        >>> prompt_in_test("Write a haiku", 0.3, seed=42) == prompt_in_test("Write a haiku", 0.3, seed=42)
        True
    """
    return split_position(prompt, seed) < test_size


def split_by_prompt(prompts: list[str], test_size: float, seed: int) -> tuple[list[int], list[int]]:
    """Row indices (train, test): whole prompts go to one side, decided by `prompt_in_test`.

    The realized test share is close to `test_size` for many prompts; with few, it varies. When
    the hash puts every prompt on one side, the prompt with the lowest (highest) position is moved,
    so both splits are non-empty whenever there are two or more prompts.
    """
    idx = list(range(len(prompts)))
    distinct = sorted(set(prompts))
    if test_size <= 0 or len(distinct) < 2:
        return idx, []
    position = {p: split_position(p, seed) for p in distinct}
    test_prompts = {p for p in distinct if position[p] < test_size}
    if not test_prompts or len(test_prompts) == len(distinct):
        by_position = sorted(distinct, key=position.__getitem__)
        test_prompts = {by_position[0]} if not test_prompts else set(by_position[:-1])
    test = [i for i in idx if prompts[i] in test_prompts]
    train = [i for i in idx if prompts[i] not in test_prompts]
    return train, test


def _prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / CARD_FILE).exists():
            raise ConfigError(f"--out {out} exists and is not an earlier export; choose another folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _card(res: ExportResult, cfg: ExportConfig, sources: list[str]) -> str:
    f = res.filters
    return f"""---
pretty_name: "prefbasis DPO export: {res.category}"
tags: [dpo, preference, prefbasis, trl]
configs:
- config_name: default
  data_files:
  - split: train
    path: train.jsonl
  - split: test
    path: test.jsonl
---
# DPO data: category "{res.category}"

Exported by `prefbasis export-dpo` from a prefbasis store: the comparisons assigned to preference
category **{res.category}** (id {res.category_id}) of basis `{res.basis_id}`; the winner is `chosen`,
the loser `rejected`. Format: TRL {cfg.style.value} preference data.

| | |
| --- | --- |
| source data sets | {', '.join(sources) or '-'} |
| basis | `{res.basis_id}` |
| category | {res.category} (id {res.category_id}) |
| topic filter | {f.get('topic') or 'none'} |
| min similarity | {f.get('min_similarity') if f.get('min_similarity') is not None else 'none'} |
| pairs | {res.n_pairs} (ties dropped: {res.n_ties_dropped}) |
| repeats | {f"{res.n_duplicates_dropped} duplicates and {res.n_contradicted_dropped} pairs seen in both directions dropped" if cfg.dedupe else "kept"} |
| excluded | {f"{res.n_excluded} pairs also in {', '.join(cfg.exclude)}" if cfg.exclude else "none"} |
| train / test | {res.n_train} / {res.n_test} pairs, split by prompt ({res.n_prompts} prompts, seed {cfg.seed}, test size {cfg.test_size}) |
| weight column | {'yes: assignment similarity clipped to [0, 1]' if cfg.weight else 'no'} |

Files: `dataset_dict.json` + `train/`, `test/` (`datasets.load_from_disk`), `*.jsonl`, `*.parquet`,
`{CARD_FILE}`.
"""


def export_dpo(store: Store, cfg: ExportConfig) -> ExportResult:
    """Write the DPO data set of `cfg.category`; see the module docstring. A writable store also
    records the export in `dpo_exports` (the report's DPO section lists it)."""
    import datasets

    hush_library_bars()
    df, basis_id, cat_id, cat_name, topic_name = load_pairs(store, cfg)
    n_ties = int((df["winner"] == "tie").sum())
    df = with_directions(df[df["winner"] != "tie"].reset_index(drop=True))
    n_excluded = n_dup = n_contra = 0
    if cfg.exclude:
        excluded = _excluded_keys(store, cfg, basis_id)
        hit = np.array([k in excluded for k in zip(df["prompt"], df["chosen"], df["rejected"])], bool)
        df, n_excluded = df[~hit].reset_index(drop=True), int(hit.sum())
    if cfg.dedupe:
        df, n_dup, n_contra = drop_repeats(df)
    if len(df) < cfg.min_pairs:
        raise TooFewPairsError(
            f"category {cat_name!r} (basis {basis_id}) has only {len(df)} usable pairs after filters "
            f"({n_ties} ties, {n_dup + n_contra} repeats, {n_excluded} excluded dropped); at least "
            f"{cfg.min_pairs} are needed to train "
            f"(relax --min-similarity/--topic or lower min_pairs)")
    train_idx, test_idx = split_by_prompt(df["prompt"].tolist(), cfg.test_size, cfg.seed)
    records = _records(df, cfg.style, cfg.weight)
    splits = {"train": [records[i] for i in train_idx], "test": [records[i] for i in test_idx]}
    out = Path(cfg.out or f"dpo-{_slug(cat_name)}")
    filters = {"topic": topic_name, "min_similarity": cfg.min_similarity, "style": cfg.style.value,
               "weight": cfg.weight, "test_size": cfg.test_size, "seed": cfg.seed, "dedupe": cfg.dedupe,
               "exclude": list(cfg.exclude)}
    res = ExportResult(out=out, basis_id=basis_id, category=cat_name, category_id=cat_id,
                       n_pairs=len(df), n_train=len(train_idx), n_test=len(test_idx),
                       n_ties_dropped=n_ties, n_prompts=int(df["prompt"].nunique()), filters=filters,
                       n_duplicates_dropped=n_dup, n_contradicted_dropped=n_contra, n_excluded=n_excluded)
    _prepare_out(out)
    train_ds = datasets.Dataset.from_list(splits["train"])
    test_ds = (datasets.Dataset.from_list(splits["test"], features=train_ds.features)
               if splits["test"] else train_ds.select([]))
    dd = datasets.DatasetDict({"train": train_ds, "test": test_ds})
    dd.save_to_disk(str(out))
    for name, ds in dd.items():
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for rec in splits[name]:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        ds.to_parquet(str(out / f"{name}.parquet"))
    sources = store.df("select distinct d.name || ' (' || d.source || ')' as s from datasets d "
                       "where dataset_id in (select unnest(?)) order by 1",
                       [sorted(set(df["dataset_id"]))])["s"].tolist()
    card = res.to_dict() | {"sources": sources, "store": str(store.path)}
    (out / CARD_FILE).write_text(json.dumps(card, indent=2), encoding="utf-8")
    (out / "README.md").write_text(_card(res, cfg, sources), encoding="utf-8")
    if not store.read_only:
        _record(store, res, cfg)
    return res


def _record(store: Store, res: ExportResult, cfg: ExportConfig) -> None:
    """One `dpo_exports` row, replacing any earlier export to the same folder (it now holds this one)."""
    params = json.dumps(res.filters | {"complement": cfg.complement, "min_pairs": cfg.min_pairs}, sort_keys=True)
    export_id = content_hash("export", str(res.out), res.basis_id, res.category_id, params)
    with store.transaction() as con:
        con.execute("delete from dpo_exports where export_id = ? or out = ?", [export_id, str(res.out)])
        con.execute("insert into dpo_exports(export_id, out, basis_id, category_id, category, complement, n_pairs, "
                    "n_train, n_test, n_ties_dropped, params) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [export_id, str(res.out), res.basis_id, res.category_id, res.category, cfg.complement,
                     res.n_pairs, res.n_train, res.n_test, res.n_ties_dropped, params])


def load_export_splits(data: str | Path) -> dict[str, Any]:
    """Every split of an export folder as a `datasets.Dataset`; an empty split (what
    `--test-size 0` writes, and what `datasets.load_from_disk` cannot read back) comes as an
    empty dataset with the columns of the others.

    Raises `ConfigError` for a folder that is not a readable export.
    """
    from datasets import Dataset

    path = Path(data)
    try:
        names = json.loads((path / "dataset_dict.json").read_text(encoding="utf-8"))["splits"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"--data {data}: not an export-dpo folder (no readable dataset_dict.json); "
                          f"run `prefbasis export-dpo --out {data}` first") from None
    splits: dict[str, Any] = {}
    for name in names:
        try:
            splits[name] = Dataset.load_from_disk(str(path / name))
        except IndexError:  # no data file: an empty split
            splits[name] = None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"--data {data}: split {name!r} cannot be read ({exc})") from None
    filled = next((ds for ds in splits.values() if ds is not None), None)
    for name, ds in splits.items():
        if ds is None:
            splits[name] = (filled.select([]) if filled is not None
                            else Dataset.from_dict({c: [] for c in ("prompt", "chosen", "rejected")}))
    return splits


def read_export_card(data_dir: str | Path) -> dict[str, Any]:
    """The `export.json` of an export folder ({} for a folder made elsewhere)."""
    path = Path(data_dir) / CARD_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

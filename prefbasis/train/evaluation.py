"""Preference accuracy of the base model and the DPO-tuned one, with bootstrap CIs, plus probes.

Preference accuracy on a set of held-out pairs = share of pairs where the model gives the chosen
response a higher length-normalized log-likelihood (mean token log-probability of the response
given the prompt) than the rejected one. Measured for the base (adapters disabled) and each tuned
model (`--adapter`, repeatable: the base is scored once for all of them) on the adapter's own
category's pairs (role `category`: the export it was trained on, else the first `--data`) and on
other categories' pairs (role `other`). Percentile bootstrap over pairs; `delta` = tuned - base on
the same resamples.

Two more sensitive companions (docs/metrics.md has the formulas):
- `preference_margin`: mean over pairs of (mean token log-prob of chosen - of rejected), nats per
  token; its `delta` is the average shift of the margin, which moves before accuracy flips do.
- `reward_accuracy` (variant `tuned` only): DPO's implicit reward accuracy on the held-out pairs,
  share with [log pi(c) - log pi_ref(c)] - [log pi(r) - log pi_ref(r)] > 0 (summed log-probs,
  reference = the base; an exact 0 counts one half). 0.5 = nothing learned that generalizes.

Example:
    >>> from prefbasis.train.config import EvalConfig
    >>> res = evaluate(store, EvalConfig(adapter="dpo-concise-lora", data=["dpo-concise", "dpo-polite"]))  # doctest: +SKIP
    >>> res.frame[["data", "variant", "value"]]  # doctest: +SKIP
    >>> both = evaluate(None, EvalConfig(adapter=["concise-lora", "detailed-lora"],
    ...                                  data=["dpo-concise", "dpo-detailed"]))  # doctest: +SKIP
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from prefbasis.errors import ConfigError
from prefbasis.progress import progress
from prefbasis.store import Store
from prefbasis.train.config import EvalConfig
from prefbasis.train.export import read_export_card


@dataclass
class EvalResult:
    """One evaluate run: `frame` has one row per (adapter, data, metric, variant); `pairs` the
    per-pair values behind it, by (adapter, data) then metric then variant; `units[data]` each
    pair's prompt (the resampling unit of `prefbasis.train.selectivity`)."""

    evaluation_id: str
    frame: Any  # pandas DataFrame
    pairs: dict[tuple[str, str], dict[str, dict[str, np.ndarray]]] = field(default_factory=dict, repr=False)
    units: dict[str, list[str]] = field(default_factory=dict, repr=False)
    config: EvalConfig | None = None


def _text(x: Any) -> str:
    return x if isinstance(x, str) else x[-1]["content"] if x else ""


def encode_pair_side(tok, prompt: Any, response: Any, max_length: int) -> tuple[list[int], int]:
    """(token ids of prompt + response, number of prompt tokens); prompt cut from the left."""
    if isinstance(prompt, list):
        p_text = tok.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)
        full = tok.apply_chat_template(prompt + response, tokenize=False)
        r_text = full[len(p_text):] if full.startswith(p_text) else _text(response)
    else:
        p_text, r_text = prompt, response
    p = tok(p_text, add_special_tokens=False)["input_ids"]
    r = tok(r_text, add_special_tokens=False)["input_ids"]
    if len(p) + len(r) > max_length:
        r = r[:max(max_length - len(p), max_length // 2)]
        p = p[len(p) - (max_length - len(r)):] if max_length > len(r) else p[-1:]
    return p + r, len(p)


def response_logprobs(model, seqs: list[tuple[list[int], int]], batch_size: int, pad_id: int,
                      desc: str = "scoring") -> tuple[np.ndarray, np.ndarray]:
    """(summed log-probability of the response tokens, number of response tokens) per sequence."""
    import torch

    device = next(model.parameters()).device
    order = np.argsort([len(ids) for ids, _ in seqs], kind="stable")  # similar lengths: little padding
    sums, counts = np.zeros(len(seqs)), np.zeros(len(seqs))
    for start in progress(range(0, len(seqs), batch_size), desc=desc, unit="batch"):
        rows = order[start:start + batch_size]
        batch = [seqs[j] for j in rows]
        width = max(len(ids) for ids, _ in batch)
        ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        resp = torch.zeros((len(batch), width), dtype=torch.bool)
        for i, (seq, n_p) in enumerate(batch):
            ids[i, :len(seq)] = torch.tensor(seq)
            mask[i, :len(seq)] = 1
            resp[i, max(n_p, 1):len(seq)] = True
        with torch.no_grad():
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
        logp = torch.log_softmax(logits[:, :-1], dim=-1)
        tok_lp = logp.gather(-1, ids[:, 1:].to(device).unsqueeze(-1)).squeeze(-1)
        m = resp[:, 1:].to(device)
        sums[rows] = (tok_lp * m).sum(1).cpu().numpy()
        counts[rows] = m.sum(1).cpu().numpy()
    return sums, counts


def pair_metrics(base: tuple[np.ndarray, np.ndarray], tuned: tuple[np.ndarray, np.ndarray],
                 n: int) -> dict[str, dict[str, np.ndarray]]:
    """Per-pair values of every preference metric from (sums, counts) of [chosen..., rejected...].

    Example:
        >>> s, c = np.array([-10., -12., -14., -12.]), np.array([10., 10., 10., 10.])
        >>> m = pair_metrics((s, c), (s + [1., 0., 0., 0.], c), n=2)
        >>> m["preference_accuracy"]["base"].tolist(), m["preference_accuracy"]["tuned"].tolist()
        ([1.0, 0.0], [1.0, 0.0])
        >>> m["reward_accuracy"]["tuned"].tolist()
        [1.0, 0.5]
    """
    mean_b = base[0] / np.maximum(base[1], 1)
    mean_t = tuned[0] / np.maximum(tuned[1], 1)
    margin_b, margin_t = mean_b[:n] - mean_b[n:], mean_t[:n] - mean_t[n:]
    acc_b, acc_t = (margin_b > 0).astype(float), (margin_t > 0).astype(float)
    shift = tuned[0] - base[0]                       # log pi - log pi_ref, summed over the response
    implicit = shift[:n] - shift[n:]
    reward_acc = np.where(implicit > 0, 1.0, np.where(implicit < 0, 0.0, 0.5))
    return {"preference_accuracy": {"base": acc_b, "tuned": acc_t, "delta": acc_t - acc_b},
            "preference_margin": {"base": margin_b, "tuned": margin_t, "delta": margin_t - margin_b},
            "reward_accuracy": {"tuned": reward_acc}}


def bootstrap_means(values: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Means of `values` over `n_boot` resamples of its rows with replacement (seeded)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n_boot, len(values)))
    return values[idx].mean(axis=1)


def percentile_ci(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central `confidence` percentile interval of bootstrap samples (NaNs ignored)."""
    a = (1 - confidence) / 2
    return float(np.nanquantile(samples, a)), float(np.nanquantile(samples, 1 - a))


def bootstrap_ci(values: np.ndarray, n_boot: int, confidence: float, seed: int) -> tuple[float, float]:
    """Percentile CI of the mean of `values` over resampled rows."""
    if len(values) == 0:
        return float("nan"), float("nan")
    return percentile_ci(bootstrap_means(values, n_boot, seed), confidence)


def _load_pairs(data: str, split: str, limit: int | None):
    from prefbasis.train.export import load_export_splits

    dd = load_export_splits(data)
    if split not in dd:
        raise ConfigError(f"--data {data} has no split {split!r} (has {list(dd)})")
    ds = dd[split]
    if len(ds) == 0:
        raise ConfigError(f"--data {data}: split {split!r} is empty (export with --test-size > 0)")
    return ds.select(range(min(limit, len(ds)))) if limit else ds


def _probe_lengths(model, tok, prompts: list[Any], cfg: EvalConfig, desc: str) -> np.ndarray:
    """Words per greedy response for each prompt, with the model's adapters as they are set now."""
    import torch

    device = next(model.parameters()).device
    lengths = []
    for prompt in progress(prompts, desc=desc, unit="prompt"):
        text = (tok.apply_chat_template(prompt, add_generation_prompt=True, tokenize=False)
                if isinstance(prompt, list) else prompt)
        ids = tok(text, add_special_tokens=False)["input_ids"][-cfg.max_length:]
        inp = torch.tensor([ids], device=device)
        with torch.no_grad():
            gen = model.generate(input_ids=inp, max_new_tokens=cfg.max_new_tokens, do_sample=False,
                                 pad_token_id=tok.pad_token_id)
        lengths.append(len(tok.decode(gen[0, inp.shape[1]:], skip_special_tokens=True).split()))
    return np.asarray(lengths, float)


def _rows(values: dict[str, np.ndarray], cfg: EvalConfig, common: dict[str, Any], metric: str,
          seed: int) -> list[dict[str, Any]]:
    rows = []
    for variant, v in values.items():
        lo, hi = bootstrap_ci(v, cfg.n_bootstrap, cfg.confidence, seed)
        rows.append(common | {"metric": metric, "variant": variant, "value": float(v.mean()),
                              "ci_low": lo, "ci_high": hi, "n": len(v)})
    return rows


def evaluate(store: Store | None, cfg: EvalConfig) -> EvalResult:
    """Score the base once and every adapter of `cfg.adapter` on every `cfg.data` folder; store the
    rows when `store` is given. Each adapter's rows are those a run with that adapter alone gives."""
    import pandas as pd

    from prefbasis.train.adapters import load_adapters, own_data_index

    loaded = load_adapters(cfg.adapter, cfg.model, cfg.device)
    model, tok = loaded.model, loaded.tokenizer
    own = {a: own_data_index(a, cfg.data) for a in cfg.adapter}
    rows: dict[str, list[dict[str, Any]]] = {a: [] for a in cfg.adapter}
    pairs: dict[tuple[str, str], dict[str, dict[str, np.ndarray]]] = {}
    units: dict[str, list[str]] = {}
    probe_prompts: dict[int, list[Any]] = {}
    for i, data in enumerate(cfg.data):
        ds = _load_pairs(data, cfg.split, cfg.limit)
        if i in own.values():
            probe_prompts[i] = list(ds["prompt"][:cfg.probe_prompts])
        units[str(data)] = [_text(p) for p in ds["prompt"]]
        seqs = ([encode_pair_side(tok, r["prompt"], r["chosen"], cfg.max_length) for r in ds]
                + [encode_pair_side(tok, r["prompt"], r["rejected"], cfg.max_length) for r in ds])
        with model.disable_adapter():     # the base: scored once for every adapter
            lp_base = response_logprobs(model, seqs, cfg.batch_size, tok.pad_token_id, f"base {Path(data).name}")
        card = read_export_card(data)
        for adapter, name in zip(loaded.adapters, loaded.names):
            model.set_adapter(name)
            label = f"tuned {Path(data).name}" + (f" ({Path(adapter).name})" if len(cfg.adapter) > 1 else "")
            lp_tuned = response_logprobs(model, seqs, cfg.batch_size, tok.pad_token_id, label)
            common = {"data": str(data), "split": cfg.split, "role": "category" if i == own[adapter] else "other",
                      "category": card.get("category")}
            pairs[(adapter, str(data))] = pair_metrics(lp_base, lp_tuned, len(ds))
            for metric, values in pairs[(adapter, str(data))].items():
                rows[adapter] += _rows(values, cfg, common, metric, cfg.seed)
    if cfg.probe is not None:
        with model.disable_adapter():
            base_lengths = {i: _probe_lengths(model, tok, p, cfg, "probe: base") for i, p in probe_prompts.items()}
        for adapter, name in zip(loaded.adapters, loaded.names):
            model.set_adapter(name)
            i = own[adapter]
            tuned = _probe_lengths(model, tok, probe_prompts[i], cfg, "probe: tuned")
            common = {"data": str(cfg.data[i]), "split": cfg.split, "role": "category",
                      "category": read_export_card(cfg.data[i]).get("category")}
            rows[adapter] += _rows({"base": base_lengths[i], "tuned": tuned, "delta": tuned - base_lengths[i]},
                                   cfg, common, f"probe:{cfg.probe.value}", cfg.seed)
    eval_id = uuid.uuid4().hex[:16]
    frames = []
    for adapter in cfg.adapter:
        f = pd.DataFrame(rows[adapter])
        f.insert(0, "evaluation_id", eval_id)
        f.insert(1, "adapter", str(adapter))
        f.insert(2, "base_model", str(loaded.base_model))
        frames.append(f)
    frame = pd.concat(frames, ignore_index=True)
    if store is not None:
        save_evaluation(store, frame, cfg)
    return EvalResult(evaluation_id=eval_id, frame=frame, pairs=pairs, units=units, config=cfg)


def save_evaluation(store: Store, frame, cfg: EvalConfig) -> None:
    """Append the rows to `evaluations` in one transaction."""
    params = json.dumps({k: (v.value if hasattr(v, "value") else v) for k, v in vars(cfg).items()},
                        default=str)
    cols = ["evaluation_id", "adapter", "base_model", "data", "split", "role", "category", "metric",
            "variant", "value", "ci_low", "ci_high", "n"]
    with store.transaction() as con:
        for r in frame[cols].itertuples(index=False):
            con.execute(f"insert into evaluations({', '.join(cols)}, params) values "
                        f"({', '.join('?' * len(cols))}, ?)", [*r, params])

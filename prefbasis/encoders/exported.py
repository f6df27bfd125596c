"""What the encoders of an exported model share (`onnx`, `onnx-int8`, the traced `torch-bf16`): the
export folder's tokenizer, token ids in length-sorted batches, and the check against the probe texts.

Example:
    >>> tokens = ExportTokens(folder, read_meta(folder))  # doctest: +SKIP
    >>> encodings, plan = tokens.plan(["b", "a a"], 8)  # doctest: +SKIP
    >>> [(idx.tolist(), [a.shape for a in tokens.arrays(encodings, idx)]) for idx in plan]  # doctest: +SKIP
    [([0, 1], [(2, 4), (2, 4), (2, 4)])]
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from prefbasis.encoders.onnx_export import PROBE

# Batches are length-sorted, so at 8 texts only the last batch pads to the probe's long text (cut at
# max_seq_length); one batch of all 25 padded every text to it: ≈ 1 s of a 2-core CPU at each load
# instead of ≈ 0.06 s. fp32 and bf16 vectors do not depend on the batch (within 1e-7); onnx-int8's do
# a little (dynamic quantization scales each batch's activations together: probe minimum 0.978 at 8,
# 0.976 at 25), well above its 0.97 bar.
PROBE_BATCH = 8


def read_meta(folder: Path) -> dict[str, Any]:
    """The export folder's `meta.json` (input names, padding, layout, sizes)."""
    return json.loads((folder / "meta.json").read_text(encoding="utf-8"))


class ExportTokens:
    """The export's fast tokenizer, truncating at the model's max_seq_length; batches are padded
    here, each to its own longest text."""

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        from tokenizers import Tokenizer

        layout = meta["layout"]
        self.lower = bool(layout["do_lower_case"])
        self.input_names = list(meta["input_names"])
        self.pad_id = int(meta["pad_id"])
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(max_length=int(layout["max_seq_length"]))
        self.tok.no_padding()

    def plan(self, texts: Sequence[str], batch_size: int) -> tuple[list[Any], list[np.ndarray]]:
        """(each text's token encoding, each batch's positions in `texts`): texts are tokenized once
        and batched fewest tokens first, so that a batch pads little. Ordering by characters instead
        padded the demo's 4,217 descriptions to 17.2 tokens a text against 12.3 real ones (a word the
        tokenizer splits into many pieces sat among longer texts of few pieces); by tokens, 12.5."""
        texts = [t.strip().lower() if self.lower else t.strip() for t in texts]
        encodings = self.tok.encode_batch(texts)
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        return encodings, [order[start:start + batch_size] for start in range(0, len(texts), batch_size)]

    def arrays(self, encodings: Sequence[Any], idx: np.ndarray) -> list[np.ndarray]:
        """int64 arrays in `input_names` order for the encodings at positions `idx`, padded (on the
        right: pad id, attention mask 0, token type 0) to the longest of them."""
        rows = [encodings[i] for i in idx]
        width = max(len(e.ids) for e in rows)
        fields = {name: np.zeros((len(rows), width), dtype=np.int64)
                  for name in ("input_ids", "attention_mask", "token_type_ids")}
        fields["input_ids"].fill(self.pad_id)
        for r, e in enumerate(rows):
            n = len(e.ids)
            fields["input_ids"][r, :n] = e.ids
            fields["attention_mask"][r, :n] = e.attention_mask
            fields["token_type_ids"][r, :n] = e.type_ids
        return [fields[n] for n in self.input_names]



def share_out(plan: list[np.ndarray], n: int, run: Callable[[int, list[np.ndarray]], None]) -> None:
    """`run(j, plan[j::n])` for j < n, each on a thread of its own (inline when n is 1): batches
    sorted by token count, so alternate ones share the work evenly. For encoders whose runtime
    releases the GIL (ONNX Runtime, a TorchScript module).

    Example:
        >>> seen = []
        >>> share_out([[0], [1], [2]], 2, lambda j, mine: seen.append((j, mine)))
        >>> sorted(seen)
        [(0, [[0], [2]]), (1, [[1]])]
    """
    if n <= 1:
        run(0, plan)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(n) as pool:
        for done in [pool.submit(run, j, plan[j::n]) for j in range(n)]:
            done.result()


def probe_min_cosine(encode: Callable[[Sequence[str], int], np.ndarray], folder: Path) -> float:
    """Minimum cosine, over the probe texts, between `encode`'s vectors and torch fp32's stored ones."""
    ref = np.load(folder / "reference.npy")
    got = encode(PROBE, PROBE_BATCH)
    got /= np.linalg.norm(got, axis=1, keepdims=True)
    return float(np.min(np.sum(got.astype(np.float64) * ref, axis=1)))

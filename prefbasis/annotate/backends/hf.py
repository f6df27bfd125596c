"""The `transformers` annotator: an in-process Hugging Face causal LM (local path or hub id),
batched greedy generation with left padding, the chat template of the model.

Example:
    >>> cfg = TransformersConfig(model="HuggingFaceTB/SmolLM2-135M-Instruct", max_new_tokens=256,
    ...                          batch_size=8, seed=0)
    >>> TransformersAnnotator(cfg).params()["max_new_tokens"]
    256
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from prefbasis.annotate.base import AnnotationOutcome, AnnotationRequest


@dataclass
class TransformersConfig:
    """Model and generation settings of the transformers backend (from `AnnotateConfig`, whose
    `model`, `max_tokens`, `batch_size` and `seed` fill them; see `registry._transformers`)."""

    model: str
    max_new_tokens: int
    batch_size: int
    seed: int
    device: str = "cpu"


class TransformersAnnotator:
    """Batched in-process generation; the model loads on first use."""

    name = "transformers"
    uses_llm = True

    def __init__(self, config: TransformersConfig) -> None:
        self.config = config
        self.model = config.model
        self.batch_size = max(1, config.batch_size)
        self._lm = None
        self._tok = None
        self.requests_made = 0

    def params(self) -> dict[str, Any]:
        return {"max_new_tokens": self.config.max_new_tokens, "decoding": "greedy"}

    def _load(self) -> None:
        if self._lm is not None:
            return
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self._tok = AutoTokenizer.from_pretrained(self.config.model, padding_side="left")
        if self._tok.pad_token is None:
            self._tok.pad_token = self._tok.eos_token
        self._lm = AutoModelForCausalLM.from_pretrained(self.config.model).to(self.config.device).eval()

    def _generate(self, conversations: list[list[dict[str, str]]]) -> list[tuple[str, int, int]]:
        import torch

        self._load()
        texts = [self._tok.apply_chat_template(m, tokenize=False, add_generation_prompt=True) for m in conversations]
        enc = self._tok(texts, return_tensors="pt", padding=True).to(self.config.device)
        torch.manual_seed(self.config.seed)
        with torch.no_grad():
            out = self._lm.generate(**enc, max_new_tokens=self.config.max_new_tokens, do_sample=False,
                                    pad_token_id=self._tok.pad_token_id)
        new = out[:, enc["input_ids"].shape[1]:]
        results = []
        for i, row in enumerate(new):
            n_out = int((row != self._tok.pad_token_id).sum())
            results.append((self._tok.decode(row, skip_special_tokens=True),
                            int(enc["attention_mask"][i].sum()), n_out))
        self.requests_made += len(conversations)
        return results

    async def annotate_batch(self, requests: list[AnnotationRequest]) -> list[AnnotationOutcome]:
        self._load()  # in the main thread: transformers' lazy imports are not thread-safe
        gen = await asyncio.to_thread(self._generate, [r.messages for r in requests])
        return [AnnotationOutcome(r, raw=text, tokens_in=tin, tokens_out=tout, requests_made=1)
                for r, (text, tin, tout) in zip(requests, gen)]

    async def repair(self, outcome: AnnotationOutcome, error: str) -> AnnotationOutcome:
        msgs = list(outcome.request.messages) + [
            {"role": "assistant", "content": outcome.raw or ""},
            {"role": "user", "content": f"That answer is not valid ({error}). Reply with the corrected JSON only."}]
        (text, tin, tout), = await asyncio.to_thread(self._generate, [msgs])
        return AnnotationOutcome(outcome.request, raw=text, tokens_in=outcome.tokens_in + tin,
                                 tokens_out=outcome.tokens_out + tout, requests_made=outcome.requests_made + 1)

    async def aclose(self) -> None:
        self._lm = None

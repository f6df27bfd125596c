"""A tiny random causal LM and a byte-level tokenizer with a chat template, built in code (no download).

For tests and smoke runs: export -> train -> evaluate in seconds on a CPU.

Example:
    >>> path = build_tiny_model("/tmp/tiny-lm", seed=0)  # doctest: +SKIP
    >>> from transformers import AutoModelForCausalLM
    >>> AutoModelForCausalLM.from_pretrained(path).num_parameters() < 100_000  # doctest: +SKIP
    True
"""
from __future__ import annotations

import os
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SPECIAL_TOKENS = ["<pad>", "<|im_start|>", "<|im_end|>"]


def build_tiny_tokenizer():
    """A byte-level tokenizer (every byte one token: no text is out of vocabulary) in code."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS + sorted(alphabet))}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<|im_end|>",
                                   bos_token="<|im_start|>")
    fast.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS[1:]})
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_model(out_dir: str | os.PathLike[str], *, seed: int = 0, hidden_size: int = 32,
                     num_layers: int = 2, num_heads: int = 4, max_positions: int = 1024) -> Path:
    """Save a random Llama-architecture model (about 50k parameters) and its tokenizer to `out_dir`."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig

    from prefbasis.progress import hush_library_bars

    hush_library_bars()

    tok = build_tiny_tokenizer()
    config = LlamaConfig(vocab_size=len(tok), hidden_size=hidden_size,
                         intermediate_size=hidden_size * 2, num_hidden_layers=num_layers,
                         num_attention_heads=num_heads, num_key_value_heads=max(1, num_heads // 2),
                         max_position_embeddings=max_positions, pad_token_id=tok.pad_token_id,
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                         tie_word_embeddings=True)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    out = Path(out_dir)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out

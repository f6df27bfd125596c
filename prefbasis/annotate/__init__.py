"""Annotation engine: why did the winner win? (topic + 1-3 preferences per comparison).

Backends: `openai` (any OpenAI-compatible server), `transformers` (in-process), `rationale`
(no LLM, from the data's own rationale), and plug-ins (`register_annotator`). See docs/annotate.md.

Example:
    >>> from prefbasis.annotate import AnnotateConfig, annotate
    >>> from prefbasis.store import Store
    >>> report = annotate(Store.open(":memory:"), AnnotateConfig(annotator="rationale"))
    >>> report.requests
    0
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

# name -> module (imported on first use, so that `prefbasis --help` and the CLI parser stay light)
_EXPORTS = {
    **dict.fromkeys(["AnnotationOutcome", "AnnotationRequest", "Annotator", "BaseAnnotator", "Comparison"],
                    "prefbasis.annotate.base"),
    **dict.fromkeys(["Budget", "PriceTable"], "prefbasis.annotate.pricing"),
    **dict.fromkeys(["AnnotatorName", "available_annotators", "create_annotator", "register_annotator"],
                    "prefbasis.annotate.registry"),
    "AnnotateConfig": "prefbasis.annotate.config",
    **dict.fromkeys(["AnnotateReport", "annotate"], "prefbasis.annotate.runner"),
    **dict.fromkeys(["JSON_SCHEMA", "SchemaError", "parse_annotation", "validate_annotation"],
                    "prefbasis.annotate.schema"),
    **dict.fromkeys(["Template", "builtin_versions", "load_template"], "prefbasis.annotate.templates"),
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

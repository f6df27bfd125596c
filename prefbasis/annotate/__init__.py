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

# name -> module (imported on first use, so the CLI's parser needs only `config`)
_LAZY = {"AnnotationOutcome": "base", "AnnotationRequest": "base", "Annotator": "base", "BaseAnnotator": "base",
         "Comparison": "base", "Budget": "pricing", "PriceTable": "pricing", "AnnotateConfig": "config",
         "available_annotators": "registry", "create_annotator": "registry", "register_annotator": "registry",
         "AnnotateReport": "runner", "annotate": "runner", "JSON_SCHEMA": "schema", "SchemaError": "schema",
         "parse_annotation": "schema", "validate_annotation": "schema", "Template": "templates",
         "builtin_versions": "templates", "load_template": "templates"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

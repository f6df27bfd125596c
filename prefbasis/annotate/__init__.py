"""Annotation engine: why did the winner win? (topic + 1-3 preferences per comparison).

Backends: `openai` (any OpenAI-compatible server), `transformers` (in-process), `rationale`
(no LLM, from the data's own rationale), and plug-ins (`register_annotator`). See docs/annotate.md.

Example:
    >>> from prefbasis.store import Store
    >>> report = annotate(Store.open(":memory:"), AnnotateConfig(annotator="rationale"))
    >>> report.requests
    0
"""
from prefbasis.annotate.base import (AnnotationOutcome, AnnotationRequest, Annotator, BaseAnnotator,
                                     Comparison)
from prefbasis.annotate.pricing import Budget, PriceTable
from prefbasis.annotate.config import AnnotateConfig
from prefbasis.annotate.registry import available_annotators, create_annotator, register_annotator
from prefbasis.annotate.runner import AnnotateReport, annotate
from prefbasis.annotate.schema import JSON_SCHEMA, SchemaError, parse_annotation, validate_annotation
from prefbasis.annotate.templates import Template, builtin_versions, load_template

__all__ = ["AnnotateConfig", "AnnotateReport", "AnnotationOutcome", "AnnotationRequest", "Annotator",
           "BaseAnnotator", "Budget", "Comparison", "JSON_SCHEMA", "PriceTable",
           "SchemaError", "Template", "annotate", "available_annotators", "builtin_versions",
           "create_annotator", "load_template", "parse_annotation", "register_annotator",
           "validate_annotation"]

"""prefbasis: the canonical basis of human preferences, from pairwise preference data.

The public API is re-exported here lazily, so `import prefbasis` stays fast. Four stage functions
share their name with their subpackage and are imported from it: `from prefbasis.ingest import
ingest`, `from prefbasis.annotate import annotate`, `from prefbasis.simulate import simulate`,
`from prefbasis.train import train`.

Example:
    >>> import prefbasis
    >>> store = prefbasis.Store.open(":memory:")
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

__version__ = "0.1.0"

# name -> module that defines it (imported on first use)
_EXPORTS = {
    "Store": "prefbasis.store",
    "build_report": "prefbasis.report",
    "ReportConfig": "prefbasis.report",
    "run_demo": "prefbasis.demo",
    "DemoConfig": "prefbasis.demo",
    "SimulationConfig": "prefbasis.simulate",
    "run_query": "prefbasis.query",
    "PreferenceBasis": "prefbasis.basis.estimator",
    "extract": "prefbasis.basis.pipeline",
    "ExtractConfig": "prefbasis.basis.config",
    "ExtractResult": "prefbasis.basis.pipeline",
    "load_basis": "prefbasis.basis.store_adapter",
    "embed_texts": "prefbasis.embed",
    "embed_annotations": "prefbasis.embed_stage",
    "EmbedConfig": "prefbasis.embed_stage",
    "IngestConfig": "prefbasis.ingest",
    "pelo": "prefbasis.ratings",
    "PeloConfig": "prefbasis.ratings",
    "fit_bradley_terry": "prefbasis.ratings",
    "IngestReport": "prefbasis.ingest",
    "SourceFormat": "prefbasis.ingest",
    "write_comparisons": "prefbasis.ingest",
    "DatasetMeta": "prefbasis.ingest",
    "AnnotateConfig": "prefbasis.annotate",
    "AnnotateReport": "prefbasis.annotate",
    "Annotator": "prefbasis.annotate",
    "BaseAnnotator": "prefbasis.annotate",
    "register_annotator": "prefbasis.annotate",
    "export_dpo": "prefbasis.train.export",
    "ExportConfig": "prefbasis.train.config",
    "ExportResult": "prefbasis.train.export",
    "TrainConfig": "prefbasis.train.config",
    "TrainResult": "prefbasis.train.trainer",
    "evaluate": "prefbasis.train.evaluation",
    "EvalConfig": "prefbasis.train.config",
    "EvalResult": "prefbasis.train.evaluation",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""The HTML report: one self-contained, offline file that shows a basis at a glance.

Names load on first use (plotly / pandas), so importing the config stays light.

Example:
    >>> from prefbasis.report import ReportConfig, build_report
    >>> from prefbasis.store import Store
    >>> build_report(Store.open("prefbasis.duckdb"), ReportConfig(out="report.html"))  # doctest: +SKIP
"""
from __future__ import annotations

from prefbasis._lazy import lazy_exports

_LAZY = {"ReportConfig": "config", "ReportResult": "build", "build_report": "build",
         "ReportData": "data", "load_report_data": "data"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

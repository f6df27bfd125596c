"""The HTML report: one self-contained, offline file that shows a basis at a glance.

Example:
    >>> from prefbasis.report import ReportConfig, build_report
    >>> from prefbasis.store import Store
    >>> build_report(Store.open("prefbasis.duckdb"), ReportConfig(out="report.html"))  # doctest: +SKIP
"""
from prefbasis.report.build import ReportConfig, ReportResult, build_report
from prefbasis.report.data import ReportData, load_report_data

__all__ = ["ReportConfig", "ReportData", "ReportResult", "build_report", "load_report_data"]

"""The report object, its versioned JSON form, and its HTML and terminal renderings."""

from watchkeeper.report._report import SCHEMA_VERSION, DatasetInfo, Report, report

__all__ = ["SCHEMA_VERSION", "DatasetInfo", "Report", "report"]

"""watchkeeper: keeps watch over machine-learning models in production.

The public API, in one line each:

- :func:`report` compares current data with a reference: drift and data quality;
- :func:`detect_drift` is the drift part alone;
- :class:`DriftPolicy` and :class:`ColumnRule` say which method compares what;
- :class:`Schema`, :class:`ColumnKind`, :class:`ColumnRole` and :func:`infer_schema`
  describe the columns;
- the exceptions, rooted at :class:`WatchkeeperError`.

Sub-packages (``watchkeeper.stats``, ``watchkeeper.performance``, ...) have their own
curated ``__all__``.
"""

from watchkeeper._exceptions import (
    ColumnError,
    ConfigError,
    InputError,
    MissingDependency,
    ProfileFormatError,
    SchemaError,
    UnknownMethodError,
    WatchkeeperError,
)
from watchkeeper._version import __version__
from watchkeeper.drift import ColumnRule, DatasetDrift, DriftPolicy, detect_drift
from watchkeeper.report import Report, report
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema, infer_schema

__all__ = [
    "ColumnError",
    "ColumnKind",
    "ColumnRole",
    "ColumnRule",
    "ColumnSpec",
    "ConfigError",
    "DatasetDrift",
    "DriftPolicy",
    "InputError",
    "MissingDependency",
    "ProfileFormatError",
    "Report",
    "Schema",
    "SchemaError",
    "UnknownMethodError",
    "WatchkeeperError",
    "__version__",
    "detect_drift",
    "infer_schema",
    "report",
]

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

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from watchkeeper._version import __version__
    from watchkeeper.drift import ColumnRule, DatasetDrift, DriftPolicy, detect_drift
    from watchkeeper.report import Report, report
    from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema, infer_schema

# The computing names load on first use (PEP 562): ``import watchkeeper`` stays cheap,
# which keeps ``watchkeeper --version`` and ``--help`` fast (scipy alone takes ~0.5 s).
_LAZY = {
    "__version__": "watchkeeper._version",  # reading package metadata takes ~80 ms
    "ColumnRule": "watchkeeper.drift",
    "DatasetDrift": "watchkeeper.drift",
    "DriftPolicy": "watchkeeper.drift",
    "detect_drift": "watchkeeper.drift",
    "Report": "watchkeeper.report",
    "report": "watchkeeper.report",
    "ColumnKind": "watchkeeper.schema",
    "ColumnRole": "watchkeeper.schema",
    "ColumnSpec": "watchkeeper.schema",
    "Schema": "watchkeeper.schema",
    "infer_schema": "watchkeeper.schema",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'watchkeeper' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """The package module; ``watchkeeper.report`` stays the function ``report()``.

    The sub-package ``watchkeeper.report`` shares its name with the function. After
    loading a sub-package the import system binds it on the parent, which would
    replace the function by the module; the eager ``from ... import report`` this
    package used to run masked that, and this keeps it so.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "report" and isinstance(value, types.ModuleType):
            value = value.report
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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

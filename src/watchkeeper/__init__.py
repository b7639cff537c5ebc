"""watchkeeper: keeps watch over machine-learning models in production."""

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

__all__ = [
    "ColumnError",
    "ConfigError",
    "InputError",
    "MissingDependency",
    "ProfileFormatError",
    "SchemaError",
    "UnknownMethodError",
    "WatchkeeperError",
    "__version__",
]

"""Every error watchkeeper raises on purpose.

The hierarchy::

    WatchkeeperError                 base of everything below
    ├── InputError (ValueError)      bad data or arguments given by the caller
    │   ├── SchemaError              a schema file or override is wrong
    │   ├── ColumnError              one column cannot be used as declared
    │   └── UnknownMethodError       (KeyError too) a name not in a registry
    ├── ConfigError                  a YAML configuration is invalid
    ├── ProfileFormatError           a profile file is corrupt or of another format version
    └── MissingDependency (ImportError)
                                     an optional extra is not installed

A message names the thing, the value and the fix, for example
``column 'age' has 312 values that are not numbers (first: 'n/a'); declare it
categorical or clean it``.
"""

from __future__ import annotations

__all__ = [
    "ColumnError",
    "ConfigError",
    "InputError",
    "MissingDependency",
    "ProfileFormatError",
    "SchemaError",
    "UnknownMethodError",
    "WatchkeeperError",
]


class WatchkeeperError(Exception):
    """Base class of every error raised by watchkeeper on purpose."""


class InputError(WatchkeeperError, ValueError):
    """The caller's data or arguments cannot be used; the message says how to fix them."""


class SchemaError(InputError):
    """A schema (file or overrides) is invalid."""


class ColumnError(InputError):
    """A column cannot be used as declared.

    >>> err = ColumnError("age", "has 3 values that are not numbers", "declare it categorical")
    >>> str(err)
    "column 'age' has 3 values that are not numbers; declare it categorical"
    >>> err.column
    'age'
    """

    def __init__(self, column: str, problem: str, fix: str | None = None) -> None:
        self.column = column
        message = f"column {column!r} {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)


class UnknownMethodError(InputError, KeyError):
    """A name looked up in a registry is not registered."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a person wants the plain sentence.
        return str(self.args[0]) if self.args else ""


class ConfigError(WatchkeeperError):
    """A configuration file is invalid; ``line`` is set when it is known."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class ProfileFormatError(WatchkeeperError):
    """A profile file is corrupt, truncated, or written by an unsupported format version."""


class MissingDependency(WatchkeeperError, ImportError):  # noqa: N818 (httpx's name)
    """An optional dependency is missing.

    >>> str(MissingDependency("pandas", "pandas"))
    "this feature needs the optional package 'pandas'; pip install 'watchkeeper[pandas]'"
    """

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"this feature needs the optional package {package!r}; "
            f"pip install 'watchkeeper[{extra}]'"
        )

"""The registry of data-quality checks, by name, with their metadata.

A check is a pure function of measured facts and thresholds that yields findings:

- ``scope="dataset"``: ``func(reference, current, config)`` with two
  :class:`~watchkeeper.quality.DatasetQuality`;
- ``scope="column"``: ``func(column, config)`` with one
  :class:`~watchkeeper.quality.ColumnQuality`.

Its metadata says how bad its usual finding is (``severity``; some checks escalate to
``critical`` past a second threshold), which facts it ``reads``, which thresholds of
:class:`~watchkeeper.quality.QualityConfig` it uses, and what it is for. The docs, the
CLI and the tests read this one table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.quality._findings import Finding, Severity

__all__ = [
    "CheckFunc",
    "CheckScope",
    "QualityCheck",
    "available_checks",
    "get_check",
    "register_check",
]

CheckScope = Literal["dataset", "column"]
CheckFunc = Callable[..., Iterable[Finding]]


@dataclass(frozen=True, kw_only=True)
class QualityCheck:
    """A registered check and its metadata."""

    name: str
    func: CheckFunc
    scope: CheckScope
    severity: Severity
    reads: tuple[str, ...]
    thresholds: tuple[str, ...]
    description: str

    def to_dict(self) -> dict[str, Any]:
        """The metadata as JSON-ready data."""
        return {
            "name": self.name,
            "scope": self.scope,
            "severity": self.severity.value,
            "reads": list(self.reads),
            "thresholds": list(self.thresholds),
            "description": self.description,
        }


_CHECKS: dict[str, QualityCheck] = {}


def register_check(
    name: str,
    *,
    scope: CheckScope,
    severity: Severity,
    reads: Iterable[str],
    description: str,
    thresholds: Iterable[str] = (),
    replace: bool = False,
) -> Callable[[CheckFunc], CheckFunc]:
    """Decorator registering a check called ``name``; returns the function unchanged.

    >>> from watchkeeper.quality import Finding, Severity
    >>> @register_check("many_rows", scope="dataset", severity=Severity.INFO,
    ...                 reads=["current.n_rows"], description="Says when current is big.",
    ...                 replace=True)
    ... def many_rows(reference, current, config):
    ...     if current.n_rows > 1_000_000:
    ...         yield Finding(None, "many_rows", Severity.INFO, "current is big", current.n_rows)
    >>> get_check("many_rows").scope
    'dataset'
    >>> _ = _CHECKS.pop("many_rows")
    """
    if scope not in ("dataset", "column"):
        raise InputError(f"check {name!r} has scope {scope!r}; use 'dataset' or 'column'")
    if name in _CHECKS and not replace:
        raise InputError(f"a check called {name!r} is registered already; pass replace=True")

    def decorate(func: CheckFunc) -> CheckFunc:
        _CHECKS[name] = QualityCheck(
            name=name,
            func=func,
            scope=scope,
            severity=Severity(severity),
            reads=tuple(reads),
            thresholds=tuple(thresholds),
            description=description,
        )
        return func

    return decorate


def get_check(name: str) -> QualityCheck:
    """The check registered as ``name``.

    >>> get_check("duplicate_rows").severity
    <Severity.WARNING: 'warning'>
    >>> get_check("no_such_check")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.UnknownMethodError: unknown quality check 'no_such_check'; ...
    """
    try:
        return _CHECKS[name]
    except KeyError:
        known = ", ".join(_CHECKS)
        raise UnknownMethodError(
            f"unknown quality check {name!r}; choose one of: {known}"
        ) from None


def available_checks(scope: CheckScope | None = None) -> list[QualityCheck]:
    """Every registered check (or those of ``scope``), in the order they run.

    >>> [c.name for c in available_checks("dataset")]
    ['row_count', 'column_count', 'duplicate_rows']
    """
    return [c for c in _CHECKS.values() if scope is None or c.scope == scope]

"""Warnings raised by the performance package.

A warning, unlike an error, means a result was produced but should be read with care:
a metric that is undefined on a chunk (one class only, empty, constant target) gets the
documented value (usually NaN) and a :class:`DegenerateChunkWarning`.
"""

from __future__ import annotations

import warnings

__all__ = ["DegenerateChunkWarning", "PerformanceWarning", "UnreliableEstimateWarning"]


class PerformanceWarning(UserWarning):
    """Base class of every warning of :mod:`watchkeeper.performance`."""


class DegenerateChunkWarning(PerformanceWarning):
    """A metric is undefined or ill-defined on a chunk; its documented fallback was used.

    >>> issubclass(DegenerateChunkWarning, UserWarning)
    True
    """


class UnreliableEstimateWarning(PerformanceWarning):
    """A label-free estimate was produced under conditions where it should not be trusted."""


def warn_degenerate(metric: str, reason: str, value: str = "NaN") -> None:
    """Emit one :class:`DegenerateChunkWarning` saying which metric, why, and the value used."""
    warnings.warn(
        f"{metric} is undefined because {reason}; reported as {value}",
        DegenerateChunkWarning,
        stacklevel=3,
    )

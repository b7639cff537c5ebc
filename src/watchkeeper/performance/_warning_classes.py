"""Warnings raised by the performance package.

A warning, unlike an error, means a result was produced but should be read with care:
a metric that is undefined on a chunk (one class only, empty, constant target) gets the
documented value (usually NaN) and a :class:`DegenerateChunkWarning`; thresholds and
sampling errors drawn from fewer than :data:`MIN_REFERENCE_CHUNKS` reference chunks get a
:class:`FewReferenceChunksWarning`.
"""

from __future__ import annotations

import warnings

__all__ = [
    "MIN_REFERENCE_CHUNKS",
    "DegenerateChunkWarning",
    "FewReferenceChunksWarning",
    "PerformanceWarning",
    "UnreliableEstimateWarning",
]

MIN_REFERENCE_CHUNKS = 6
"""Below this many reference chunks the spread behind thresholds and sampling errors is
itself too uncertain to read (a standard deviation from five points is off by a third
or more in one case of three)."""


class PerformanceWarning(UserWarning):
    """Base class of every warning of :mod:`watchkeeper.performance`."""


class DegenerateChunkWarning(PerformanceWarning):
    """A metric is undefined or ill-defined on a chunk; its documented fallback was used.

    >>> issubclass(DegenerateChunkWarning, UserWarning)
    True
    """


class UnreliableEstimateWarning(PerformanceWarning):
    """A label-free estimate was produced under conditions where it should not be trusted."""


class FewReferenceChunksWarning(PerformanceWarning):
    """Thresholds and sampling errors rest on too few reference chunks to be trusted.

    >>> issubclass(FewReferenceChunksWarning, PerformanceWarning)
    True
    """


def few_reference_chunks_message(n_chunks: int) -> str:
    """The one message for too few reference chunks, naming the count and the fix.

    >>> few_reference_chunks_message(4)
    'thresholds rest on 4 reference chunks (fewer than 6) and are unreliable; \
use a smaller chunk size or more reference data'
    """
    return (
        f"thresholds rest on {n_chunks} reference chunk{'s' if n_chunks != 1 else ''} "
        f"(fewer than {MIN_REFERENCE_CHUNKS}) and are unreliable; "
        "use a smaller chunk size or more reference data"
    )


def warn_degenerate(metric: str, reason: str, value: str = "NaN") -> None:
    """Emit one :class:`DegenerateChunkWarning` saying which metric, why, and the value used."""
    warnings.warn(
        f"{metric} is undefined because {reason}; reported as {value}",
        DegenerateChunkWarning,
        stacklevel=3,
    )

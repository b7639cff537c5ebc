"""Thresholds: the values beyond which a chunk's metric raises an alert.

Every threshold is computed from the metric's values on the reference chunks and its
baseline (their mean), then clipped to the metric's natural range:

* :class:`ConstantThreshold`: fixed bounds;
* :class:`StandardDeviationThreshold`: mean -/+ k standard deviations of the reference
  chunks (k = 3 by default, as NannyML);
* :class:`RelativeThreshold`: the baseline -/+ a fraction of its absolute value.

A chunk alerts when its value is below the lower or above the upper threshold; a side
set to ``None`` never alerts. Alerts are raised on both sides by default: a sudden rise
of accuracy is as suspicious (leakage, a label pipeline bug) as a fall.

The sampling error of a chunk of ``n`` rows is the standard deviation of the metric on
the reference chunks scaled to that size, ``s_ref * sqrt(mean_ref_size / n)``: the
``1/sqrt(n)`` law NannyML applies, estimated from the reference chunks for every
metric alike (NannyML has one formula per metric). It needs at least two reference
chunks; otherwise it is NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ConstantThreshold",
    "RelativeThreshold",
    "StandardDeviationThreshold",
    "Threshold",
    "sampling_error",
]

FloatArray = NDArray[np.float64]


class Threshold(Protocol):
    """Turns reference chunk values and their baseline into (lower, upper) bounds."""

    def bounds(
        self, reference: FloatArray, baseline: float
    ) -> tuple[float | None, float | None]: ...


@dataclass(frozen=True)
class ConstantThreshold:
    """Fixed bounds.

    >>> ConstantThreshold(lower=0.8).bounds(np.array([0.9, 0.92]), 0.91)
    (0.8, None)
    """

    lower: float | None = None
    upper: float | None = None

    def bounds(self, reference: FloatArray, baseline: float) -> tuple[float | None, float | None]:
        return self.lower, self.upper


@dataclass(frozen=True)
class StandardDeviationThreshold:
    """Mean -/+ ``k`` standard deviations (ddof=1) of the reference chunk values.

    >>> StandardDeviationThreshold(lower_k=2, upper_k=None).bounds(np.array([1.0, 3.0]), 2.0)
    (-0.8284271247461903, None)
    """

    lower_k: float | None = 3.0
    upper_k: float | None = 3.0

    def bounds(self, reference: FloatArray, baseline: float) -> tuple[float | None, float | None]:
        finite = reference[np.isfinite(reference)]
        if finite.size < 2:
            return None, None
        mean, std = float(finite.mean()), float(finite.std(ddof=1))
        lower = None if self.lower_k is None else mean - self.lower_k * std
        upper = None if self.upper_k is None else mean + self.upper_k * std
        return lower, upper


@dataclass(frozen=True)
class RelativeThreshold:
    """The baseline -/+ a fraction of its absolute value.

    >>> RelativeThreshold(lower=0.1, upper=None).bounds(np.array([0.8, 1.0]), 0.9)
    (0.81, None)
    """

    lower: float | None = 0.1
    upper: float | None = 0.1

    def bounds(self, reference: FloatArray, baseline: float) -> tuple[float | None, float | None]:
        if not np.isfinite(baseline):
            return None, None
        lower = None if self.lower is None else baseline - self.lower * abs(baseline)
        upper = None if self.upper is None else baseline + self.upper * abs(baseline)
        return lower, upper


def sampling_error(reference: FloatArray, reference_sizes: FloatArray, n: int) -> float:
    """Standard error of the metric on a chunk of ``n`` rows, from the reference chunks.

    >>> round(sampling_error(np.array([0.8, 0.9, 0.85]), np.array([100.0, 100.0, 100.0]), 400), 4)
    0.025
    """
    keep = np.isfinite(reference)
    if keep.sum() < 2 or n <= 0:
        return float("nan")
    spread = float(np.std(reference[keep], ddof=1))
    return spread * float(np.sqrt(reference_sizes[keep].mean() / n))

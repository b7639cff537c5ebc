"""Multiple-testing corrections: adjusted p-values for many columns tested at once.

Testing 25 columns at 0.05 raises a false alarm somewhere most of the time; adjusted
p-values keep the family's error rate at the threshold instead. As with any p-value, a
*smaller* adjusted p-value is worse. Methods, by name:

- ``"bonferroni"``: ``min(1, m * p)``; controls the family-wise error rate (FWER);
- ``"holm"``: Holm's step-down; controls the FWER, never larger than Bonferroni;
- ``"bh"``: Benjamini-Hochberg step-up; controls the false discovery rate (FDR);
- ``"none"``: the p-values unchanged.

Missing p-values (``None`` or NaN, e.g. a distance has none) stay NaN in the output and
are **not counted** among the ``m`` tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError, UnknownMethodError

__all__ = ["CORRECTION_METHODS", "adjust_p_values"]

FloatArray = npt.NDArray[np.float64]


def _bonferroni(p: FloatArray) -> FloatArray:
    return p * p.size


def _holm(p: FloatArray) -> FloatArray:
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


def _benjamini_hochberg(p: FloatArray) -> FloatArray:
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


def _none(p: FloatArray) -> FloatArray:
    return p


_CORRECTIONS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "bonferroni": _bonferroni,
    "holm": _holm,
    "bh": _benjamini_hochberg,
    "none": _none,
}

#: The names :func:`adjust_p_values` accepts.
CORRECTION_METHODS = tuple(_CORRECTIONS)


def adjust_p_values(p_values: Iterable[float | None], method: str = "bh") -> FloatArray:
    """Adjusted p-values, in the input's order, clipped to [0, 1]; NaN where missing.

    >>> adjust_p_values([0.01, 0.04, 0.03, None], "holm").round(4)
    array([0.03, 0.06, 0.06,  nan])
    >>> adjust_p_values([0.01, 0.04, 0.03, 0.2], "bh").round(4)
    array([0.04  , 0.0533, 0.0533, 0.2   ])
    """
    try:
        correct = _CORRECTIONS[method]
    except KeyError:
        raise UnknownMethodError(
            f"unknown p-value correction {method!r}; choose one of: "
            + ", ".join(CORRECTION_METHODS)
        ) from None
    values = np.array([np.nan if p is None else p for p in p_values], dtype=np.float64)
    if values.ndim != 1:
        raise InputError(f"p-values must be a flat sequence, got shape {values.shape}")
    present = ~np.isnan(values)
    outside = present & ((values < 0.0) | (values > 1.0))
    if outside.any():
        raise InputError(
            f"p-values must lie in [0, 1]; got {float(values[outside][0])!r} "
            f"at position {int(np.flatnonzero(outside)[0])}"
        )
    adjusted = np.full(values.shape, np.nan)
    if present.any():
        adjusted[present] = np.clip(correct(values[present]), 0.0, 1.0)
    return adjusted

"""Regression metrics in numpy.

Direction: every metric here is an error, larger is worse, except ``r2`` (the
coefficient of determination), a score where higher is better (1 is perfect).

Degenerate inputs never raise: an empty chunk gives NaN (handled by the caller,
:mod:`._registry`); ``r2`` of a constant target (zero variance) is NaN with a
:class:`~watchkeeper.performance.DegenerateChunkWarning`, where scikit-learn's default
``force_finite=True`` would print 1.0 or 0.0, values a monitor would mistake for
real ones. ``mape`` divides by ``max(|y|, eps)`` with ``eps`` the float64 machine
epsilon, exactly as scikit-learn, so a zero target gives a huge but finite error.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from watchkeeper.performance._warning_classes import warn_degenerate

__all__ = [
    "max_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "median_absolute_error",
    "r2_score",
    "root_mean_squared_error",
]

FloatArray = NDArray[np.float64]


def mean_absolute_error(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Mean of ``|y - y_hat|``.

    >>> mean_absolute_error(np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0]))
    0.5
    """
    return float(np.mean(np.abs(y_true - y_pred)))


def mean_squared_error(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Mean of ``(y - y_hat)^2``.

    >>> mean_squared_error(np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0]))
    0.4166666666666667
    """
    residual = y_true - y_pred
    return float(np.dot(residual, residual) / residual.size)


def root_mean_squared_error(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Square root of the mean squared error.

    >>> root_mean_squared_error(np.array([0.0, 0.0]), np.array([3.0, 4.0]))
    3.5355339059327378
    """
    return float(np.sqrt(mean_squared_error(y_true, y_pred)))


def r2_score(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Coefficient of determination, ``1 - SS_res / SS_tot``; NaN for a constant target.

    >>> r2_score(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0]))
    0.5
    """
    centred = y_true - y_true.mean()
    ss_tot = float(np.dot(centred, centred))
    if ss_tot == 0.0:
        warn_degenerate("r2", "the target is constant")
        return float("nan")
    residual = y_true - y_pred
    return 1.0 - float(np.dot(residual, residual)) / ss_tot


def mean_absolute_percentage_error(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Mean of ``|y - y_hat| / max(|y|, eps)``, as a fraction (0.1 means 10 %).

    >>> mean_absolute_percentage_error(np.array([2.0, 4.0]), np.array([1.0, 5.0]))
    0.375
    """
    eps = np.finfo(np.float64).eps
    return float(np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), eps)))


def median_absolute_error(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Median of ``|y - y_hat|``, robust to a few wild errors.

    >>> median_absolute_error(np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 9.0]))
    0.5
    """
    return float(np.median(np.abs(y_true - y_pred)))


def max_error(y_true: FloatArray, y_pred: FloatArray) -> float:
    """Largest ``|y - y_hat|``.

    >>> max_error(np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 9.0]))
    5.0
    """
    return float(np.max(np.abs(y_true - y_pred)))

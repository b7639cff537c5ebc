"""Checks shared by every kernel: what a sample pair and a count pair must look like.

Validation happens once, here, at the boundary of each public kernel; inside, the
kernels trust the arrays they get. Every message names the side (reference or current),
the problem and the fix.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError

__all__ = ["as_counts", "as_samples", "drop_empty_categories", "rescaled"]

FloatArray = npt.NDArray[np.float64]


def _as_1d(values: npt.ArrayLike, side: str, method: str) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputError(
            f"{method}: the {side} values are not numbers ({error}); pass a 1-D numeric array"
        ) from None
    if array.ndim != 1:
        raise InputError(f"{method}: the {side} values have shape {array.shape}; pass a 1-D array")
    if array.size == 0:
        raise InputError(f"{method}: the {side} is empty; it needs at least one value")
    finite = np.isfinite(array)
    if not finite.all():
        bad = int(array.size - np.count_nonzero(finite))
        raise InputError(
            f"{method}: the {side} has {bad} NaN or infinite values "
            f"(first: {float(array[~finite][0])!r}); drop or impute them first"
        )
    return array


def _sorted(array: FloatArray) -> FloatArray:
    # The drift engine passes sorted columns; checking is a cheap vector compare, so
    # only unsorted input pays for the sort.
    if array.size > 1 and not np.all(array[:-1] <= array[1:]):
        return np.sort(array)
    return array


def as_samples(
    reference: npt.ArrayLike, current: npt.ArrayLike, method: str, *, min_size: int = 1
) -> tuple[FloatArray, FloatArray]:
    """Both samples as sorted, finite, 1-D float64 arrays of at least ``min_size`` values.

    >>> as_samples([3.0, 1.0], [2.0], "ks")
    (array([1., 3.]), array([2.]))
    >>> as_samples([1.0], [], "ks")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: ks: the current is empty; it needs at least one value
    """
    ref = _as_1d(reference, "reference", method)
    cur = _as_1d(current, "current", method)
    for side, array in (("reference", ref), ("current", cur)):
        if array.size < min_size:
            raise InputError(
                f"{method}: the {side} has {array.size} value(s), the test needs at least "
                f"{min_size} on each side; use 'ks' or 'mann_whitney' for tiny samples"
            )
    return _sorted(ref), _sorted(cur)


def as_counts(
    reference: npt.ArrayLike, current: npt.ArrayLike, method: str
) -> tuple[FloatArray, FloatArray]:
    """Both count arrays as aligned, non-negative, finite float64 arrays with a positive sum.

    >>> as_counts([1, 0, 3], [2, 2, 0], "psi")
    (array([1., 0., 3.]), array([2., 2., 0.]))
    >>> as_counts([1, 2], [1, 2, 3], "psi")
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: psi: the reference has 2 counts and the current 3; ...
    """
    ref = _as_1d(reference, "reference", method)
    cur = _as_1d(current, "current", method)
    if ref.size != cur.size:
        raise InputError(
            f"{method}: the reference has {ref.size} counts and the current {cur.size}; "
            "align both on the same categories or bins (zero for a missing one)"
        )
    for side, array in (("reference", ref), ("current", cur)):
        negative = array < 0
        if negative.any():
            first = float(array[negative][0])
            raise InputError(
                f"{method}: the {side} has negative counts (first: {first!r}); "
                "counts must be zero or more"
            )
        if array.sum() == 0:
            raise InputError(
                f"{method}: every count of the {side} is zero; there is no distribution "
                "to compare (is the column empty on that side?)"
            )
    return ref, cur


def drop_empty_categories(
    reference: FloatArray, current: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Drop categories that are empty on both sides: they carry no evidence either way.

    >>> drop_empty_categories(np.array([1.0, 0.0, 2.0]), np.array([3.0, 0.0, 0.0]))
    (array([1., 2.]), array([3., 0.]))
    """
    seen = (reference > 0) | (current > 0)
    if seen.all():
        return reference, current
    return reference[seen], current[seen]


# Squares of values beyond this overflow float64 sums of squares.
_LARGEST_SQUARABLE = 1e150
# Below this, the squares of the smallest gaps between values (an ulp of the largest)
# underflow, so a variance could read zero; scaling up by a power of two is exact.
_SMALLEST_SQUARABLE = 1e-100


def rescaled(ref: FloatArray, cur: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Sorted samples scaled by a power of two (exact) when squaring them would overflow
    or underflow.

    Only for scale-free statistics (t, Wasserstein in standard deviations).

    >>> rescaled(np.array([-1e300, 1.0]), np.array([2e300]))[1] < 1.0
    array([ True])
    >>> rescaled(np.array([0.0]), np.array([3e-184]))[1] > 0.5
    array([ True])
    """
    largest = max(abs(float(ref[0])), abs(float(ref[-1])), abs(float(cur[0])), abs(float(cur[-1])))
    if largest == 0.0 or _SMALLEST_SQUARABLE <= largest <= _LARGEST_SQUARABLE:
        return ref, cur
    shift = -math.frexp(largest)[1]  # np.ldexp scales exactly, subnormals included
    return np.ldexp(ref, shift), np.ldexp(cur, shift)

"""Measuring the facts the quality checks read, from values already extracted.

Numeric values arrive sorted, so quantiles are read by index and every count of values
beyond a bound is a binary search: measuring a column costs one pass for its mean and
standard deviation and ``O(log n)`` for the rest. Larger shares and smaller p-values
are worse.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

from watchkeeper._numbers import format_number
from watchkeeper.io import CategoricalValues, ColumnValues, NumericValues
from watchkeeper.quality._facts import (
    ColumnQuality,
    ColumnSide,
    MissingChange,
    NumericSummary,
    OutlierFacts,
    RangeFacts,
    UnseenFacts,
)

__all__ = [
    "arrow_family",
    "column_side",
    "missing_change",
    "numeric_summary",
    "outlier_facts",
    "quantile_sorted",
    "range_facts",
    "rise_p_value",
    "unseen_facts",
    "with_sides",
]

FloatArray = npt.NDArray[np.float64]


def quantile_sorted(values: FloatArray, q: float) -> float:
    """The ``q`` quantile of sorted ``values``, interpolating linearly between order
    statistics as ``numpy.quantile`` does by default, in ``O(1)``.

    >>> quantile_sorted(np.array([1.0, 2.0, 4.0, 8.0]), 0.25)
    1.75
    """
    position = q * (values.size - 1)
    low = math.floor(position)
    high = min(low + 1, values.size - 1)
    weight = position - low
    a, b = float(values[low]), float(values[high])
    # numpy's lerp: exact at both ends, and monotone in ``weight``.
    return b - (b - a) * (1.0 - weight) if weight >= 0.5 else a + (b - a) * weight


def numeric_summary(values: FloatArray) -> NumericSummary | None:
    """Mean, sample standard deviation and quartiles of sorted finite ``values``.

    >>> s = numeric_summary(np.array([1.0, 2.0, 3.0, 10.0]))
    >>> s.mean, round(s.std, 4), s.median, s.q75
    (4.0, 4.0825, 2.5, 4.75)
    """
    n = int(values.size)
    if n == 0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(values.mean())
        std = float(values.std(ddof=1)) if n >= 2 else None
    return NumericSummary(
        n=n,
        mean=mean,
        std=std,
        min=float(values[0]),
        q25=quantile_sorted(values, 0.25),
        median=quantile_sorted(values, 0.5),
        q75=quantile_sorted(values, 0.75),
        max=float(values[-1]),
    )


def _numeric_side(values: NumericValues) -> ColumnSide:
    finite = values.values
    n_finite = int(finite.size)
    n_distinct = int(np.count_nonzero(finite[1:] != finite[:-1])) + 1 if n_finite else 0
    n_distinct += (values.n_pos_inf > 0) + (values.n_neg_inf > 0)
    constant: str | None = None
    if n_distinct == 1:
        if n_finite:
            constant = format_number(float(finite[0]))
        else:
            constant = "inf" if values.n_pos_inf else "-inf"
    return ColumnSide(
        n_rows=values.n_rows,
        n_missing=values.n_missing,
        n_type_mismatch=values.n_type_mismatch,
        first_mismatch=values.first_mismatch,
        n_pos_inf=values.n_pos_inf,
        n_neg_inf=values.n_neg_inf,
        n_distinct=n_distinct,
        constant_value=constant,
        summary=numeric_summary(finite),
    )


def column_side(values: ColumnValues) -> ColumnSide:
    """The counts of one column on one side.

    >>> from watchkeeper.io import CategoricalValues
    >>> side = column_side(CategoricalValues("c", ["a"], np.array([3]), n_rows=4, n_null=1))
    >>> side.missing_share, side.n_distinct, side.constant_value
    (0.25, 1, 'a')
    """
    if isinstance(values, NumericValues):
        return _numeric_side(values)
    if isinstance(values, CategoricalValues):
        n_distinct = len(values.categories)
        return ColumnSide(
            n_rows=values.n_rows,
            n_missing=values.n_missing,
            n_distinct=n_distinct,
            constant_value=values.categories[0] if n_distinct == 1 else None,
        )
    return ColumnSide(
        n_rows=values.n_rows, n_missing=values.n_missing, n_distinct=values.n_distinct
    )


def rise_p_value(k_reference: int, n_reference: int, k_current: int, n_current: int) -> float:
    """One-sided p-value that the current proportion exceeds the reference's.

    A two-proportion z-test with pooled variance: ``z = (p2 - p1) / sqrt(p (1 - p)
    (1/n1 + 1/n2))``, ``p = (k1 + k2) / (n1 + n2)``, p-value ``= 1 - Phi(z)``.
    When the pooled proportion is 0 or 1 the two proportions are equal and the
    p-value is 1.

    >>> round(rise_p_value(10, 1000, 40, 1000), 8)
    8.67e-06
    """
    p1 = k_reference / n_reference
    p2 = k_current / n_current
    pooled = (k_reference + k_current) / (n_reference + n_current)
    variance = pooled * (1.0 - pooled) * (1.0 / n_reference + 1.0 / n_current)
    if variance <= 0.0:
        return 1.0
    z = (p2 - p1) / math.sqrt(variance)
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def with_sides(
    column: ColumnQuality, reference: ColumnSide | None, current: ColumnSide | None
) -> ColumnQuality:
    """``column`` with each side's facts and, when both exist, the change of their
    missing shares: the step raw data and profiles share."""
    column = replace(column, reference=reference, current=current)
    if reference is not None and current is not None:
        column = replace(column, missing_change=missing_change(reference, current))
    return column


def missing_change(reference: ColumnSide, current: ColumnSide) -> MissingChange | None:
    """The missing shares of both sides and the p-value of the rise; None when a side
    has no rows."""
    if reference.n_rows == 0 or current.n_rows == 0:
        return None
    return MissingChange(
        reference_share=reference.n_missing / reference.n_rows,
        current_share=current.n_missing / current.n_rows,
        p_value=rise_p_value(
            reference.n_missing, reference.n_rows, current.n_missing, current.n_rows
        ),
    )


def _outside_range_p_value(n_outside: int, n_current: int, n_reference: int) -> float:
    if n_outside == 0:
        return 1.0
    # Under one continuous distribution the share of the population outside the range
    # of n reference values is Beta(2, n - 1), so the current count is beta-binomial.
    p = float(stats.betabinom.sf(n_outside - 1, n_current, 2, n_reference - 1))
    if not math.isfinite(p):
        # The closed form of the Beta(2, n - 1) tail, the limit for a large current.
        s = n_outside / n_current
        p = (1.0 - s) ** (n_reference - 1) * (1.0 + (n_reference - 1) * s)
    return min(max(p, 0.0), 1.0)


def range_facts(reference: NumericValues, current: NumericValues) -> RangeFacts | None:
    """Current finite values outside the reference's ``[min, max]``; None when the
    reference has fewer than two finite values or the current has none.

    >>> ref = NumericValues("x", np.array([0.0, 1.0, 2.0]), 3, 0, 0, 0, 0)
    >>> cur = NumericValues("x", np.array([-1.0, 0.5, 2.0, 3.0, 4.0]), 5, 0, 0, 0, 0)
    >>> facts = range_facts(ref, cur)
    >>> facts.n_below, facts.n_above, facts.share
    (1, 2, 0.6)
    """
    ref, cur = reference.values, current.values
    if ref.size < 2 or cur.size == 0:
        return None
    low, high = float(ref[0]), float(ref[-1])
    n_below = int(np.searchsorted(cur, low, side="left"))
    n_above = int(cur.size - np.searchsorted(cur, high, side="right"))
    return RangeFacts(
        reference_min=low,
        reference_max=high,
        n_current=int(cur.size),
        n_below=n_below,
        n_above=n_above,
        p_value=_outside_range_p_value(n_below + n_above, int(cur.size), int(ref.size)),
    )


def _n_outside(values: FloatArray, low: float, high: float) -> int:
    below = np.searchsorted(values, low, side="left")
    above = values.size - np.searchsorted(values, high, side="right")
    return int(below + above)


def outlier_facts(
    reference: NumericValues, current: NumericValues, factor: float
) -> OutlierFacts | None:
    """Shares outside the reference's fences ``Q1 - factor IQR`` and ``Q3 + factor IQR``.

    None when the reference has fewer than two finite values or is constant (then every
    other value is out of its range, which :func:`range_facts` reports), or when the
    current has no finite value.

    >>> ref = NumericValues("x", np.arange(1.0, 9.0), 8, 0, 0, 0, 0)
    >>> cur = NumericValues("x", np.array([-20.0, 2.0, 5.0, 30.0]), 4, 0, 0, 0, 0)
    >>> facts = outlier_facts(ref, cur, 1.5)
    >>> facts.lower_fence, facts.upper_fence, facts.current_share
    (-2.5, 11.5, 0.5)
    """
    ref, cur = reference.values, current.values
    if ref.size < 2 or cur.size == 0 or ref[0] == ref[-1]:
        return None
    q1, q3 = quantile_sorted(ref, 0.25), quantile_sorted(ref, 0.75)
    iqr = q3 - q1
    low, high = q1 - factor * iqr, q3 + factor * iqr
    k_ref = _n_outside(ref, low, high)
    k_cur = _n_outside(cur, low, high)
    return OutlierFacts(
        lower_fence=low,
        upper_fence=high,
        n_reference=int(ref.size),
        n_reference_outside=k_ref,
        n_current=int(cur.size),
        n_current_outside=k_cur,
        p_value=rise_p_value(k_ref, int(ref.size), k_cur, int(cur.size)),
    )


def unseen_facts(
    reference: CategoricalValues, current: CategoricalValues, top: int
) -> UnseenFacts | None:
    """Current values whose category the reference lacks; None when either side has
    no category at all (an empty column is reported on its own).

    >>> ref = CategoricalValues("c", ["a", "b"], np.array([5, 5]), 10, 0)
    >>> cur = CategoricalValues("c", ["a", "z", "y"], np.array([6, 3, 1]), 10, 0)
    >>> facts = unseen_facts(ref, cur, 5)
    >>> facts.share, facts.top
    (0.4, (('z', 3), ('y', 1)))
    """
    if not reference.categories or not current.categories:
        return None
    # Arrow's hash lookup keeps this linear even for a million distinct strings.
    known = pc.is_in(
        pa.array(current.categories, pa.string()),
        value_set=pa.array(reference.categories, pa.string()),
    )
    unseen = ~np.asarray(known.to_numpy(zero_copy_only=False), dtype=bool)
    positions = np.flatnonzero(unseen)
    counts = current.counts
    # Categories come most frequent first, so the first unseen ones are the top ones.
    top_items = tuple((current.categories[i], int(counts[i])) for i in positions[:top])
    return UnseenFacts(
        n_current=int(counts.sum()),
        n_unseen_values=int(counts[positions].sum()),
        n_unseen_categories=int(positions.size),
        top=top_items,
        reference_n_distinct=len(reference.categories),
        reference_n_present=int(reference.counts.sum()),
    )


def arrow_family(dtype: pa.DataType) -> str:
    """The broad family of an Arrow type, which a type change is judged on: widening
    an int to a float is no change, a number turning into text is.

    >>> arrow_family(pa.int32()), arrow_family(pa.large_string()), arrow_family(pa.null())
    ('number', 'text', 'null')
    """
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    checks = (
        ("null", pa.types.is_null),
        ("boolean", pa.types.is_boolean),
        ("number", lambda t: pa.types.is_integer(t) or pa.types.is_floating(t)),
        ("number", pa.types.is_decimal),
        ("text", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)),
        ("text", pa.types.is_string_view),
        ("datetime", pa.types.is_temporal),
        ("binary", lambda t: pa.types.is_binary(t) or pa.types.is_large_binary(t)),
        ("binary", pa.types.is_fixed_size_binary),
        ("list", lambda t: pa.types.is_list(t) or pa.types.is_large_list(t)),
        ("list", pa.types.is_fixed_size_list),
        ("struct", pa.types.is_struct),
        ("map", pa.types.is_map),
    )
    for family, test in checks:
        if test(dtype):
            return family
    return str(dtype)

"""What the quality checks measure, per dataset and per column, as plain data.

The facts are computed once (in :mod:`watchkeeper.quality._measure`) and every check
reads them, so a check is a pure function of facts and thresholds. Shares are
fractions in ``[0, 1]``; a share is None when its denominator is zero (an empty table or
an all-missing column), never NaN. P-values are one-sided: small means the current data
is worse than the reference by more than sampling noise explains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from watchkeeper.schema import ColumnKind, ColumnRole

__all__ = [
    "ColumnQuality",
    "ColumnSide",
    "DatasetQuality",
    "MissingChange",
    "NumericSummary",
    "OutlierFacts",
    "RangeFacts",
    "UnseenFacts",
    "fraction",
]


def fraction(part: int, whole: int) -> float | None:
    """``part / whole``, or None when ``whole`` is zero.

    >>> fraction(1, 4), fraction(0, 0)
    (0.25, None)
    """
    return part / whole if whole else None


def _finite(value: float | None) -> float | None:
    # JSON has no NaN or infinity; a statistic that overflowed is reported as unknown.
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class DatasetQuality:
    """Counts for one whole dataset (reference or current).

    ``n_duplicate_rows`` counts rows equal to an earlier row in every column (as
    pandas' ``DataFrame.duplicated().sum()``); it is None when some column has a type
    rows cannot be compared on, and ``duplicates_unchecked`` then says which.
    """

    name: Literal["reference", "current"]
    n_rows: int
    n_columns: int
    n_duplicate_rows: int | None
    duplicate_share: float | None
    n_missing_cells: int
    duplicates_unchecked: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n_rows": self.n_rows,
            "n_columns": self.n_columns,
            "n_duplicate_rows": self.n_duplicate_rows,
            "duplicate_share": _finite(self.duplicate_share),
            "n_missing_cells": self.n_missing_cells,
            "duplicates_unchecked": self.duplicates_unchecked,
        }


@dataclass(frozen=True)
class NumericSummary:
    """Mean, sample standard deviation and quartiles of the finite values.

    Quartiles interpolate linearly between order statistics (numpy's default);
    ``std`` uses ``n - 1`` and is None for fewer than two values.
    """

    n: int
    mean: float | None
    std: float | None
    min: float
    q25: float
    median: float
    q75: float
    max: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": _finite(self.mean),
            "std": _finite(self.std),
            "min": self.min,
            "q25": self.q25,
            "median": self.median,
            "q75": self.q75,
            "max": self.max,
        }


@dataclass(frozen=True)
class ColumnSide:
    """One column on one side: counts of what is missing, broken or distinct.

    ``n_rows = n_missing + n_type_mismatch + n_infinite + (finite or category values)``.
    ``constant_value`` is the only value when the column has exactly one.
    """

    n_rows: int
    n_missing: int
    n_type_mismatch: int = 0
    first_mismatch: str | None = None
    n_pos_inf: int = 0
    n_neg_inf: int = 0
    n_distinct: int | None = None
    constant_value: str | None = None
    summary: NumericSummary | None = None

    @property
    def n_infinite(self) -> int:
        return self.n_pos_inf + self.n_neg_inf

    @property
    def n_present(self) -> int:
        """Values that are not missing (type mismatches and infinities included)."""
        return self.n_rows - self.n_missing

    @property
    def missing_share(self) -> float | None:
        return fraction(self.n_missing, self.n_rows)

    @property
    def type_mismatch_share(self) -> float | None:
        return fraction(self.n_type_mismatch, self.n_rows)

    @property
    def infinite_share(self) -> float | None:
        return fraction(self.n_infinite, self.n_rows)

    @property
    def is_empty(self) -> bool:
        """Every value is missing (and there is at least one row)."""
        return self.n_rows > 0 and self.n_missing == self.n_rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "n_missing": self.n_missing,
            "missing_share": self.missing_share,
            "n_type_mismatch": self.n_type_mismatch,
            "first_mismatch": self.first_mismatch,
            "n_pos_inf": self.n_pos_inf,
            "n_neg_inf": self.n_neg_inf,
            "n_distinct": self.n_distinct,
            "constant_value": self.constant_value,
            "summary": None if self.summary is None else self.summary.to_dict(),
        }


@dataclass(frozen=True)
class MissingChange:
    """The missing share of a column in both datasets, and the one-sided p-value of
    its rise (a two-proportion z-test with pooled variance)."""

    reference_share: float
    current_share: float
    p_value: float

    @property
    def rise(self) -> float:
        return self.current_share - self.reference_share

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_share": self.reference_share,
            "current_share": self.current_share,
            "rise": self.rise,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class RangeFacts:
    """Current finite values below the reference minimum or above its maximum.

    ``p_value`` is the chance of at least that many, had both samples come from one
    continuous distribution: the count is then beta-binomial ``(n_current, 2, n - 1)``
    for a reference of ``n`` values.
    """

    reference_min: float
    reference_max: float
    n_current: int
    n_below: int
    n_above: int
    p_value: float

    @property
    def n_outside(self) -> int:
        return self.n_below + self.n_above

    @property
    def share(self) -> float | None:
        return fraction(self.n_outside, self.n_current)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference_min": self.reference_min,
            "reference_max": self.reference_max,
            "n_current": self.n_current,
            "n_below": self.n_below,
            "n_above": self.n_above,
            "share": self.share,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class OutlierFacts:
    """Values outside the reference's Tukey fences, on both sides.

    ``p_value`` tests whether the current share exceeds the reference's own share
    (one-sided two-proportion z-test).
    """

    lower_fence: float
    upper_fence: float
    n_reference: int
    n_reference_outside: int
    n_current: int
    n_current_outside: int
    p_value: float

    @property
    def reference_share(self) -> float | None:
        return fraction(self.n_reference_outside, self.n_reference)

    @property
    def current_share(self) -> float | None:
        return fraction(self.n_current_outside, self.n_current)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower_fence": _finite(self.lower_fence),
            "upper_fence": _finite(self.upper_fence),
            "n_reference": self.n_reference,
            "n_reference_outside": self.n_reference_outside,
            "reference_share": self.reference_share,
            "n_current": self.n_current,
            "n_current_outside": self.n_current_outside,
            "current_share": self.current_share,
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class UnseenFacts:
    """Current values in categories the reference does not have.

    ``top`` lists the most frequent unseen categories with their current counts;
    ``reference_n_distinct`` and ``reference_n_present`` tell an identifier apart.
    """

    n_current: int
    n_unseen_values: int
    n_unseen_categories: int
    top: tuple[tuple[str, int], ...]
    reference_n_distinct: int
    reference_n_present: int

    @property
    def share(self) -> float | None:
        return fraction(self.n_unseen_values, self.n_current)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_current": self.n_current,
            "n_unseen_values": self.n_unseen_values,
            "n_unseen_categories": self.n_unseen_categories,
            "share": self.share,
            "top": [{"category": c, "count": n} for c, n in self.top],
        }


@dataclass(frozen=True)
class ColumnQuality:
    """Everything measured about one column.

    A side is None when the column is absent from that dataset, or when it is not
    measured (ignored columns, and columns of the current that the schema lacks).
    ``reference_type`` and ``current_type`` are the Arrow types (None when absent), and
    the ``*_family`` fields their broad family (number, text, boolean, datetime, ...).
    """

    name: str
    kind: ColumnKind | None
    role: ColumnRole | None
    in_reference: bool
    in_current: bool
    reference_type: str | None = None
    current_type: str | None = None
    reference_family: str | None = None
    current_family: str | None = None
    reference: ColumnSide | None = None
    current: ColumnSide | None = None
    missing_change: MissingChange | None = None
    range: RangeFacts | None = None
    outliers: OutlierFacts | None = None
    unseen: UnseenFacts | None = None

    @property
    def in_schema(self) -> bool:
        return self.kind is not None

    @property
    def values_checked(self) -> bool:
        """Whether value checks (range, outliers, categories, constants) apply: not to
        identifiers, whose every value is meant to be new, nor to ignored columns."""
        return self.role not in (None, ColumnRole.ID, ColumnRole.IGNORED)

    def to_dict(self) -> dict[str, Any]:
        def maybe(item: Any) -> Any:
            return None if item is None else item.to_dict()

        return {
            "column": self.name,
            "kind": None if self.kind is None else self.kind.value,
            "role": None if self.role is None else self.role.value,
            "in_reference": self.in_reference,
            "in_current": self.in_current,
            "reference_type": self.reference_type,
            "current_type": self.current_type,
            "reference_family": self.reference_family,
            "current_family": self.current_family,
            "reference": maybe(self.reference),
            "current": maybe(self.current),
            "missing_change": maybe(self.missing_change),
            "range": maybe(self.range),
            "outliers": maybe(self.outliers),
            "unseen": maybe(self.unseen),
        }

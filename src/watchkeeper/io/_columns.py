"""Typed column values pulled out of Arrow in one pass, shared by drift and quality.

A numeric column becomes its finite values, sorted (every sample test and every
reference-quantile bin reads the sorted array), plus the counts of what was set aside:
nulls, NaN, infinities and values that are not numbers at all. A categorical or boolean
column becomes its categories and their counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper.schema._infer import NUMBER_PATTERN
from watchkeeper.schema._model import ColumnKind, ColumnSpec

__all__ = [
    "CategoricalValues",
    "ColumnValues",
    "NumericValues",
    "OtherValues",
    "category_counts",
    "extract_column",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class NumericValues:
    """A numeric column: sorted finite values and the counts of everything set aside."""

    name: str
    values: FloatArray
    n_rows: int
    n_null: int
    n_nan: int
    n_pos_inf: int
    n_neg_inf: int
    n_type_mismatch: int = 0
    first_mismatch: str | None = None

    @property
    def n_missing(self) -> int:
        """Nulls and NaN: values that are absent."""
        return self.n_null + self.n_nan


@dataclass(frozen=True, eq=False)
class CategoricalValues:
    """A categorical or boolean column: categories (as text) and their counts."""

    name: str
    categories: list[str]
    counts: IntArray
    n_rows: int
    n_null: int

    @property
    def n_missing(self) -> int:
        return self.n_null


@dataclass(frozen=True, eq=False)
class OtherValues:
    """A column drift does not compare (text, datetime, embedding): counts only."""

    name: str
    n_rows: int
    n_null: int
    n_distinct: int | None

    @property
    def n_missing(self) -> int:
        return self.n_null


ColumnValues = NumericValues | CategoricalValues | OtherValues


def _as_float(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray, int, str | None]:
    """Cast to float64; text that is not a number becomes null and is counted."""
    dtype = column.type
    if pa.types.is_dictionary(dtype):
        column = column.cast(dtype.value_type)
        dtype = column.type
    if pa.types.is_floating(dtype) and dtype != pa.float64():
        return column.cast(pa.float64()), 0, None
    if pa.types.is_floating(dtype):
        return column, 0, None
    if pa.types.is_integer(dtype) or pa.types.is_decimal(dtype) or pa.types.is_boolean(dtype):
        return column.cast(pa.float64()), 0, None
    if pa.types.is_null(dtype):
        return pa.chunked_array([pa.nulls(len(column), pa.float64())]), 0, None
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        is_number = pc.match_substring_regex(column, NUMBER_PATTERN)
        bad = pc.and_(pc.invert(is_number), pc.is_valid(column))
        n_bad = pc.sum(bad).as_py() or 0
        first = None
        if n_bad:
            first = pc.filter(column, bad)[0].as_py()
        numbers = pc.if_else(is_number, pc.utf8_trim_whitespace(column), None)
        return numbers.cast(pa.float64()), n_bad, first
    # Temporal and nested types have no numeric reading.
    return pa.chunked_array([pa.nulls(len(column), pa.float64())]), len(column), str(dtype)


def _numeric(name: str, column: pa.ChunkedArray) -> NumericValues:
    as_float, n_bad, first_bad = _as_float(column)
    n_rows = len(column)
    n_null = as_float.null_count - n_bad
    present = pc.drop_null(as_float) if as_float.null_count else as_float
    raw = present.to_numpy() if present.num_chunks != 1 else present.chunk(0).to_numpy()
    finite_mask = np.isfinite(raw)
    if finite_mask.all():
        values = np.sort(raw)
        n_nan = n_pos = n_neg = 0
    else:
        values = np.sort(raw[finite_mask])
        n_nan = int(np.isnan(raw).sum())
        n_pos = int(np.isposinf(raw).sum())
        n_neg = int(np.isneginf(raw).sum())
    return NumericValues(
        name=name,
        values=values.astype(np.float64, copy=False),
        n_rows=n_rows,
        n_null=n_null,
        n_nan=n_nan,
        n_pos_inf=n_pos,
        n_neg_inf=n_neg,
        n_type_mismatch=n_bad,
        first_mismatch=None if first_bad is None else str(first_bad),
    )


def _category_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def category_counts(column: pa.ChunkedArray) -> tuple[list[str], list[int], int]:
    """The categories of ``column`` as text with their counts, and the count of missing
    values (null, and NaN in a float column): the one categorical count, for raw
    columns and for profiles. Two categories may print alike (``1`` and ``1.0``).

    >>> category_counts(pa.chunked_array([[1.0, 2.0, float("nan"), 1.0, None]]))
    (['1', '2'], [2, 1], 2)
    """
    n_null = column.null_count
    if pa.types.is_floating(column.type):
        # NaN in a float column read as categories is missing, not a category.
        nan_mask = pc.is_nan(column)
        n_nan = pc.sum(nan_mask).as_py() or 0
        if n_nan:
            column = pc.if_else(nan_mask, None, column)
            n_null += n_nan
    counts = pc.value_counts(column)
    values = counts.field("values").to_pylist()
    tallies = counts.field("counts").to_pylist()
    textual = pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
    keys: list[str] = []
    out: list[int] = []
    for value, tally in zip(values, tallies, strict=True):
        if value is None:
            continue
        keys.append(value if textual else _category_text(value))
        out.append(int(tally))
    return keys, out, n_null


def _categorical(name: str, column: pa.ChunkedArray) -> CategoricalValues:
    n_rows = len(column)
    categories, counted, n_null = category_counts(column)
    tallies = np.asarray(counted, dtype=np.int64)
    # Two values can print alike (1 and 1.0 from different files): merge them.
    if len(set(categories)) != len(categories):
        merged: dict[str, int] = {}
        for category, tally in zip(categories, tallies.tolist(), strict=True):
            merged[category] = merged.get(category, 0) + tally
        categories = list(merged)
        tallies = np.asarray(list(merged.values()), dtype=np.int64)
    order = np.argsort(-tallies, kind="stable")
    return CategoricalValues(
        name=name,
        categories=[categories[i] for i in order],
        counts=tallies[order],
        n_rows=n_rows,
        n_null=n_null,
    )


def extract_column(column: pa.ChunkedArray | pa.Array, spec: ColumnSpec) -> ColumnValues:
    """The values of ``column`` read as ``spec`` says.

    >>> import pyarrow as pa
    >>> from watchkeeper.schema import ColumnKind, ColumnSpec
    >>> v = extract_column(pa.chunked_array([["1.5", "n/a", None, "0.5"]]),
    ...                    ColumnSpec("x", ColumnKind.NUMERIC))
    >>> v.values.tolist(), v.n_null, v.n_type_mismatch, v.first_mismatch
    ([0.5, 1.5], 1, 1, 'n/a')
    >>> c = extract_column(pa.chunked_array([["a", "b", "a", None]]),
    ...                    ColumnSpec("c", ColumnKind.CATEGORICAL))
    >>> c.categories, c.counts.tolist(), c.n_null
    (['a', 'b'], [2, 1], 1)
    """
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    if spec.kind == ColumnKind.NUMERIC:
        return _numeric(spec.name, column)
    if spec.kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN):
        return _categorical(spec.name, column)
    try:
        distinct: int | None = pc.count_distinct(column).as_py()
    except pa.ArrowNotImplementedError:
        distinct = None
    return OtherValues(
        name=spec.name, n_rows=len(column), n_null=column.null_count, n_distinct=distinct
    )

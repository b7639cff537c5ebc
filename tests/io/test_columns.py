from __future__ import annotations

import numpy as np
import pyarrow as pa

from watchkeeper.io import CategoricalValues, NumericValues, OtherValues, extract_column
from watchkeeper.schema import ColumnKind, ColumnSpec

NUMERIC = ColumnSpec("x", ColumnKind.NUMERIC)
CATEGORICAL = ColumnSpec("c", ColumnKind.CATEGORICAL)


def test_numeric_values_are_sorted_and_set_asides_counted() -> None:
    column = pa.chunked_array([[3.0, None, float("nan")], [float("inf"), -float("inf"), 1.0, 2.0]])
    values = extract_column(column, NUMERIC)
    assert isinstance(values, NumericValues)
    assert values.values.tolist() == [1.0, 2.0, 3.0]
    assert (values.n_rows, values.n_null, values.n_nan) == (7, 1, 1)
    assert (values.n_pos_inf, values.n_neg_inf, values.n_missing) == (1, 1, 2)


def test_integers_and_numeric_text() -> None:
    assert extract_column(pa.array([3, 1, 2]), NUMERIC).values.tolist() == [1.0, 2.0, 3.0]
    text = extract_column(pa.array([" 1e3", "-2.5", "abc", "7", None, "x"]), NUMERIC)
    assert isinstance(text, NumericValues)
    assert text.values.tolist() == [-2.5, 7.0, 1000.0]
    assert (text.n_type_mismatch, text.first_mismatch, text.n_null) == (2, "abc", 1)


def test_all_null_and_empty_numeric() -> None:
    values = extract_column(pa.array([None, None], pa.null()), NUMERIC)
    assert isinstance(values, NumericValues)
    assert values.values.size == 0 and values.n_null == 2
    empty = extract_column(pa.array([], pa.float64()), NUMERIC)
    assert isinstance(empty, NumericValues) and empty.n_rows == 0


def test_categories_counted_by_frequency_with_stable_text() -> None:
    values = extract_column(pa.array(["b", "a", "b", None, "c", "b", "a"]), CATEGORICAL)
    assert isinstance(values, CategoricalValues)
    assert values.categories == ["b", "a", "c"]
    assert values.counts.tolist() == [3, 2, 1]
    booleans = extract_column(pa.array([True, False, True]), CATEGORICAL)
    assert isinstance(booleans, CategoricalValues)
    assert booleans.categories == ["true", "false"]
    floats = extract_column(pa.array([1.0, 2.0, float("nan"), 1.0]), CATEGORICAL)
    assert isinstance(floats, CategoricalValues)
    assert floats.categories == ["1", "2"] and floats.n_null == 1


def test_a_million_distinct_strings_are_counted_not_crashed() -> None:
    column = pa.array(np.char.add("id-", np.arange(1_000_000).astype(str)))
    values = extract_column(column, CATEGORICAL)
    assert isinstance(values, CategoricalValues)
    assert len(values.categories) == 1_000_000


def test_other_kinds_only_count() -> None:
    values = extract_column(pa.array(["long text", None]), ColumnSpec("t", ColumnKind.TEXT))
    assert isinstance(values, OtherValues)
    assert (values.n_rows, values.n_null, values.n_distinct) == (2, 1, 1)

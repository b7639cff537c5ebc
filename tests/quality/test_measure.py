"""Measured facts against numpy, scipy and hand computations."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from watchkeeper.io import CategoricalValues, NumericValues
from watchkeeper.quality._measure import (
    arrow_family,
    column_side,
    numeric_summary,
    outlier_facts,
    quantile_sorted,
    range_facts,
    rise_p_value,
    unseen_facts,
)


def numeric(values: list[float] | np.ndarray, **counts: int) -> NumericValues:
    arr = np.sort(np.asarray(values, dtype=np.float64))
    fields = {"n_null": 0, "n_nan": 0, "n_pos_inf": 0, "n_neg_inf": 0, "n_type_mismatch": 0}
    fields.update(counts)
    n_rows = arr.size + sum(fields.values())
    return NumericValues("x", arr, n_rows, **fields)


finite_floats = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite_floats, min_size=1, max_size=60), st.floats(0.0, 1.0))
def test_quantile_sorted_matches_numpy(values: list[float], q: float) -> None:
    arr = np.sort(np.asarray(values))
    assert quantile_sorted(arr, q) == pytest.approx(np.quantile(arr, q), rel=1e-12, abs=1e-9)


def test_numeric_summary_matches_numpy(rng: np.random.Generator) -> None:
    values = np.sort(rng.gamma(2.0, 3.0, 10_001))
    summary = numeric_summary(values)
    assert summary is not None
    assert summary.mean == pytest.approx(np.mean(values), rel=1e-12)
    assert summary.std == pytest.approx(np.std(values, ddof=1), rel=1e-12)
    expected = np.quantile(values, [0.0, 0.25, 0.5, 0.75, 1.0])
    got = [summary.min, summary.q25, summary.median, summary.q75, summary.max]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_numeric_summary_edges() -> None:
    assert numeric_summary(np.empty(0)) is None
    one = numeric_summary(np.array([4.0]))
    assert one is not None
    assert (one.mean, one.std, one.min, one.max) == (4.0, None, 4.0, 4.0)
    # A sum that overflows is reported as unknown, never as inf in JSON.
    huge = numeric_summary(np.array([1e308, 1e308]))
    assert huge is not None
    assert huge.to_dict()["mean"] is None


def test_rise_p_value_by_hand_and_scipy() -> None:
    # Hand computation: p1 = 10/1000, p2 = 40/1000, pooled 0.025,
    # se = sqrt(0.025 * 0.975 * (2/1000)) = 0.0069821, z = 0.03 / se = 4.29669.
    se = math.sqrt(0.025 * 0.975 * 0.002)
    z = 0.03 / se
    assert z == pytest.approx(4.29669, rel=1e-5)
    assert rise_p_value(10, 1000, 40, 1000) == pytest.approx(stats.norm.sf(z), rel=1e-10)
    # A fall gives a large p-value, equal shares 0.5, a degenerate pooled share 1.
    assert rise_p_value(40, 1000, 10, 1000) == pytest.approx(stats.norm.cdf(z), rel=1e-9)
    assert rise_p_value(5, 100, 10, 200) == pytest.approx(0.5)
    assert rise_p_value(0, 100, 0, 50) == 1.0
    assert rise_p_value(100, 100, 50, 50) == 1.0


def test_column_side_counts() -> None:
    side = column_side(numeric([1.0, 1.0, 2.0], n_null=2, n_nan=1, n_pos_inf=1, n_type_mismatch=3))
    assert side.n_rows == 10
    assert side.n_missing == 3
    assert side.missing_share == pytest.approx(0.3)
    assert side.type_mismatch_share == pytest.approx(0.3)
    assert side.infinite_share == pytest.approx(0.1)
    assert side.n_distinct == 3  # 1, 2 and +inf
    assert side.n_present == 7
    constant = column_side(numeric([2.5, 2.5, 2.5], n_null=1))
    assert (constant.n_distinct, constant.constant_value) == (1, "2.5")
    only_inf = column_side(numeric([], n_neg_inf=2))
    assert (only_inf.n_distinct, only_inf.constant_value) == (1, "-inf")
    empty = column_side(numeric([], n_null=0))
    assert empty.missing_share is None and not empty.is_empty


def test_range_facts_by_hand() -> None:
    ref = numeric([0.0, 1.0, 2.0, 3.0, 4.0])
    cur = numeric([-2.0, -1.0, 0.0, 2.0, 4.0, 4.5, 9.0, 10.0])
    facts = range_facts(ref, cur)
    assert facts is not None
    # Strictly below 0: -2, -1; strictly above 4: 4.5, 9, 10. Bounds themselves are in.
    assert (facts.n_below, facts.n_above, facts.n_current) == (2, 3, 8)
    assert facts.share == pytest.approx(5 / 8)
    expected_p = stats.betabinom.sf(5 - 1, 8, 2, 5 - 1)
    assert facts.p_value == pytest.approx(expected_p, rel=1e-9)
    assert range_facts(numeric([1.0]), cur) is None
    assert range_facts(ref, numeric([])) is None


def test_range_p_value_by_exchangeability() -> None:
    # With n reference and m current values from one continuous distribution, all m
    # fall inside the reference range when the two extremes of the pooled n + m values
    # are reference values: P(K = 0) = n (n - 1) / ((n + m)(n + m - 1)).
    # n = 5, m = 3: P(K >= 1) = 1 - 20 / 56 = 36 / 56.
    facts = range_facts(numeric([1.0, 2.0, 3.0, 4.0, 5.0]), numeric([0.0, 2.0, 3.0]))
    assert facts is not None and facts.n_outside == 1
    assert facts.p_value == pytest.approx(36 / 56, rel=1e-12)


def test_range_p_value_is_calibrated_under_no_change(rng: np.random.Generator) -> None:
    p_values = []
    for _ in range(2000):
        facts = range_facts(numeric(rng.normal(size=20)), numeric(rng.normal(size=20)))
        assert facts is not None
        p_values.append(facts.p_value)
    # A valid p-value is at most alpha with probability at most alpha (up to noise:
    # the binomial sd of the rate over 2000 trials is 0.005).
    assert np.mean(np.asarray(p_values) <= 0.05) <= 0.05 + 0.015
    assert np.mean(np.asarray(p_values) <= 0.2) <= 0.2 + 0.03


def test_outlier_facts_by_hand() -> None:
    ref = numeric(np.arange(1.0, 9.0))  # Q1 = 2.75, Q3 = 6.25, IQR = 3.5
    cur = numeric([-20.0, -2.5, 2.0, 11.5, 11.6, 30.0])
    facts = outlier_facts(ref, cur, 1.5)
    assert facts is not None
    assert (facts.lower_fence, facts.upper_fence) == (-2.5, 11.5)
    # Fences themselves are inside: -20, 11.6 and 30 are out.
    assert (facts.n_current_outside, facts.n_reference_outside) == (3, 0)
    assert facts.current_share == pytest.approx(0.5)
    assert facts.reference_share == 0.0
    assert facts.p_value == pytest.approx(rise_p_value(0, 8, 3, 6))
    assert outlier_facts(numeric([3.0, 3.0, 3.0]), cur, 1.5) is None


def test_unseen_facts_lists_most_frequent_first() -> None:
    ref = CategoricalValues("c", ["a", "b"], np.array([6, 4]), 11, 1)
    cur = CategoricalValues("c", ["z", "a", "y", "x"], np.array([5, 3, 2, 1]), 12, 1)
    facts = unseen_facts(ref, cur, 2)
    assert facts is not None
    assert (facts.n_unseen_values, facts.n_unseen_categories, facts.n_current) == (8, 3, 11)
    assert facts.top == (("z", 5), ("y", 2))
    assert facts.share == pytest.approx(8 / 11)
    empty = CategoricalValues("c", [], np.array([], dtype=np.int64), 3, 3)
    assert unseen_facts(empty, cur, 2) is None


@pytest.mark.parametrize(
    ("dtype", "family"),
    [
        (pa.float32(), "number"),
        (pa.uint8(), "number"),
        (pa.decimal128(5, 2), "number"),
        (pa.string(), "text"),
        (pa.dictionary(pa.int32(), pa.string()), "text"),
        (pa.bool_(), "boolean"),
        (pa.timestamp("us"), "datetime"),
        (pa.date32(), "datetime"),
        (pa.list_(pa.float64()), "list"),
        (pa.struct([("a", pa.int8())]), "struct"),
        (pa.null(), "null"),
    ],
)
def test_arrow_family(dtype: pa.DataType, family: str) -> None:
    assert arrow_family(dtype) == family

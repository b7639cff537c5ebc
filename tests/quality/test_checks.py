"""Each check on small tables whose counts and shares are computed by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper.quality import Finding, QualityConfig, QualityResult, Severity, assess_quality
from watchkeeper.schema import ColumnKind, ColumnRole, ColumnSpec, Schema, infer_schema


def assess(
    reference: dict[str, Any] | pa.Table,
    current: dict[str, Any] | pa.Table,
    schema: Schema | None = None,
    **config: Any,
) -> QualityResult:
    ref = reference if isinstance(reference, pa.Table) else pa.table(reference)
    cur = current if isinstance(current, pa.Table) else pa.table(current)
    config.setdefault("min_rows", 0)
    return assess_quality(
        ref, cur, schema=schema or infer_schema(ref), config=QualityConfig(**config)
    )


def only(result: QualityResult, check: str, column: str | None = None) -> list[Finding]:
    return [
        f for f in result.findings if f.check == check and (column is None or f.column == column)
    ]


def test_row_count_empty_and_small() -> None:
    result = assess({"x": [1.0, 2.0, 3.0]}, {"x": pa.array([], pa.float64())}, min_rows=3)
    [empty] = only(result, "row_count")
    assert (empty.severity, empty.dataset, empty.value) == (Severity.CRITICAL, "current", 0.0)
    assert "current has no rows" in empty.message
    small = assess({"x": [1.0, 2.0, 3.0]}, {"x": [1.0, 2.0]}, min_rows=3)
    [warning] = only(small, "row_count")
    assert (warning.severity, warning.value, warning.threshold) == (Severity.WARNING, 2.0, 3.0)


def test_missing_share_by_hand() -> None:
    # Reference: 1 of 10 missing (a null). Current: 3 of 10 missing (2 NaN, 1 null).
    ref = {"x": [1.0, None, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]}
    cur = {"x": [1.0, float("nan"), float("nan"), None, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]}
    result = assess(ref, cur)
    by_side = {f.dataset: f for f in only(result, "missing_share", "x")}
    assert by_side["reference"].value == pytest.approx(0.1)
    assert by_side["reference"].severity == Severity.INFO
    assert by_side["current"].value == pytest.approx(0.3)
    assert by_side["current"].severity == Severity.WARNING  # 0.3 >= 0.2
    assert "30.0% missing in current (3 of 10 rows)" in by_side["current"].message
    [column] = [c for c in result.columns if c.name == "x"]
    assert column.missing_change is not None
    assert column.missing_change.rise == pytest.approx(0.2)


def test_missing_rise_needs_size_and_significance() -> None:
    n = 2000
    ref = np.ones(n)
    ref[:40] = np.nan  # 2% missing
    cur = np.ones(n)
    cur[:200] = np.nan  # 10% missing: +8 points, z = 0.08 / sqrt(.06 * .94 * 2 / 2000) = 10.65
    [finding] = only(assess({"x": ref}, {"x": cur}), "missing_share_change")
    assert finding.severity == Severity.WARNING
    assert finding.value == pytest.approx(0.08)
    assert finding.details["p_value"] < 1e-20
    assert "rose from 2.0% in the reference to 10.0% in current (+8.0 points" in finding.message
    # 0% -> 10% on 20 rows is within noise: pooled 0.05, z = 0.1 / sqrt(.05 * .95 * .1)
    # = 1.45, p = 0.07.
    small_ref = np.ones(20)
    small_cur = np.ones(20)
    small_cur[:2] = np.nan  # 0% -> 10%
    assert not only(assess({"x": small_ref}, {"x": small_cur}), "missing_share_change")
    # A rise of 30 points is critical.
    cur[:640] = np.nan
    [critical] = only(assess({"x": ref}, {"x": cur}), "missing_share_change")
    assert critical.severity == Severity.CRITICAL


def test_type_mismatch_strings_in_a_numeric_column() -> None:
    ref = {"x": [str(v) for v in range(100)]}  # numbers written as text: numeric kind
    cur_values = [str(v) for v in range(100)]
    cur_values[5] = "n/a"
    cur_values[9] = "?"
    result = assess(ref, {"x": cur_values})
    [finding] = only(result, "type_mismatch")
    assert finding.value == pytest.approx(0.02)
    assert finding.severity == Severity.WARNING  # 2% < 5%
    assert finding.details == {"n_type_mismatch": 2, "first": "n/a"}
    assert "2 values in current (2.0%) that are not numbers (first: 'n/a')" in finding.message
    cur_values[:10] = ["bad"] * 10
    [critical] = only(assess(ref, {"x": cur_values}), "type_mismatch")
    assert critical.severity == Severity.CRITICAL


def test_infinite_values() -> None:
    cur = [1.0, np.inf, np.inf, -np.inf, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    [finding] = only(assess({"x": np.arange(10.0)}, {"x": cur}), "infinite_values")
    assert finding.value == pytest.approx(0.3)
    assert finding.details == {"n_pos_inf": 2, "n_neg_inf": 1}
    assert "3 infinite values in current (30.0%: 2 +inf, 1 -inf)" in finding.message


def test_out_of_range_by_hand() -> None:
    ref = np.arange(0.0, 1000.0)  # range [0, 999]
    cur = np.arange(0.0, 1000.0)
    cur[:30] = -5.0  # 30 below
    cur[-20:] = 2000.0  # 20 above
    [finding] = only(assess({"x": ref}, {"x": cur}), "out_of_range")
    assert finding.value == pytest.approx(0.05)
    assert finding.severity == Severity.WARNING  # 1% < 5% < 10%
    assert finding.details["n_below"] == 30
    assert finding.details["n_above"] == 20
    assert "outside the reference range [0, 999]" in finding.message
    # One value out of 1000 is 0.1%: below the 1% threshold.
    cur2 = np.arange(0.0, 1000.0)
    cur2[0] = -1.0
    assert not only(assess({"x": ref}, {"x": cur2}), "out_of_range")


def test_out_of_range_within_chance_on_a_tiny_reference() -> None:
    # 3 reference values: a new value falls outside their range with chance 2/4, so
    # 2 of 5 outside (40%) is no evidence of anything.
    result = assess({"x": [1.0, 2.0, 3.0]}, {"x": [0.5, 1.5, 2.5, 2.0, 3.5]})
    assert not only(result, "out_of_range")


def test_unseen_categories_lists_the_top() -> None:
    ref = {"c": ["a"] * 50 + ["b"] * 50}
    cur = {"c": ["a"] * 80 + ["z"] * 12 + ["y"] * 5 + ["x"] * 2 + ["w"]}
    [finding] = only(assess(ref, cur, unseen_top=2), "unseen_categories")
    assert finding.value == pytest.approx(0.2)
    assert finding.details["n_unseen_categories"] == 4
    assert finding.details["top"] == [{"category": "z", "count": 12}, {"category": "y", "count": 5}]
    assert "'z' (12.0%), 'y' (5.0%), 2 more" in finding.message
    assert "4 categories the reference never saw" in finding.message


def test_unseen_share_below_threshold_is_info() -> None:
    ref = {"c": ["a", "b"] * 500}
    cur = {"c": ["a", "b"] * 499 + ["a", "new"]}
    [finding] = only(assess(ref, cur), "unseen_categories")
    assert finding.severity == Severity.INFO
    assert finding.value == pytest.approx(0.001)


def test_added_and_missing_columns() -> None:
    result = assess({"x": [1.0, 2.0], "gone": [1.0, 2.0]}, {"x": [1.0, 2.0], "new": ["a", "b"]})
    [missing] = only(result, "missing_column")
    assert (missing.column, missing.severity, missing.dataset) == (
        "gone",
        Severity.CRITICAL,
        "current",
    )
    assert "in the reference but missing from current" in missing.message
    [added] = only(result, "added_column")
    assert (added.column, added.severity) == ("new", Severity.INFO)
    assert [c.name for c in result.columns] == ["x", "gone", "new"]


def test_type_change_numeric_to_text() -> None:
    result = assess({"x": [1.0, 2.0, 3.0]}, {"x": ["1", "two", "3"]})
    [finding] = only(result, "type_change")
    assert finding.severity == Severity.WARNING
    assert "number (double) in the reference, text (string) in current" in finding.message
    # Integers that became floats are the same family: no finding.
    assert not only(assess({"x": [1, 2, 3]}, {"x": [1.0, 2.5, 3.0]}), "type_change")


def test_constant_columns() -> None:
    ref = {"k": [3.0] * 10, "v": list(np.arange(10.0)), "c": ["only"] * 10}
    cur = {"k": [3.0] * 10, "v": [7.0] * 10, "c": ["only"] * 10}
    result = assess(ref, cur)
    [k] = only(result, "constant_column", "k")
    assert (k.severity, k.dataset) == (Severity.INFO, None)
    assert "single value (3) in both reference and current" in k.message
    [v] = only(result, "constant_column", "v")
    assert (v.severity, v.dataset) == (Severity.WARNING, "current")
    assert "single value (7) in current but 10 in the reference" in v.message
    [c] = only(result, "constant_column", "c")
    assert c.severity == Severity.INFO


def test_empty_columns() -> None:
    both = pa.nulls(4, pa.float64())
    ref = {"e": both, "lost": [1.0, 2.0, 3.0, 4.0], "dead": both}
    cur = {"e": both, "lost": pa.nulls(4, pa.float64()), "dead": [1.0, 2.0, 3.0, 4.0]}
    result = assess(ref, cur)
    findings = {f.column: f for f in only(result, "empty_column")}
    assert findings["lost"].severity == Severity.CRITICAL
    assert findings["e"].severity == Severity.WARNING and findings["e"].dataset is None
    assert findings["dead"].dataset == "reference"
    # An empty column is not also reported as 100% missing or as a missing rise.
    assert not only(result, "missing_share")
    assert not only(result, "missing_share_change")


def test_duplicate_rows_by_hand() -> None:
    ref = {"x": [1.0, 2.0, 3.0, 4.0], "s": ["a", "b", "c", "d"]}
    cur = {"x": [1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], "s": ["a"] * 3 + ["b"] * 7}
    result = assess(ref, cur)
    [finding] = only(result, "duplicate_rows")
    # (1, a) three times: 2 duplicates; (2, b) twice: 1 duplicate.
    assert (finding.dataset, finding.value) == ("current", pytest.approx(0.3))
    assert finding.details == {"n_duplicate_rows": 3}
    assert result.current.n_duplicate_rows == 3
    assert result.reference.n_duplicate_rows == 0


def test_outlier_share_rises(rng: np.random.Generator) -> None:
    ref = rng.normal(size=5000)
    cur = rng.normal(size=5000)
    cur[:500] *= 6.0  # a tenth of the values on a six times wider scale
    result = assess({"x": ref}, {"x": cur})
    [finding] = only(result, "outlier_share")
    [column] = result.columns
    outliers = column.outliers
    assert outliers is not None
    # The fences come from numpy's quartiles of the reference.
    q1, q3 = np.quantile(ref, [0.25, 0.75])
    assert outliers.lower_fence == pytest.approx(q1 - 1.5 * (q3 - q1), rel=1e-12)
    assert outliers.upper_fence == pytest.approx(q3 + 1.5 * (q3 - q1), rel=1e-12)
    outside = np.sum((cur < outliers.lower_fence) | (cur > outliers.upper_fence))
    assert finding.value == pytest.approx(outside / 5000)
    assert finding.severity == Severity.WARNING
    # The same distribution on both sides gives no finding.
    assert not only(assess({"x": ref}, {"x": rng.normal(size=5000)}), "outlier_share")


def test_identifier_roles_skip_value_checks() -> None:
    schema = Schema(
        [
            ColumnSpec("id", ColumnKind.CATEGORICAL, ColumnRole.ID),
            ColumnSpec("skip", ColumnKind.NUMERIC, ColumnRole.IGNORED),
        ]
    )
    ref = {"id": ["a", "b", "c"], "skip": [1.0, 2.0, 3.0]}
    cur = {"id": ["d", "e", "f"]}
    result = assess(ref, cur, schema)
    assert not only(result, "unseen_categories")
    assert not only(result, "missing_column")  # the ignored column may go


def test_column_outside_a_narrower_schema_is_added() -> None:
    schema = Schema([ColumnSpec("x", ColumnKind.NUMERIC)])
    result = assess({"x": [1.0, 2.0], "y": [1.0, 2.0]}, {"x": [1.0, 2.0], "y": [3.0, 4.0]}, schema)
    [added] = only(result, "added_column")
    assert "is in current but not in the schema" in added.message

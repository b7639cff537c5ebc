"""The entry point: ordering, given values, overrides, and every kind of bad input."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from watchkeeper._exceptions import ColumnError, UnknownMethodError
from watchkeeper.io import extract_column, to_table
from watchkeeper.profile import profile_source
from watchkeeper.quality import (
    QualityConfig,
    QualityResult,
    Severity,
    assess_profiles,
    assess_quality,
)
from watchkeeper.quality._assess import assess_tables
from watchkeeper.schema import infer_schema


def run(reference: Any, current: Any, **config: Any) -> QualityResult:
    ref, cur = to_table(reference), to_table(current)
    result = assess_quality(ref, cur, schema=infer_schema(ref), config=QualityConfig(**config))
    # Every result serialises to strict JSON: no NaN, no infinity, no numpy scalars.
    json.dumps(result.to_dict(), allow_nan=False)
    return result


def checks(result: QualityResult) -> set[tuple[str | None, str]]:
    return {(f.column, f.check) for f in result.findings}


def test_findings_are_sorted_by_severity_then_column(rng: np.random.Generator) -> None:
    ref = {"b": rng.normal(size=100), "a": rng.normal(size=100), "gone": np.ones(100)}
    b = rng.normal(size=100)
    b[:50] = np.nan
    cur = {"b": b, "a": np.r_[rng.normal(size=90), np.full(10, np.inf)]}
    result = run(ref, cur)
    ranks = [f.severity.rank for f in result.findings]
    assert ranks == sorted(ranks)
    keys = [(f.severity.rank, f.column or "") for f in result.findings]
    assert keys == sorted(keys)
    assert [f.check for f in result.findings[:2]] == ["missing_share_change", "missing_column"]
    counts = result.counts_by_severity()
    assert list(counts) == ["critical", "warning", "info"]
    assert sum(counts.values()) == len(result.findings)
    assert result.worst == Severity.CRITICAL


def test_to_dict_shape(rng: np.random.Generator) -> None:
    result = run({"x": rng.normal(size=50), "c": ["a", "b"] * 25}, {"x": [1.0] * 50})
    data = result.to_dict()
    assert set(data) >= {"findings", "datasets", "columns"}
    assert set(data["datasets"]) == {"reference", "current"}
    for item in data["findings"]:
        assert set(item) >= {"column", "check", "severity", "message", "value"}
        assert item["severity"] in {"info", "warning", "critical"}
        assert isinstance(item["message"], str) and item["message"]
    [x] = [c for c in data["columns"] if c["column"] == "x"]
    assert x["reference"]["summary"]["n"] == 50
    assert x["current"]["constant_value"] == "1"


def test_given_values_give_the_same_result(rng: np.random.Generator) -> None:
    ref = pa.table({"x": rng.normal(size=300), "c": rng.choice(["a", "b"], 300)})
    cur = pa.table({"x": rng.normal(1, 1, 300), "c": rng.choice(["a", "b", "z"], 300)})
    schema = infer_schema(ref)
    ref_values = {s.name: extract_column(ref.column(s.name), s) for s in schema}
    # Only some columns given for the current: the rest are extracted.
    cur_values = {"x": extract_column(cur.column("x"), schema["x"])}
    given = assess_tables(ref, cur, schema, reference_values=ref_values, current_values=cur_values)
    extracted = assess_quality(ref, cur, schema=schema)
    assert given.to_dict() == extracted.to_dict()


def test_severity_overrides_and_disabled_checks() -> None:
    ref = {"x": [1.0, 2.0, 3.0, 4.0]}
    cur = {"x": [1.0, 1.0, 1.0, 1.0], "new": [1, 2, 3, 4]}
    result = run(
        ref,
        cur,
        severities={"added_column": "critical"},
        disabled=["constant_column", "row_count"],
    )
    assert ("x", "constant_column") not in checks(result)
    assert (None, "row_count") not in checks(result)
    [added] = [f for f in result.findings if f.check == "added_column"]
    assert added.severity == Severity.CRITICAL
    with pytest.raises(UnknownMethodError, match="unknown quality check 'nope'"):
        run(ref, cur, disabled=["nope"])


def test_duplicate_check_disabled_skips_the_count() -> None:
    result = run({"x": [1.0, 1.0]}, {"x": [1.0, 1.0]}, disabled=["duplicate_rows"])
    assert result.current.n_duplicate_rows is None


# Bad input ------------------------------------------------------------------------


def test_empty_tables_are_critical_without_division_by_zero() -> None:
    empty = pa.table({"x": pa.array([], pa.float64()), "c": pa.array([], pa.string())})
    result = run(empty, empty)
    row_findings = [f for f in result.findings if f.check == "row_count"]
    assert {f.dataset for f in row_findings} == {"reference", "current"}
    assert all(f.severity == Severity.CRITICAL for f in row_findings)
    # Nothing else can be said about zero rows.
    assert {f.check for f in result.findings} == {"row_count"}
    [x] = [c for c in result.columns if c.name == "x"]
    assert x.current is not None and x.current.missing_share is None
    assert result.current.duplicate_share is None


def test_empty_current_against_a_full_reference(rng: np.random.Generator) -> None:
    ref = pa.table({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], 100)})
    result = run(ref, ref.slice(0, 0))
    assert [(f.check, f.dataset) for f in result.findings] == [("row_count", "current")]


def test_no_columns_at_all() -> None:
    result = run({"x": [1.0, 2.0]}, pa.table({}))
    assert (None, "column_count") in checks(result)
    assert ("x", "missing_column") in checks(result)


def test_column_on_one_side_only() -> None:
    result = run({"x": [1.0, 2.0], "only_ref": [1.0, 2.0]}, {"x": [1.0, 2.0], "only_cur": [3, 4]})
    assert ("only_ref", "missing_column") in checks(result)
    assert ("only_cur", "added_column") in checks(result)
    [only_cur] = [c for c in result.columns if c.name == "only_cur"]
    assert (only_cur.in_reference, only_cur.in_current, only_cur.kind) == (False, True, None)


def test_all_null_columns() -> None:
    nulls = pa.nulls(10)  # Arrow's null type, as a CSV column with no values reads
    result = run({"n": nulls, "x": np.arange(10.0)}, {"n": nulls, "x": pa.nulls(10, pa.float64())})
    kinds = {(f.column, f.check): f.severity for f in result.findings}
    assert kinds[("n", "empty_column")] == Severity.WARNING
    assert kinds[("x", "empty_column")] == Severity.CRITICAL
    assert ("x", "type_change") not in kinds  # a null-typed side has no type to compare


def test_inf_values_do_not_reach_statistics() -> None:
    ref = {"x": [1.0, 2.0, 3.0, np.inf]}
    cur = {"x": [-np.inf, np.inf, np.inf, np.inf]}
    result = run(ref, cur)
    [x] = result.columns
    assert x.reference is not None and x.reference.summary is not None
    assert x.reference.summary.max == 3.0
    assert x.current is not None and x.current.summary is None  # no finite value
    assert x.current.n_distinct == 2
    assert {f.dataset for f in result.findings if f.check == "infinite_values"} == {
        "reference",
        "current",
    }


def test_mixed_types_in_one_column() -> None:
    # pandas object column of numbers and text: the adapter keeps it as text, the schema
    # reads it as numeric (>= 95% numbers), and the rest are type mismatches.
    values: list[object] = [float(i) for i in range(99)] + ["oops"]
    frame = pd.DataFrame({"x": values})
    result = run(frame, frame)
    mismatches = [f for f in result.findings if f.check == "type_mismatch"]
    assert {f.dataset for f in mismatches} == {"reference", "current"}
    assert all("(first: 'oops')" in f.message for f in mismatches)
    # Mostly text: categorical, and the numbers are just categories.
    text = pd.DataFrame({"x": [1, "a", "b", "c"] * 10})
    assert not [f for f in run(text, text).findings if f.check == "type_mismatch"]


def test_single_category_and_zero_variance() -> None:
    ref = {"c": ["k"] * 50, "z": [2.0] * 50}
    cur = {"c": ["k"] * 49 + ["new"], "z": [2.0] * 49 + [2.5]}
    result = run(ref, cur)
    found = checks(result)
    assert ("c", "constant_column") in found
    assert ("z", "constant_column") in found
    assert ("c", "unseen_categories") in found
    # A constant reference has no IQR: the outlier check stays silent, range speaks.
    [z] = [c for c in result.columns if c.name == "z"]
    assert z.outliers is None
    assert z.range is not None and z.range.n_above == 1


@pytest.mark.slow
def test_a_million_distinct_strings() -> None:
    n = 1_000_000
    ref = pa.table({"key": pa.array([f"k{i}" for i in range(n)]), "x": np.arange(n, dtype=float)})
    cur = pa.table({"key": pa.array([f"k{i}" for i in range(n // 2, n + n // 2)])})
    result = run(ref, cur)
    [unseen] = [f for f in result.findings if f.check == "unseen_categories"]
    assert unseen.value == pytest.approx(0.5)
    assert "looks like an identifier" in unseen.message
    assert len(unseen.details["top"]) == 5


def test_duplicate_column_names_are_a_clear_error() -> None:
    table = pa.Table.from_arrays([pa.array([1.0]), pa.array([2.0])], names=["x", "x"])
    ref = pa.table({"x": [1.0]})
    with pytest.raises(ColumnError, match="column 'x' appears more than once in current"):
        assess_quality(ref, table, schema=infer_schema(ref))


def test_nested_columns_do_not_break_the_assessment() -> None:
    table = pa.table({"emb": [[0.1, 0.2], [0.3, 0.4]], "x": [1.0, 2.0]})
    result = run(table, table)
    notes = [f for f in result.findings if f.check == "duplicate_rows"]
    assert {f.dataset for f in notes} == {"reference", "current"}
    assert all(f.severity == Severity.INFO and "'emb'" in f.message for f in notes)
    assert result.current.n_duplicate_rows is None


def test_every_source_kind_gives_one_answer(rng: np.random.Generator, tmp_path: Any) -> None:
    ref = pd.DataFrame({"x": rng.normal(size=400), "c": rng.choice(["a", "b"], 400)})
    cur = pd.DataFrame({"x": rng.normal(3, 1, 400), "c": rng.choice(["a", "b", "z"], 400)})
    ref.to_parquet(tmp_path / "ref.parquet")
    from_frames = assess_quality(ref, cur)
    from_table_and_file = assess_quality(str(tmp_path / "ref.parquet"), to_table(cur))
    assert from_frames.to_dict() == from_table_and_file.to_dict()
    # A profile on either side: both are assessed as profiles, as assess_profiles does.
    ref_profile = profile_source(ref)
    want = assess_profiles(ref_profile, profile_source(cur, bins_from=ref_profile))
    assert assess_quality(ref_profile, cur).to_dict() == want.to_dict()
    assert [f.check for f in want.findings if f.column == "c"] == ["unseen_categories"]


def test_schema_by_position_is_deprecated(rng: np.random.Generator) -> None:
    ref = pa.table({"x": rng.normal(size=50)})
    with pytest.warns(DeprecationWarning, match="schema=schema"):
        old = assess_quality(ref, ref, infer_schema(ref))
    assert old.to_dict() == assess_quality(ref, ref, schema=infer_schema(ref)).to_dict()

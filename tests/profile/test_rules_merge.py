"""Profile merging's documented rules (profile/_merge.py), one test per branch.

The rule of rules: the profile of parts equals the profile of the whole. Segments are
merged key by key (never overwritten), a column present in one part only counts as
missing in the other part's rows, and parts segmented by different columns are refused.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.profile import Profile, merge_all, merge_profiles, profile_source
from watchkeeper.schema import infer_schema


def test_rule_segment_profiles_present_on_both_sides_are_merged_not_overwritten() -> None:
    ref = profile_source({"x": np.arange(10.0), "s": np.array(["a"] * 5 + ["b"] * 5)})
    left = profile_source(
        {"x": np.array([0.0, 1.0, 2.0]), "s": np.array(["a", "a", "b"])},
        bins_from=ref,
        segments=["s"],
    )
    right = profile_source(
        {"x": np.array([7.0, 8.0, 9.0, 6.0]), "s": np.array(["a", "b", "b", "c"])},
        bins_from=ref,
        segments=["s"],
    )
    whole = merge_profiles(left, right)
    assert list(whole.segments) == [("a",), ("b",), ("c",)]
    # a: 0, 1 from the left and 7 from the right; b: 2 and 8, 9; c: 6 (right only).
    a, b, c = (whole.segments[(k,)] for k in "abc")
    assert (a.n_rows, b.n_rows, c.n_rows) == (3, 3, 1)
    assert (a["x"].min, a["x"].max) == (0.0, 7.0)
    assert (b["x"].min, b["x"].max) == (2.0, 9.0)
    assert int(a["x"].counts.sum()) == 3
    assert whole.n_rows == 7


def test_rule_segments_of_one_side_only_are_kept() -> None:
    left = profile_source({"x": np.array([1.0, 2.0]), "s": np.array(["a", "a"])}, segments=["s"])
    right = profile_source({"x": np.array([3.0]), "s": np.array(["b"])}, segments=["s"])
    whole = merge_profiles(left, right)
    assert whole.segments[("a",)].n_rows == 2
    assert whole.segments[("b",)].n_rows == 1
    assert whole.segment_columns == ("s",)


def test_rule_merging_is_order_free_for_segments() -> None:
    parts = [
        profile_source(
            {"x": np.array([float(i), float(i + 1)]), "s": np.array(["a", "b"])},
            segments=["s"],
        )
        for i in range(3)
    ]
    forward = merge_all(parts)
    backward = merge_all(parts[::-1])
    for key in (("a",), ("b",)):
        assert forward.segments[key].n_rows == backward.segments[key].n_rows == 3
        assert forward.segments[key]["x"].min == backward.segments[key]["x"].min


def test_rule_parts_segmented_by_different_columns_are_refused() -> None:
    data = {"x": np.array([1.0, 2.0]), "s": np.array(["a", "b"]), "t": np.array(["u", "v"])}
    by_s = profile_source(data, segments=["s"])
    by_t = profile_source(data, segments=["t"])
    unsegmented = profile_source(data)
    with pytest.raises(InputError, match="segmented by different columns"):
        merge_profiles(by_s, by_t)
    with pytest.raises(InputError, match="segmented by different columns"):
        merge_profiles(by_s, unsegmented)


def test_rule_a_column_in_the_left_part_only_is_missing_in_the_right_parts_rows() -> None:
    left = profile_source({"x": np.array([1.0, 2.0, 3.0]), "y": np.array([1.0, np.nan, 3.0])})
    right = profile_source({"x": np.array([4.0, 5.0])})
    whole = merge_profiles(left, right)
    assert whole.n_rows == 5
    # y: one NaN in the left part, and the right part's two rows lacked the column.
    assert whole["y"].n_rows == 5
    assert whole["y"].n_missing == 1 + 2
    assert whole["x"].n_missing == 0


def test_rule_a_column_in_the_right_part_only_is_missing_in_the_left_parts_rows() -> None:
    left = profile_source({"x": np.array([1.0, 2.0, 3.0])})
    right = profile_source({"x": np.array([4.0, 5.0]), "c": np.array(["p", None], dtype=object)})
    whole = merge_profiles(left, right)
    assert whole["c"].n_rows == 5
    assert whole["c"].n_missing == 1 + 3
    assert whole["c"].counts["p"] == 1


def test_rule_merged_counts_add_exactly() -> None:
    ref = profile_source({"x": np.arange(100.0)})
    left = profile_source({"x": np.arange(30.0)}, bins_from=ref)
    right = profile_source({"x": np.arange(30.0, 100.0)}, bins_from=ref)
    whole = merge_profiles(left, right)
    assert np.array_equal(whole["x"].counts, ref["x"].counts)
    assert (whole["x"].min, whole["x"].max, whole.n_rows) == (0.0, 99.0, 100)


def test_rule_merge_all_needs_at_least_one_profile() -> None:
    with pytest.raises(InputError, match="give at least one"):
        merge_all([])
    one = profile_source({"x": np.arange(3.0)})
    assert merge_all([one]) is one


FIX = (
    "profile every part with one schema: on the command line `watchkeeper profile "
    "--schema FILE` or `--reference REF.wkp`; in Python schema= or bins_from="
)


def test_rule_a_column_of_another_kind_in_the_other_schema_is_refused_with_the_fix() -> None:
    numeric = profile_source({"x": np.array([1.0, 2.0])})
    text = profile_source({"x": np.array(["p", "q"])})
    with pytest.raises(ColumnError) as raised:
        merge_profiles(numeric, text)
    assert str(raised.value) == (
        "column 'x' is numeric in one profile's schema and categorical in the other's; " + FIX
    )


def test_rule_a_column_profiled_as_another_kind_is_refused_with_the_fix() -> None:
    """Same schema, but the column's profile is of another kind (a hand-edited file)."""
    numeric = profile_source({"x": np.array([1.0, 2.0])})
    text = profile_source({"x": np.array(["p", "q"])})
    forged = Profile(schema=numeric.schema, n_rows=2, columns={"x": text["x"]})
    with pytest.raises(ColumnError) as raised:
        merge_profiles(numeric, forged)
    assert str(raised.value) == (
        "column 'x' is numeric in one profile and categorical in the other; " + FIX
    )


def test_rule_columns_outside_the_schema_are_kept_as_extra_columns() -> None:
    schema = infer_schema(pa.table({"x": [1.0, 2.0]}))
    left = profile_source({"x": np.array([1.0, 2.0]), "z": np.array(["a", "b"])}, schema=schema)
    right = profile_source({"x": np.array([3.0]), "w": np.array([1])}, schema=schema)
    whole = merge_profiles(left, right)
    assert dict(whole.extra_columns) == {"w": "int64", "z": "string"}
    assert list(whole.columns) == ["x"]


def test_rule_a_schema_column_absent_from_both_parts_stays_unprofiled() -> None:
    schema = infer_schema(pa.table({"x": [1.0, 2.0], "y": [1.0, 2.0]}))
    left = profile_source({"x": np.array([1.0, 2.0])}, schema=schema)
    right = profile_source({"x": np.array([3.0])}, schema=schema)
    whole = merge_profiles(left, right)
    assert [spec.name for spec in whole.schema] == ["x", "y"]
    assert list(whole.columns) == ["x"]

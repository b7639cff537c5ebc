"""The report from profiles: same quality findings as from raw data, either side a .wkp."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper._exceptions import ColumnError
from watchkeeper.profile import profile_source
from watchkeeper.report import report
from watchkeeper.report._from_profiles import is_profile_source, report_from_profiles

# Checks a profile cannot run the raw way: outliers need quartile fences on raw values,
# duplicates need rows.
_RAW_ONLY = {"outlier_share", "duplicate_rows"}


def _tables(rng: np.random.Generator) -> tuple[pa.Table, pa.Table]:
    n = 4000
    ref = pa.table(
        {
            "age": rng.normal(40, 10, n),
            "income": [str(v) for v in rng.normal(5e4, 1e4, n).round(2)],
            "plan": rng.choice(["a", "b", "c"], n),
            "flag": np.full(n, 1.0),
            "gone": rng.normal(size=n),
        }
    )
    age = rng.normal(40, 10, n)
    age[:400] = np.nan
    age[400:420] = np.inf
    age[420:600] = 200.0  # beyond the reference's maximum
    income = [str(v) for v in rng.normal(5e4, 1e4, n).round(2)]
    income[:300] = ["n/a"] * 300
    cur = pa.table(
        {
            "age": age,
            "income": income,
            "plan": rng.choice(["a", "b", "c", "z"], n),
            "flag": np.full(n, 1.0),
            "extra": rng.normal(size=n),
        }
    )
    return ref, cur


def _keys(result: object) -> set[tuple[object, ...]]:
    findings = result.quality.findings  # type: ignore[attr-defined]  # a Report
    return {
        (
            f.column,
            f.check,
            f.severity.value,
            f.dataset,
            None if f.value is None else round(f.value, 9),
        )
        for f in findings
        if f.check not in _RAW_ONLY
    }


def test_quality_findings_equal_the_raw_report(rng: np.random.Generator) -> None:
    ref, cur = _tables(rng)
    raw = report(ref, cur)
    from_profiles = report_from_profiles(profile_source(ref), cur)
    assert _keys(from_profiles) == _keys(raw)
    checks = {f.check for f in from_profiles.quality.findings}
    assert {"missing_share_change", "type_mismatch", "infinite_values", "out_of_range"} <= checks
    assert {"unseen_categories", "missing_column", "added_column", "constant_column"} <= checks
    duplicates = [f for f in from_profiles.quality.findings if f.check == "duplicate_rows"]
    assert {f.dataset for f in duplicates} == {"reference", "current"}
    assert all("cannot be counted" in f.message for f in duplicates)


def test_either_side_may_be_a_wkp_file(rng: np.random.Generator, tmp_path: Path) -> None:
    ref, cur = _tables(rng)
    ref_profile = profile_source(ref)
    ref_path = ref_profile.save(tmp_path / "ref.wkp")
    cur_path = profile_source(cur, bins_from=ref_profile).save(tmp_path / "cur.wkp")
    both = report_from_profiles(str(ref_path), str(cur_path))
    raw_current = report_from_profiles(str(ref_path), cur)
    raw_reference = report_from_profiles(ref, str(cur_path))
    for result in (both, raw_current, raw_reference):
        assert result.drift["plan"].statistic == both.drift["plan"].statistic
        assert result.drift["age"].statistic == both.drift["age"].statistic
    assert both.reference.name == str(ref_path) and both.current.n_rows == 4000
    page = both.to_html()
    assert "<html" in page.lower()
    # 4,000 rows per side: the profiles keep their values, so KS is scipy's exact test.
    column = json.loads(both.to_json())["drift"]["columns"][0]
    assert column["comparison"] == "exact" and "KS p-value: exact" in column["note"]


def test_is_profile_source() -> None:
    assert is_profile_source("x/ref.WKP") and not is_profile_source("ref.csv")
    assert is_profile_source(profile_source({"x": [1.0, 2.0]}))


def test_a_schema_that_contradicts_the_profile_names_the_column(
    rng: np.random.Generator,
) -> None:
    ref, cur = _tables(rng)
    with pytest.raises(ColumnError, match="column 'age' was profiled as numeric"):
        report_from_profiles(profile_source(ref), cur, schema={"age": "categorical"})

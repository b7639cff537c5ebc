"""The check registry: metadata, documentation, custom checks, common properties."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.quality import (
    ColumnQuality,
    Finding,
    QualityConfig,
    Severity,
    _registry,
    assess_quality,
    available_checks,
    get_check,
    register_check,
)
from watchkeeper.schema import infer_schema

DOCS = Path(__file__).resolve().parents[2] / "docs" / "quality.md"
CONFIG_FIELDS = {f.name for f in dataclasses.fields(QualityConfig)}
COMPARISONS = {
    "missing_column",
    "added_column",
    "type_change",
    "missing_share_change",
    "out_of_range",
    "outlier_share",
    "unseen_categories",
}


def test_builtin_checks_and_their_metadata() -> None:
    names = [c.name for c in available_checks()]
    assert len(names) == len(set(names)) == 15
    assert set(names) >= COMPARISONS | {"row_count", "duplicate_rows", "empty_column"}
    for check in available_checks():
        assert check.scope in ("dataset", "column")
        assert isinstance(check.severity, Severity)
        assert check.description.endswith(".")
        assert check.reads
        assert set(check.thresholds) <= CONFIG_FIELDS, check.name
        assert check.to_dict()["name"] == check.name


def test_every_check_and_threshold_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for check in available_checks():
        assert f"`{check.name}`" in text, check.name
        for threshold in check.thresholds:
            assert f"`{threshold}`" in text, threshold


def test_unknown_and_duplicate_names() -> None:
    with pytest.raises(UnknownMethodError, match="choose one of: row_count"):
        get_check("rows")
    with pytest.raises(InputError, match="registered already"):
        register_check(
            "row_count", scope="dataset", severity=Severity.INFO, reads=[], description="x."
        )(lambda *a: iter(()))
    with pytest.raises(InputError, match="scope"):
        register_check(
            "odd",
            scope="table",
            severity=Severity.INFO,  # type: ignore[arg-type]
            reads=[],
            description="x.",
        )


@pytest.fixture
def custom_check() -> Iterator[str]:
    name = "negative_ages"

    @register_check(
        name,
        scope="column",
        severity=Severity.WARNING,
        reads=["current.summary"],
        description="Ages below zero.",
    )
    def negative_ages(column: ColumnQuality, config: QualityConfig) -> Iterator[Finding]:
        side = column.current
        if column.name == "age" and side and side.summary and side.summary.min < 0:
            yield Finding(
                "age",
                name,
                Severity.WARNING,
                "column 'age' has negative ages",
                side.summary.min,
                "current",
            )

    yield name
    _registry._CHECKS.pop(name)


def test_custom_check_runs_and_obeys_overrides(custom_check: str) -> None:
    ref = pa.table({"age": [30.0, 40.0, 50.0]})
    cur = pa.table({"age": [-1.0, 40.0, 50.0]})
    result = assess_quality(ref, cur, schema=infer_schema(ref), config=QualityConfig(min_rows=0))
    assert [f.check for f in result.findings if f.check == custom_check] == [custom_check]
    quiet = QualityConfig(min_rows=0, severities={custom_check: Severity.INFO})
    result = assess_quality(ref, cur, schema=infer_schema(ref), config=quiet)
    [finding] = [f for f in result.findings if f.check == custom_check]
    assert finding.severity == Severity.INFO


cells = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32))
labels = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(cells, labels), min_size=0, max_size=30),
)
def test_a_dataset_compared_with_itself_has_no_comparison_finding(
    rows: list[tuple[float | None, str | None]],
) -> None:
    table = pa.table(
        {
            "x": pa.array([r[0] for r in rows], pa.float64()),
            "c": pa.array([r[1] for r in rows], pa.string()),
        }
    )
    result = assess_quality(table, table, schema=infer_schema(table))
    assert not {f.check for f in result.findings} & COMPARISONS
    # Findings about one side come in pairs, one per side, for identical data.
    one_sided = [f for f in result.findings if f.dataset is not None]
    assert len(one_sided) % 2 == 0


def test_clean_data_has_no_finding(rng: np.random.Generator) -> None:
    def sample() -> pa.Table:
        return pa.table(
            {
                "x": rng.normal(size=5000),
                "y": rng.exponential(size=5000),
                "c": rng.choice(list("abcdefghij"), 5000),
            }
        )

    ref = sample()
    for _ in range(5):
        result = assess_quality(ref, sample(), schema=infer_schema(ref))
        assert result.findings == (), [f.message for f in result.findings]

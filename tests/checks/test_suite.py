"""Suites: reading YAML (errors at the right line), running, severities, round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper.checks import Check, Measurements, Suite

SUITE = """\
name: churn
reference: data/ref.parquet
schema:
  target: churned
checks:
  - name: few features drift
    metric: drift.share_drifted
    less: 0.3
  - metric: quality.column.age.mean
    between: [30, 50]
    severity: warn
  - metric: quality.column.plan.categories
    is_in: [basic, pro]
"""


def test_reads_every_key(tmp_path: Path) -> None:
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE, encoding="utf-8")
    suite = Suite.load(path)
    assert suite.name == "churn"
    assert suite.schema == {"target": "churned"}
    assert suite.reference_path == tmp_path / "data" / "ref.parquet"
    first, second, third = suite.checks
    assert (first.title, first.severity, first.line) == ("few features drift", "fail", 6)
    assert (second.argument, second.severity, second.line) == ((30.0, 50.0), "warn", 9)
    assert third.argument == frozenset({"basic", "pro"})


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("checks:\n  - metric: drift.share_drifted\n    les: 0.3\n", 3, "unknown key 'les'"),
        ("checks:\n  - metric: drift.share_drifted\n    less: high\n", 3, "must be a number"),
        ("checks:\n  - metric: drift.shared\n    less: 0.3\n", 2, "unknown metric"),
        (
            "checks:\n  - metric: drift.share_drifted\n    less: 0.3\n    severity: error\n",
            4,
            "severity 'error'",
        ),
        ("checks:\n  - metric: drift.share_drifted\n", 2, "exactly one condition"),
        (
            "checks:\n  - metric: drift.share_drifted\n    less: 0.3\n    greater: 0\n",
            2,
            "found less, greater",
        ),
        ("checks:\n  - less: 0.3\n", 2, "no 'metric'"),
        ("checks:\n  - metric: x\n    less: [0.3\n", 4, "invalid YAML"),
        ("name: a\nname: b\nchecks: []\n", 2, "repeated (first at line 1)"),
        ("checks: []\n", 1, "at least one check"),
        ("name: a\n", 1, "no 'checks:'"),
        ("chekcs:\n  - metric: drift.share_drifted\n", 1, "unknown key 'chekcs'"),
        (
            "checks:\n  - metric: drift.share_drifted\n    relative_to_reference: 0.1\n",
            3,
            "has no reference value",
        ),
        (
            "checks:\n  - metric: quality.column.plan.categories\n    less: 3\n",
            3,
            "cannot test",
        ),
        (
            "schema:\n  columns: {age: number}\nchecks:\n"
            "  - metric: drift.share_drifted\n    less: 0.3\n",
            1,
            "schema: column 'age'",
        ),
        (
            "drift: {threshold: 0.01, correction: sometimes}\nchecks:\n"
            "  - metric: drift.share_drifted\n    less: 0.3\n",
            1,
            "drift:",
        ),
    ],
)
def test_errors_name_the_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Suite.from_yaml(text, "suite.yaml")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"suite.yaml:{line}: ")
    assert fragment in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Suite.load(tmp_path / "nope.yaml")


def test_yaml_round_trip() -> None:
    suite = Suite.from_yaml(SUITE)
    again = Suite.from_yaml(suite.to_yaml())
    assert again == suite


numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 6))


@settings(max_examples=50, deadline=None, database=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("less"), numbers),
            st.tuples(st.just("greater"), numbers),
            st.tuples(st.just("between"), st.tuples(numbers, numbers).map(sorted)),
            st.tuples(st.just("relative_to_reference"), numbers.map(abs)),
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["fail", "warn"]),
)
def test_any_numeric_suite_survives_a_round_trip(
    conditions: list[tuple[str, object]], severity: Literal["fail", "warn"]
) -> None:
    checks = tuple(
        Check("quality.column.x.mean", name, argument, severity) for name, argument in conditions
    )
    suite = Suite(checks, name="generated")
    assert Suite.from_yaml(suite.to_yaml()) == suite


def test_check_made_in_python_is_validated() -> None:
    with pytest.raises(InputError, match="cannot test"):
        Check("drift.dataset_drift", "less", 1)
    with pytest.raises(InputError, match="between"):
        Check("quality.column.x.max", "between", [3, 1])


def test_statuses_and_severities(rng: np.random.Generator) -> None:
    reference = {"x": rng.normal(0, 1, 1000), "plan": rng.choice(["a", "b"], 1000)}
    current = {"x": rng.normal(0, 1, 1000), "plan": rng.choice(["a", "b", "c"], 1000)}
    suite = Suite(
        (
            Check("drift.column.x.drifted", "equal", False),  # passes
            Check("quality.column.plan.categories", "is_in", ["a", "b"], "warn"),  # warns
            Check("quality.column.x.mean", "relative_to_reference", 10.0),  # passes
            Check("quality.column.height.max", "less", 3),  # error: no such column
        )
    )
    result = suite.check(reference, current)
    assert [r.status for r in result.results] == ["passed", "failed", "passed", "error"]
    assert "'height' is in neither data set" in result.results[3].message
    assert result.counts() == {"total": 4, "passed": 2, "failed": 1, "warnings": 1}
    assert not result.passed
    relative = result.results[2]
    assert relative.reference_value == pytest.approx(np.mean(reference["x"]))
    assert result.to_dict()["checks"][1]["value"] == ["a", "b", "c"]


def test_warnings_alone_do_not_fail(rng: np.random.Generator) -> None:
    reference = {"x": rng.normal(0, 1, 500)}
    suite = Suite((Check("quality.column.x.max", "less", -10, "warn"),))
    result = suite.check(reference, reference)
    assert result.passed
    assert len(result.warnings) == 1


def test_one_report_serves_every_check(rng: np.random.Generator) -> None:
    reference = {"x": rng.normal(0, 1, 500)}
    data = Measurements.compute(reference, reference)
    suite = Suite.from_yaml(SUITE.replace("age", "x").replace("target: churned", "{}"))
    result = suite.run(data)
    assert result.report is data.report


def test_catalogue_names_and_the_shared_conditions_in_a_suite() -> None:
    import warnings

    from watchkeeper._catalogue import DeprecatedNameWarning

    text = (
        "checks:\n"
        "  - metric: share_drifted\n    above: 0.3\n"  # catalogue name, failure condition
        "  - metric: quality_critical\n    less: 1\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suite = Suite.from_yaml(text, "suite.yaml")
    assert [(c.metric, c.condition, c.title) for c in suite.checks] == [
        ("drift.share_drifted", "above", "drift.share_drifted <= 0.3"),
        ("quality.findings.critical", "less", "quality.findings.critical < 1"),
    ]
    with pytest.warns(DeprecatedNameWarning, match="suite.yaml:2: metric 'drift_share'"):
        old = Suite.from_yaml("checks:\n  - metric: drift_share\n    above: 0.3\n", "suite.yaml")
    assert old.checks[0].metric == "drift.share_drifted"
    # a per-column catalogue name has no single path: the suite says which column
    with pytest.raises(ConfigError, match="unknown metric 'missing_share'"):
        Suite.from_yaml("checks:\n  - metric: missing_share\n    above: 0.3\n", "suite.yaml")

"""Suggested suites pass on their own reference and fail on clearly drifted data."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, mean_absolute_error

from watchkeeper.checks import Suite, suggest_suite
from watchkeeper.checks._suggest import _down, _up


def classification(rng: np.random.Generator, n: int, *, drifted: bool = False) -> pa.Table:
    x = rng.normal(2.5 if drifted else 0.0, 1, n)
    income = rng.lognormal(10 + (1.0 if drifted else 0.0), 0.5, n)
    income[rng.random(n) < (0.3 if drifted else 0.02)] = np.nan
    plan = rng.choice(["basic", "pro", "team"] if drifted else ["basic", "pro"], n)
    score = 1 / (1 + np.exp(-2 * x))
    # on drifted data the model is wrong: labels no longer follow the score
    truth = rng.random(n) < (0.5 if drifted else score)
    return pa.table(
        {
            "x": x,
            "income": income,
            "plan": plan,
            "score": score,
            "predicted": (score >= 0.5).astype(np.int64),
            "churned": truth.astype(np.int64),
        }
    )


@pytest.fixture
def reference(rng: np.random.Generator) -> pa.Table:
    return classification(rng, 2000)


def test_suggestion_passes_on_the_reference_itself(reference: pa.Table) -> None:
    suite = suggest_suite(reference, target="churned", prediction="predicted", scores=["score"])
    result = suite.check(reference, reference)
    assert result.passed
    assert not result.warnings
    # and on a file round trip, as the CLI uses it
    assert Suite.from_yaml(suite.to_yaml()).check(reference, reference).passed


def test_suggestion_fails_on_clearly_drifted_data(
    reference: pa.Table, rng: np.random.Generator
) -> None:
    suite = suggest_suite(reference, target="churned", prediction="predicted", scores=["score"])
    result = suite.check(reference, classification(rng, 2000, drifted=True))
    assert not result.passed
    failed = {r.check.metric for r in result.failures}
    assert {
        "drift.share_drifted",
        "quality.column.income.missing_share",
        "performance.accuracy",
        "performance.roc_auc",
        "quality.column.plan.categories",  # a new category fails the build
    } <= failed
    warned = {r.check.metric for r in result.warnings}
    assert {"drift.column.x.drifted", "quality.column.x.max"} <= warned


def test_suggestion_passes_on_a_fresh_sample_of_the_same_data(
    reference: pa.Table, rng: np.random.Generator
) -> None:
    suite = suggest_suite(reference, target="churned", prediction="predicted", scores=["score"])
    assert suite.check(reference, classification(rng, 2000)).passed


def test_what_is_proposed(reference: pa.Table) -> None:
    suite = suggest_suite(reference, target="churned", prediction="predicted", scores=["score"])
    by_metric = {check.metric: check for check in suite.checks}
    x = reference.column("x").to_numpy()
    width = x.max() - x.min()
    # range with a 10% margin, rounded outwards: hand computation from numpy
    assert by_metric["quality.column.x.min"].argument <= x.min() - 0.1 * width
    assert by_metric["quality.column.x.min"].argument == pytest.approx(
        x.min() - 0.1 * width, rel=1e-3
    )
    assert by_metric["quality.column.x.max"].argument >= x.max() + 0.1 * width
    assert by_metric["quality.column.plan.categories"].argument == {"basic", "pro"}
    missing = np.isnan(reference.column("income").to_numpy()).mean()
    assert by_metric["quality.column.income.missing_share"].argument == pytest.approx(
        missing + 0.05, abs=1e-4
    )
    accuracy = accuracy_score(
        reference.column("churned").to_numpy(), reference.column("predicted").to_numpy()
    )
    floor = by_metric["performance.accuracy"]
    assert (floor.condition, floor.severity) == ("at_most", "fail")  # fails at or below the floor
    assert floor.argument == pytest.approx(accuracy - 0.05, abs=1e-4)
    share = by_metric["drift.share_drifted"]
    assert (share.condition, share.argument, share.severity) == ("above", 0.2, "fail")
    assert by_metric["quality.column.plan.categories"].severity == "fail"
    assert by_metric["drift.column.x.drifted"].severity == "warn"
    assert suite.schema == {"target": "churned", "prediction": "predicted", "scores": ["score"]}


def test_regression_gets_error_ceilings(rng: np.random.Generator) -> None:
    x = rng.normal(size=1000)
    y = 3 * x + rng.normal(0, 0.5, 1000)
    reference = {"x": x, "y": y, "yhat": 3 * x}
    suite = suggest_suite(reference, target="y", prediction="yhat")
    by_metric = {check.metric: check for check in suite.checks}
    mae = mean_absolute_error(y, 3 * x)
    assert by_metric["performance.mae"].condition == "at_least"
    assert by_metric["performance.mae"].argument == pytest.approx(mae * 1.05, rel=1e-3)
    assert by_metric["performance.r2"].condition == "at_most"
    assert suite.check(reference, reference).passed


def test_no_performance_without_labels(rng: np.random.Generator) -> None:
    suite = suggest_suite({"x": rng.normal(size=300), "id": np.arange(300)})
    metrics = [check.metric for check in suite.checks]
    assert not any(m.startswith("performance.") for m in metrics)
    assert not any(".id." in m for m in metrics)  # identifiers get no checks


@settings(max_examples=300, deadline=None, database=None)
@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_limits_round_outwards(value: float) -> None:
    assert _down(value) <= value <= _up(value)

"""Monitor conditions, checked against hand computations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.service._evaluate import check_condition, evaluate_monitors
from watchkeeper.service._types import Condition, MetricPoint, MonitorSpec

T = datetime(2024, 1, 1, tzinfo=UTC)


def _point(metric: str, value: float, feature: str | None = None) -> MetricPoint:
    return MetricPoint("m", "v1", metric, value, T, T + timedelta(hours=1), feature)


@pytest.mark.parametrize(
    ("condition", "value", "breached"),
    [
        (Condition("above", threshold=0.2), 0.21, True),
        (Condition("above", threshold=0.2), 0.2, False),  # strictly above
        (Condition("below", threshold=0.8), 0.79, True),
        (Condition("outside", low=1.0, high=2.0), 2.5, True),
        (Condition("outside", low=1.0, high=2.0), 1.0, False),
        (Condition("outside", high=2.0), -100.0, False),
    ],
)
def test_fixed_thresholds(condition: Condition, value: float, breached: bool) -> None:
    verdict = check_condition(condition, value)
    assert verdict is not None and verdict[0] is breached


def test_relative_to_baseline_by_hand() -> None:
    # (0.72 - 0.90) / 0.90 = -0.2: a 20 % drop.
    down = Condition("relative_to_baseline", threshold=0.15, direction="down")
    assert check_condition(down, 0.72, baseline=0.9)[0] is True
    assert check_condition(down, 1.08, baseline=0.9)[0] is False
    both = Condition("relative_to_baseline", threshold=0.25)
    assert check_condition(both, 0.72, baseline=0.9)[0] is False
    # Without a baseline the mean of the history stands in: (1 + 2 + 3) / 3 = 2.
    verdict = check_condition(both, 2.6, history=[1.0, 2.0, 3.0])
    assert verdict is not None and verdict[0] is True and "+30.0%" in verdict[1]


def test_sigma_band_by_hand() -> None:
    # history 10, 12, 14: mean 12, sample sd 2; the 2-sigma band is [8, 16].
    band = Condition("sigma_band", k=2.0)
    history = [10.0, 12.0, 14.0]
    assert check_condition(band, 16.5, history=history)[0] is True
    assert check_condition(band, 15.9, history=history)[0] is False
    assert check_condition(band, 7.9, history=history)[0] is True
    assert check_condition(band, 99.0, history=[1.0, 2.0]) is None  # too little history
    assert check_condition(band, 3.1, baseline=1.0, spread=1.0)[0] is True


def test_monitors_pick_their_metric_columns_and_sample_floor() -> None:
    drift = MonitorSpec(
        "drift",
        "m",
        "drift_score",
        Condition("above", threshold=0.5),
        columns=("age",),
        min_samples=100,
    )
    accuracy = MonitorSpec(
        "acc", "m", "accuracy", Condition("below", threshold=0.8), min_samples=50
    )
    points = [
        _point("drift_score", 0.9, "age"),
        _point("drift_score", 0.9, "plan"),
        _point("accuracy", 0.7),
    ]
    found = evaluate_monitors(
        [drift, accuracy],
        points,
        n_records=200,
        n_labels=40,
        baseline={},
        history=lambda p: [],
        performance_metrics=frozenset({"accuracy"}),
    )
    # accuracy has only 40 labelled records, below its floor of 50.
    assert [(e.monitor.name, e.point.feature, e.breached) for e in found] == [
        ("drift", "age", True)
    ]


def test_baseline_per_feature_wins_over_the_metric_baseline() -> None:
    monitor = MonitorSpec(
        "rel",
        "m",
        "missing_share",
        Condition("relative_to_baseline", threshold=0.5, direction="up"),
        min_samples=1,
    )
    found = evaluate_monitors(
        [monitor],
        [_point("missing_share", 0.12, "age")],
        n_records=10,
        n_labels=0,
        baseline={"missing_share": 0.1, "missing_share.age": 0.05},
        history=lambda p: [],
    )
    # (0.12 - 0.05) / 0.05 = +140 % > 50 %; against 0.1 it would be +20 %.
    assert found[0].breached

"""Shaping data for charts: downsampling keeps extremes, health, thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.dashboard._data import (
    downsample,
    health_by_model,
    series_payload,
    thresholds_for,
)
from watchkeeper.service import AlertInfo
from watchkeeper.service._types import Condition, MetricPoint, MonitorSpec

T = datetime(2024, 1, 1, tzinfo=UTC)


@given(
    values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3000),
    limit=st.integers(min_value=2, max_value=500),
)
def test_downsampling_is_bounded_ordered_and_keeps_the_extremes(
    values: list[float], limit: int
) -> None:
    points = [(float(t), v) for t, v in enumerate(values)]
    out = downsample(points, limit)
    assert len(out) <= max(limit, len(points) if len(points) <= limit else limit)
    times = [p[0] for p in out]
    assert times == sorted(times) and len(set(times)) == len(times)
    kept = [p[1] for p in out]
    assert min(kept) == min(values) and max(kept) == max(values)
    assert all(list(p) in [list(q) for q in points] for p in out[:20])


def _alert(model: str, severity: str, state: str = "firing") -> AlertInfo:
    return AlertInfo(
        "k",
        "m",
        model,
        "v1",
        "drift_score",
        None,
        None,
        state,
        severity,
        0.5,
        T,
        None,
        None,
        None,
        "",
    )


def test_health_is_the_worst_firing_severity() -> None:
    alerts = [
        _alert("a", "warning"),
        _alert("a", "critical", state="resolved"),  # resolved: does not count
        _alert("b", "warning"),
        _alert("b", "critical"),
        _alert("c", "info"),  # info is not a health problem
    ]
    assert health_by_model(alerts) == {"a": "warning", "b": "critical"}


def test_thresholds_from_monitors() -> None:
    monitors = [
        MonitorSpec("hi", "m", "drift_score", Condition("above", threshold=0.2), columns=("x",)),
        MonitorSpec("band", "m", "accuracy", Condition("outside", low=0.7, high=0.99)),
        MonitorSpec(
            "rel",
            "m",
            "accuracy",
            Condition("relative_to_baseline", threshold=0.1, direction="down"),
        ),
        MonitorSpec("sigma", "m", "accuracy", Condition("sigma_band", k=3.0)),
        MonitorSpec(
            "cooldown", "m", "rmse", Condition("above", threshold=2.0), cooldown=timedelta(0)
        ),
    ]
    assert [t["value"] for t in thresholds_for(monitors, "drift_score", "x", {})] == [0.2]
    assert thresholds_for(monitors, "drift_score", "y", {}) == []
    # 0.9 baseline, 10 % down: 0.9 - 0.09 = 0.81 (by hand); sigma_band draws nothing.
    values = [t["value"] for t in thresholds_for(monitors, "accuracy", None, {"accuracy": 0.9})]
    assert values == [0.7, 0.99, 0.81]


def test_a_realized_metric_is_drawn_before_its_estimate_so_colours_keep_their_role() -> None:
    start = T
    names = ["estimated_precision", "precision", "estimated_accuracy", "accuracy"]
    points = [
        MetricPoint("m", "v1", name, value, start, start + timedelta(hours=1))
        for name, value in zip(names, [0.9, 0.3, 0.8, 0.4], strict=True)
    ]
    drawn = [s["name"] for s in series_payload(points, name_by="metric")["series"]]
    assert drawn == ["accuracy", "estimated_accuracy", "precision", "estimated_precision"]

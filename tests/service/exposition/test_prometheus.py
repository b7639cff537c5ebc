"""Prometheus exposition: promtool accepts it, labels survive odd names, cardinality is bounded."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from watchkeeper.service._types import AlertState, MetricPoint, Severity
from watchkeeper.service.exposition import CONTENT_TYPE, OTHER, render_prometheus

T = datetime(2024, 3, 1, tzinfo=UTC)
ODD = ['say "hi"', "back\\slash", "two\nlines", "größe €", "a.b c", "{}=,", ""]


def point(metric: str, value: float, feature: str | None = None, segment: str | None = None,
          model: str = "churn") -> MetricPoint:  # fmt: skip
    return MetricPoint(model, "v1", metric, value, T, T, feature, segment)


@dataclass(frozen=True)
class Alert:
    key: str
    monitor: str
    model: str
    version: str
    feature: str | None
    severity: Severity
    state: AlertState
    segment: str | None = None


def samples(body: bytes) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(body.decode("utf-8")):
        for sample in family.samples:
            out.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return out


def promtool_check(body: bytes) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package 'prometheus')")
    return subprocess.run(
        [promtool, "check", "metrics"],
        input=body.decode("utf-8"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def a_snapshot() -> tuple[list[MetricPoint], list[Alert]]:
    points = [
        point("drift_score", 0.31, "age"),
        point("drift_p_value", 0.002, "age"),
        point("share_drifted", 0.5),
        point("row_count", 1200.0),
        point("row_count", 300.0, segment="region=eu"),
        point("latency_p99_ms", 41.5),
        point("roc_auc", 0.81),
        point("missing_share", float("nan"), "plan"),
        *(point("drift_score", 0.1, name) for name in ODD),
    ]
    alerts = [
        Alert("k1", "drift", "churn", "v1", "age", Severity.WARNING, AlertState.FIRING),
        Alert("k2", "auc", "churn", "v1", None, Severity.CRITICAL, AlertState.RESOLVED),
    ]
    return points, alerts


def test_promtool_accepts_the_exposition() -> None:
    body = render_prometheus(*a_snapshot())
    result = promtool_check(body)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""


def test_promtool_accepts_every_known_metric_name() -> None:
    from watchkeeper.service.config import known_metrics

    points = [point(name, 1.0, "x" if m.per_feature else None)
              for name, m in known_metrics().items()]  # fmt: skip
    result = promtool_check(render_prometheus(points, []))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_an_empty_snapshot() -> None:
    result = promtool_check(render_prometheus([], []))
    assert result.returncode == 0, result.stdout + result.stderr


def test_names_and_labels() -> None:
    found = samples(render_prometheus(*a_snapshot()))
    assert ({"model": "churn", "version": "v1", "feature": "age"}, 0.31) in found[
        "watchkeeper_drift_score"
    ]
    # Labels that do not apply are absent, not empty.
    assert found["watchkeeper_share_drifted"] == [({"model": "churn", "version": "v1"}, 0.5)]
    assert ({"model": "churn", "version": "v1", "segment": "region=eu"}, 300.0) in found[
        "watchkeeper_window_records"
    ]
    assert found["watchkeeper_roc_auc"] == [({"model": "churn", "version": "v1"}, 0.81)]
    # Renamed to Prometheus's base units: 41.5 ms is 0.0415 s.
    assert found["watchkeeper_latency_p99_seconds"] == [
        ({"model": "churn", "version": "v1"}, pytest.approx(0.0415))
    ]
    assert sorted(found["watchkeeper_alert_firing"], key=lambda s: s[0]["monitor"]) == [
        ({"model": "churn", "version": "v1", "monitor": "auc", "severity": "critical"}, 0.0),
        (
            {"model": "churn", "version": "v1", "monitor": "drift", "severity": "warning",
             "feature": "age"},
            1.0,
        ),
    ]  # fmt: skip


def test_odd_feature_names_round_trip_through_the_escaping() -> None:
    found = samples(render_prometheus(*a_snapshot()))
    names = {labels.get("feature") for labels, _ in found["watchkeeper_drift_score"]}
    assert set(ODD) <= names
    body = render_prometheus([point("drift_score", 1.0, 'q"\\\n')], []).decode()
    # The text format escapes exactly these three characters.
    assert 'feature="q\\"\\\\\\n"' in body


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=5, unique=True))
def test_any_feature_name_round_trips(names: list[str]) -> None:
    points = [point("drift_effect", float(i), name) for i, name in enumerate(names)]
    found = samples(render_prometheus(points, []))
    got = {labels["feature"]: value for labels, value in found["watchkeeper_drift_effect"]}
    assert got == {name: float(i) for i, name in enumerate(names)}


def test_feature_cardinality_is_bounded_and_the_rest_folded_into_other() -> None:
    # 250 features with drift scores 0/1000 ... 249/1000: the 200 largest keep their
    # series (features 50..249); features 0..49 fold into __other__ whose score is the
    # largest of theirs (49/1000) and whose p-value is the smallest of theirs.
    points = []
    for i in range(250):
        points.append(point("drift_score", i / 1000, f"f{i:03d}"))
        points.append(point("drift_p_value", 1 - i / 1000, f"f{i:03d}"))
    points.append(point("drift_score", 0.9, "x", model="other-model"))
    found = samples(render_prometheus(points, [], max_features=200))
    churn = {s[0]["feature"]: s[1] for s in found["watchkeeper_drift_score"]
             if s[0]["model"] == "churn"}  # fmt: skip
    assert len(churn) == 201
    assert churn[OTHER] == pytest.approx(0.049)
    assert "f049" not in churn and "f050" in churn and "f249" in churn
    p_values = {s[0]["feature"]: s[1] for s in found["watchkeeper_drift_p_value"]}
    assert p_values[OTHER] == pytest.approx(1 - 0.049)
    assert "f050" in p_values and "f049" not in p_values
    # The cap is per model.
    assert ({"model": "other-model", "version": "v1", "feature": "x"}, 0.9) in found[
        "watchkeeper_drift_score"
    ]
    assert promtool_check(render_prometheus(points, [])).returncode == 0


def test_segment_cardinality_is_bounded() -> None:
    # 60 segments with 1..60 rows: the 50 busiest stay, the 10 smallest fold.
    points = [point("row_count", float(i), segment=f"shop={i}") for i in range(1, 61)]
    points += [
        point("error_rate", 0.5 if i == 3 else 0.01, segment=f"shop={i}") for i in range(1, 61)
    ]
    alerts = [
        Alert("k", "errors", "churn", "v1", None, Severity.WARNING, AlertState.FIRING, "shop=3")
    ]
    found = samples(render_prometheus(points, alerts, max_segments=50))
    rows = {s[0]["segment"]: s[1] for s in found["watchkeeper_window_records"]}
    assert len(rows) == 51 and rows[OTHER] == 10.0 and "shop=11" in rows and "shop=10" not in rows
    errors = {s[0]["segment"]: s[1] for s in found["watchkeeper_error_rate"]}
    assert errors[OTHER] == 0.5
    assert found["watchkeeper_alert_firing"][0][0]["segment"] == OTHER


def test_alerts_of_folded_features_fold_too() -> None:
    points = [point("drift_score", i / 10, f"f{i}") for i in range(5)]
    alerts = [Alert("k", "d", "churn", "v1", "f0", Severity.INFO, AlertState.FIRING)]
    found = samples(render_prometheus(points, alerts, max_features=3))
    assert found["watchkeeper_alert_firing"][0][0]["feature"] == OTHER


def test_content_type_is_the_classic_text_format() -> None:
    assert CONTENT_TYPE == "text/plain; version=0.0.4; charset=utf-8"


def test_a_fresh_registry_per_call() -> None:
    from prometheus_client import REGISTRY

    before = set(REGISTRY._names_to_collectors)
    render_prometheus(*a_snapshot())
    assert set(REGISTRY._names_to_collectors) == before


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        render_prometheus([], [], max_features=0)

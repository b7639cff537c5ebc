"""The Grafana dashboard: its structure, and that every query reads a series the
service's ``/metrics`` exposition actually writes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.dashboard._seed import seeded_service

from watchkeeper._catalogue import service_metrics
from watchkeeper.performance import METRICS
from watchkeeper.service._types import MetricPoint
from watchkeeper.service.exposition import render_prometheus
from watchkeeper.service.exposition._grafana import (
    SCHEMA_VERSION,
    grafana_dashboard,
    panel_metric_names,
)

# Every metric the service computes, from the one catalogue.
SERVICE_METRICS = [spec.name for spec in service_metrics()]
PER_FEATURE = {spec.name for spec in service_metrics() if spec.per_feature}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    built = seeded_service(Path(tmp_path_factory.mktemp("grafana")))
    yield built
    built.store.close()


def _exposed_names(points: list[MetricPoint], alerts: list[Any]) -> set[str]:
    text = render_prometheus(points, alerts).decode()
    return set(re.findall(r"^# TYPE (\S+) gauge$", text, flags=re.MULTILINE))


def test_structure() -> None:
    board = grafana_dashboard(model="churn")
    assert board["schemaVersion"] == SCHEMA_VERSION
    assert json.loads(json.dumps(board)) == board  # plain JSON
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert list(variables) == ["datasource", "model", "version", "feature", "segment"]
    assert variables["model"]["current"]["value"] == "churn"
    assert variables["model"]["query"]["query"].startswith("label_values(watchkeeper_")
    assert "$model" in variables["feature"]["query"]["query"]
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    titles = {p["title"] for p in board["panels"]}
    assert {
        "Drift score per feature",
        "Realized performance",
        "Missing share per feature",
        "Latency",
        "Throughput",
        "Error rate",
        "Alert states (1 = firing)",
    } <= titles
    for panel in board["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24
        if panel["type"] == "row":
            continue
        refs = [t["refId"] for t in panel["targets"]]
        assert refs and len(refs) == len(set(refs))
        for target in panel["targets"]:
            assert "watchkeeper_" in target["expr"]
            assert target["datasource"]["uid"] == "${datasource}"
    assert grafana_dashboard()["templating"]["list"][1]["includeAll"] is True


def test_every_query_reads_an_exposed_series() -> None:
    t = datetime(2024, 1, 1, tzinfo=UTC)
    points = [
        MetricPoint(
            "churn",
            "v1",
            metric,
            0.5,
            t,
            t,
            feature="age" if metric in PER_FEATURE else None,
        )
        for metric in SERVICE_METRICS
    ]

    class Alert:
        monitor, model, version, feature, segment = "m", "churn", "v1", None, None
        severity, state = "warning", "firing"

    exposed = _exposed_names(points, [Alert()])
    used = panel_metric_names(grafana_dashboard())
    assert used - exposed == set()
    assert {
        "watchkeeper_drift_score",
        "watchkeeper_window_records",
        "watchkeeper_latency_p95_seconds",
        "watchkeeper_alert_firing",
        "watchkeeper_accuracy",
        "watchkeeper_rmse",
    } <= used


def test_the_seeded_service_exposes_what_the_panels_read(service: Any) -> None:
    exposed = _exposed_names(service.latest_metrics(), service.list_alerts())
    used = panel_metric_names(grafana_dashboard())
    # The seeded models have no error column, no boolean feature and no regression
    # metrics; every other series a panel reads is really produced by the service.
    missing = used - exposed
    assert "watchkeeper_drift_score" in exposed and "watchkeeper_alert_firing" in exposed
    absent = {"error_rate", "true_share", *METRICS}
    # Nor a labelled reference, a sensitive column, attributions or multivariate opt-in
    # (the monitor kinds; tests/service/kinds and tests/demo exercise those series).
    needs = (
        "estimated_",
        "clarify_",
        "attribution_",
        "multivariate_",
        "bias_drift_",
        "score_drift",
    )
    absent |= {"demographic_parity_difference", "equalized_odds_difference", "disparate_impact"}
    missing = {n for n in missing if not n.removeprefix("watchkeeper_").startswith(needs)}
    assert all(name.removeprefix("watchkeeper_") in absent for name in missing), missing

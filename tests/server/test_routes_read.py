"""Windows, metric series and health over HTTP."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from tests.server.conftest import record, register

from watchkeeper.service import MonitoringService, WindowInfo


def test_close_windows_then_read_windows_and_series(client: TestClient) -> None:
    register(client)
    client.post(
        "/v1/models/churn/predictions",
        json={"version": "v1", "records": [record(i) for i in range(30)]},
    )
    closed = client.post("/v1/models/churn/windows/close", json={"now": "2024-05-02T00:00:00Z"})
    assert closed.status_code == 200, closed.text
    windows = closed.json()["windows"]
    assert windows
    assert sum(w["n_records"] for w in windows if w["segment"] is None) == 30
    assert all(w["status"] == "closed" for w in windows)
    listed = client.get("/v1/models/churn/windows?version=v1").json()["windows"]
    assert {(w["start"], w["end"]) for w in listed} >= {(w["start"], w["end"]) for w in windows}
    series = client.get("/v1/models/churn/metrics/row_count?version=v1")
    assert series.status_code == 200
    points = [p for p in series.json()["points"] if p["segment"] is None]
    assert points and points[0]["value"] == 30


def test_close_windows_without_body_uses_the_clock(client: TestClient) -> None:
    register(client)
    answer = client.post("/v1/models/churn/windows/close")
    assert answer.status_code == 200


def test_series_query_parameters_are_validated(client: TestClient) -> None:
    register(client)
    answer = client.get("/v1/models/churn/metrics/row_count?start=yesterday")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "query.start"
    assert client.get("/v1/models/churn/windows?limit=0").status_code == 422
    answer = client.post("/v1/models/churn/windows/close", json={"now": 5})
    assert answer.status_code == 422
    assert client.get("/v1/models/nope/windows").status_code == 404
    assert client.get("/v1/models/nope/metrics/row_count").status_code == 404


def test_healthz_needs_no_key(client: TestClient) -> None:
    answer = client.get("/healthz", headers={"Authorization": ""})
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_nan_metric_values_are_written_as_null(
    memory: MonitoringService, memory_client: TestClient
) -> None:
    register(memory_client)
    memory_client.post(
        "/v1/models/churn/predictions", json={"version": "v1", "records": [record(0)]}
    )
    memory.close_windows("churn", now=datetime(2024, 6, 1, tzinfo=UTC))
    real = memory.list_windows

    # Fault injection: the real service stores no NaN, but a metric that became one
    # must still be answered as valid JSON (null), never as the token NaN.
    def with_nan(model: str, **kwargs: Any) -> list[WindowInfo]:
        return [
            replace(w, metrics={**w.metrics, "drift_p_value": math.nan})
            for w in real(model, **kwargs)
        ]

    memory.list_windows = with_nan  # type: ignore[method-assign]
    answer = memory_client.get("/v1/models/churn/windows")
    assert answer.status_code == 200
    assert "NaN" not in answer.text
    assert answer.json()["windows"][0]["metrics"]["drift_p_value"] is None

"""Windows, metric series and health over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.server.conftest import record, register


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


def test_nan_metric_values_are_written_as_null(fake_client: TestClient) -> None:
    register(fake_client)
    fake_client.post("/v1/models/churn/predictions", json={"version": "v1", "records": [record(0)]})
    closed = fake_client.post(
        "/v1/models/churn/windows/close", json={"now": "2024-06-01T00:00:00Z"}
    )
    assert closed.status_code == 200
    assert closed.json()["windows"][0]["metrics"]["drift_p_value"] is None

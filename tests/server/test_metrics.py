"""GET /metrics: a Prometheus text exposition of the latest points and alert states."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from tests.server.conftest import record, register
from tests.server.fakes import FakeService


def test_metrics_exposition_parses(fake: FakeService, fake_client: TestClient) -> None:
    register(fake_client)
    fake_client.post(
        "/v1/models/churn/predictions", json={"version": "v1", "records": [record(0), record(1)]}
    )
    fake_client.post("/v1/models/churn/windows/close", json={"now": "2024-06-01T00:00:00Z"})
    fake.add_alert()
    answer = fake_client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    rows = families["watchkeeper_window_records"].samples
    assert [(s.labels["model"], s.labels["version"], s.value) for s in rows] == [
        ("churn", "v1", 2.0)
    ]
    firing = families["watchkeeper_alert_firing"].samples[0]
    assert firing.labels["monitor"] == "drift" and firing.value == 1.0

"""GET /metrics: a Prometheus text exposition of the latest points and alert states."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from tests.server.conftest import firing_alert, record, register

from watchkeeper.service import MonitoringService


def test_metrics_exposition_parses(memory: MonitoringService, memory_client: TestClient) -> None:
    register(memory_client)
    memory_client.post(
        "/v1/models/churn/predictions", json={"version": "v1", "records": [record(0), record(1)]}
    )
    memory_client.post("/v1/models/churn/windows/close", json={"now": "2024-06-01T00:00:00Z"})
    firing_alert(memory)  # three more records in the same window, closed again
    answer = memory_client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(answer.text)}
    rows = families["watchkeeper_window_records"].samples
    whole = [s for s in rows if not s.labels.get("segment")]
    assert [(s.labels["model"], s.labels["version"], s.value) for s in whole] == [
        ("churn", "v1", 5.0)  # one window (12:00-13:00): two records here, three by firing_alert
    ]
    firing = families["watchkeeper_alert_firing"].samples[0]
    assert firing.labels["monitor"] == "busy" and firing.value == 1.0

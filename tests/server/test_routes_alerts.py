"""Alerts over HTTP: list, acknowledge (by the key's name), silence."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.server.conftest import firing_alert, register

from watchkeeper.service import MonitoringService


def test_list_ack_silence(memory: MonitoringService, memory_client: TestClient) -> None:
    register(memory_client)
    alert = firing_alert(memory)
    listed = memory_client.get("/v1/alerts?model=churn&state=firing").json()["alerts"]
    assert [a["key"] for a in listed] == [alert.key]
    assert memory_client.get("/v1/alerts?state=resolved").json()["alerts"] == []
    acked = memory_client.post(f"/v1/alerts/{alert.key}/ack")
    assert acked.status_code == 200
    assert acked.json()["acknowledged_by"] == "admin-key"
    silenced = memory_client.post(
        f"/v1/alerts/{alert.key}/silence", json={"until": "2024-05-02T00:00:00+02:00"}
    )
    assert silenced.status_code == 200
    assert silenced.json()["silenced_until"] == "2024-05-01T22:00:00+00:00"


def test_alert_errors(memory: MonitoringService, memory_client: TestClient) -> None:
    register(memory_client)
    alert = firing_alert(memory)
    assert memory_client.post("/v1/alerts/0000/ack").status_code == 404
    assert memory_client.get("/v1/alerts?state=sleepy").status_code == 422
    naive = memory_client.post(
        f"/v1/alerts/{alert.key}/silence", json={"until": "2024-05-02T00:00"}
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "until"
    assert memory_client.post(f"/v1/alerts/{alert.key}/silence", json={}).status_code == 422


def test_alert_listing_on_every_backend(client: TestClient) -> None:
    answer = client.get("/v1/alerts")
    assert answer.status_code == 200
    assert answer.json() == {"alerts": []}

"""``GET /v1/models/{model}/ab`` on the real service over SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.abtest._store import populate

from watchkeeper.abtest import compare_versions
from watchkeeper.server import _routes_ab, create_app
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store


@pytest.fixture
def service(tmp_path: Path) -> Iterator[MonitoringService]:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    store = Store(url)
    try:
        service = MonitoringService(store, Settings(database_url=url))
        populate(service)
        yield service
    finally:
        store.close()


def _client(service: MonitoringService, key: str | None) -> TestClient:
    app = create_app(service, Settings(tick_seconds=0))
    if not any(getattr(r, "path", "") == "/v1/models/{model}/ab" for r in app.routes):
        app.include_router(_routes_ab.router)  # the lead wires it into create_app
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return TestClient(app, headers=headers, raise_server_exceptions=False)


def test_answers_the_library_result(service: MonitoringService) -> None:
    _, key = service.create_api_key(["read"], name="grafana")
    with _client(service, key) as client:
        answer = client.get(
            "/v1/models/churn/ab", params={"a": "v1", "b": "v2", "metric": "accuracy"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == compare_versions(service, "churn", "v1", "v2", "accuracy").to_dict()
        assert answer.json()["test"]["winner"] == "b"
        latency = client.get(
            "/v1/models/churn/ab",
            params={"a": "v1", "b": "v2", "metric": "latency_p50_ms", "confidence": 0.9,
                    "end": "2024-01-01T03:00:00Z"},
        )  # fmt: skip
        assert latency.status_code == 200, latency.text
        assert latency.json()["sequential"] is None
        assert latency.json()["n_windows_a"] == 3
        assert "/v1/models/{model}/ab" in client.get("/openapi.json").json()["paths"]


def test_refusals(service: MonitoringService) -> None:
    _, key = service.create_api_key(["ingest"], name="sdk")
    with _client(service, None) as anonymous:
        params = {"a": "v1", "b": "v2", "metric": "accuracy"}
        assert anonymous.get("/v1/models/churn/ab", params=params).status_code == 401
    with _client(service, key) as ingest_only:
        assert ingest_only.get("/v1/models/churn/ab", params=params).status_code == 403
    _, read = service.create_api_key(["read"])
    with _client(service, read) as client:
        bad = client.get("/v1/models/churn/ab", params={**params, "confidence": 95})
        assert bad.status_code == 422
        missing = client.get("/v1/models/churn/ab", params={"a": "v1", "metric": "accuracy"})
        assert missing.status_code == 422
        unknown = client.get("/v1/models/churn/ab", params={**params, "b": "v9"})
        assert unknown.status_code == 404
        empty = client.get("/v1/models/churn/ab", params={**params, "metric": "nothing"})
        assert empty.status_code == 422 and "no closed window" in empty.json()["detail"]
        naive = client.get("/v1/models/churn/ab", params={**params, "start": "2024-01-01T00:00"})
        assert naive.status_code == 422

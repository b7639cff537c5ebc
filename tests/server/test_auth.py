"""API keys and scopes: 401 without a key, 403 with the wrong scope, admin implies all."""

from __future__ import annotations

from typing import Any

import pytest
from tests.server.conftest import make_client, record, register

from watchkeeper.server import SCOPES
from watchkeeper.service import MonitoringService

# (method, path, body, scope needed)
ENDPOINTS: list[tuple[str, str, Any, str]] = [
    ("GET", "/v1/models", None, "read"),
    ("GET", "/v1/models/churn", None, "read"),
    ("GET", "/v1/models/churn/versions", None, "read"),
    ("GET", "/v1/models/churn/windows", None, "read"),
    ("GET", "/v1/models/churn/metrics/row_count", None, "read"),
    ("GET", "/v1/alerts", None, "read"),
    ("GET", "/metrics", None, "read"),
    ("POST", "/v1/models", {"name": "m2", "task": "regression"}, "admin"),
    ("POST", "/v1/models/churn/versions", {"version": "v2"}, "admin"),
    ("POST", "/v1/models/churn/versions/v1/promote", None, "admin"),
    ("POST", "/v1/models/churn/windows/close", None, "admin"),
    ("POST", "/v1/models/churn/predictions", {"version": "v1", "records": [record(0)]}, "ingest"),
    ("POST", "/v1/models/churn/labels", {"labels": [{"id": "r-0", "label": 1}]}, "ingest"),
]


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_scopes(memory: MonitoringService, method: str, path: str, body: Any, scope: str) -> None:
    keys = {held: memory.create_api_key([held], name=f"{held}-key")[1] for held in SCOPES}
    with make_client(memory, None) as client:
        register(client, headers=_bearer(keys["admin"]))
        answer = client.request(method, path, json=body)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in answer.json()["detail"]
        assert (
            client.request(method, path, json=body, headers=_bearer("wk_nope")).status_code == 401
        )
        for held, key in keys.items():
            answer = client.request(method, path, json=body, headers=_bearer(key))
            if held in (scope, "admin"):
                assert answer.status_code < 400, (held, answer.text)
            else:
                assert answer.status_code == 403, (held, answer.text)
                assert scope in answer.json()["detail"]


def test_keys_of_every_backend(service: Any, keys: dict[str, str]) -> None:
    """The real service's stored, hashed keys give the same answers as the memory's."""
    with make_client(service, None) as client:
        assert client.get("/v1/models").status_code == 401
        assert client.get("/v1/models", headers=_bearer(keys["read"])).status_code == 200
        assert client.get("/v1/models", headers=_bearer(keys["read"] + "x")).status_code == 401
        forbidden = client.post(
            "/v1/models", json={"name": "m", "task": "regression"}, headers=_bearer(keys["ingest"])
        )
        assert forbidden.status_code == 403
        created = client.post(
            "/v1/models", json={"name": "m", "task": "regression"}, headers=_bearer(keys["admin"])
        )
        assert created.status_code == 201


def test_dev_mode_needs_no_key(memory: MonitoringService) -> None:
    with make_client(memory, None, dev=True) as client:
        assert (
            client.post("/v1/models", json={"name": "m", "task": "regression"}).status_code == 201
        )
    with make_client(memory, None, auth_enabled=False) as client:
        assert client.get("/v1/models").status_code == 200


def test_basic_auth_scheme_is_refused(memory: MonitoringService) -> None:
    key = memory.create_api_key(["admin"])[1]
    with make_client(memory, None) as client:
        answer = client.get("/v1/models", headers={"Authorization": f"Basic {key}"})
        assert answer.status_code == 401


def test_public_metrics_setting(memory: MonitoringService) -> None:
    from dataclasses import dataclass

    from watchkeeper.server import create_app
    from watchkeeper.service._settings import Settings

    @dataclass(frozen=True)
    class PublicMetrics(Settings):
        metrics_public: bool = True

    from fastapi.testclient import TestClient

    with TestClient(create_app(memory, PublicMetrics())) as client:
        assert client.get("/metrics").status_code == 200
        assert client.get("/v1/models").status_code == 401

"""API keys and scopes: 401 without a key, 403 with the wrong scope, admin implies all."""

from __future__ import annotations

from typing import Any

import pytest
from tests.server.conftest import make_client, record, register

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


@pytest.mark.parametrize(("method", "path", "body", "scope"), ENDPOINTS)
def test_scopes(
    service: Any, keys: dict[str, str], method: str, path: str, body: Any, scope: str
) -> None:
    with make_client(service, keys["admin"]) as admin:
        register(admin)
    with make_client(service, None) as anonymous:
        answer = anonymous.request(method, path, json=body)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert "Authorization: Bearer" in answer.json()["detail"]
    with make_client(service, "wk_not-a-real-key") as stranger:
        assert stranger.request(method, path, json=body).status_code == 401
    for held, key in keys.items():
        with make_client(service, key) as caller:
            answer = caller.request(method, path, json=body)
            allowed = held in (scope, "admin")
            if allowed:
                assert answer.status_code < 400, (held, answer.text)
            else:
                assert answer.status_code == 403, (held, answer.text)
                assert scope in answer.json()["detail"]


def test_dev_mode_needs_no_key(service: Any) -> None:
    with make_client(service, None, dev=True) as client:
        assert (
            client.post("/v1/models", json={"name": "m", "task": "regression"}).status_code == 201
        )
    with make_client(service, None, auth_enabled=False) as client:
        assert client.get("/v1/models").status_code == 200


def test_basic_auth_scheme_is_refused(service: Any, keys: dict[str, str]) -> None:
    with make_client(service, None) as client:
        answer = client.get("/v1/models", headers={"Authorization": f"Basic {keys['admin']}"})
        assert answer.status_code == 401


def test_public_metrics_setting(service: Any) -> None:
    from dataclasses import dataclass

    from watchkeeper.server import create_app
    from watchkeeper.service._settings import Settings

    @dataclass(frozen=True)
    class PublicMetrics(Settings):
        metrics_public: bool = True

    from fastapi.testclient import TestClient

    with TestClient(create_app(service, PublicMetrics())) as client:
        assert client.get("/metrics").status_code == 200
        assert client.get("/v1/models").status_code == 401

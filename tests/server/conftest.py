"""Fixtures: the app on a fake service (always) and on the real one (SQLite, PostgreSQL)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests._backends import BACKENDS, database_url
from tests.server.fakes import FakeService

from watchkeeper.server import SCOPES, create_app
from watchkeeper.service._settings import Settings

SCHEMA = {"age": "numeric", "plan": "categorical", "active": "boolean"}
T = "2024-05-01T12:00:00Z"


def real_service(url: str) -> Any:
    try:
        store_module = importlib.import_module("watchkeeper.store")
        service_class = importlib.import_module("watchkeeper.service._service").MonitoringService
    except (ImportError, AttributeError):
        pytest.skip("watchkeeper.service.MonitoringService is not written yet")
    return service_class(store_module.Store(url), Settings(database_url=url))


@pytest.fixture(params=["fake", *BACKENDS])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The fake, then the real service on SQLite and on PostgreSQL (once it exists)."""
    if request.param == "fake":
        yield FakeService()
        return
    with database_url(request.param, tmp_path) as url:
        real = real_service(url)
        yield real
        store = getattr(real, "store", None) or getattr(real, "_store", None)
        if store is not None:
            store.close()


@pytest.fixture
def fake() -> FakeService:
    return FakeService()


@pytest.fixture
def keys(service: Any) -> dict[str, str]:
    return {scope: service.create_api_key([scope], name=f"{scope}-key")[1] for scope in SCOPES}


def make_client(service: Any, key: str | None, **settings: Any) -> TestClient:
    app = create_app(service, Settings(**{"max_body_bytes": 2_000_000, **settings}))
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return TestClient(app, headers=headers, raise_server_exceptions=False)


@pytest.fixture
def client(service: Any, keys: dict[str, str]) -> Iterator[TestClient]:
    with make_client(service, keys["admin"]) as test_client:
        yield test_client


@pytest.fixture
def fake_client(fake: FakeService) -> Iterator[TestClient]:
    key = fake.create_api_key(["admin"], name="admin-key")[1]
    with make_client(fake, key) as test_client:
        yield test_client


def register(
    client: TestClient, model: str = "churn", headers: dict[str, str] | None = None
) -> None:
    """A model with a schema and an active version v1 with reference rows."""
    answer = client.post(
        "/v1/models",
        json={"name": model, "task": "binary_classification", "schema": SCHEMA},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    reference = [
        {"age": 20.0 + i, "plan": "basic" if i % 2 else "pro", "active": i % 3 == 0}
        for i in range(50)
    ]
    answer = client.post(
        f"/v1/models/{model}/versions",
        json={"version": "v1", "reference": reference, "activate": True},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text


def record(i: int, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": f"r-{i}",
        "timestamp": T,
        "features": {"age": 30.0 + i, "plan": "pro", "active": True},
        "prediction": 1,
        "score": 0.75,
        "latency_ms": 12.5,
        "segment": {"region": "eu"},
    }
    base.update(changes)
    return base

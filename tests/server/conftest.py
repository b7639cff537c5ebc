"""Fixtures: the app on the real service, in memory (``sqlite://``), on a SQLite file
and on PostgreSQL. No fake service: faults are injected on the real one where a test
needs them (see test_errors.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests._backends import BACKENDS, database_url

from watchkeeper.server import SCOPES, create_app
from watchkeeper.service import (
    AlertInfo,
    Condition,
    MonitoringService,
    MonitorSpec,
    ServiceAPI,
    Severity,
)
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

SCHEMA = {"age": "numeric", "plan": "categorical", "active": "boolean"}
T = "2024-05-01T12:00:00Z"


def real_service(url: str) -> MonitoringService:
    return MonitoringService(Store(url), Settings(database_url=url))


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MonitoringService]:
    """The real service on a SQLite file and on PostgreSQL."""
    with database_url(request.param, tmp_path) as url:
        real = real_service(url)
        yield real
        real.store.close()


@pytest.fixture
def memory() -> Iterator[MonitoringService]:
    """The real service on an in-memory SQLite database (one backend, for the tests
    whose subject is the HTTP layer rather than the store)."""
    real = real_service("sqlite://")
    yield real
    real.store.close()


@pytest.fixture
def keys(service: ServiceAPI) -> dict[str, str]:
    return {scope: service.create_api_key([scope], name=f"{scope}-key")[1] for scope in SCOPES}


def firing_alert(service: ServiceAPI, model: str = "churn") -> AlertInfo:
    """A real firing alert: a monitor on ``row_count`` that any traffic breaches, one
    window of records, and the window closed. Needs the model from :func:`register`."""
    import pyarrow as pa

    service.put_monitor(
        MonitorSpec(
            "busy", model, "row_count", Condition("above", threshold=0.0),
            severity=Severity.WARNING, min_samples=1,
        )
    )  # fmt: skip
    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    table = pa.table(
        {
            "id": [f"alert-{i}" for i in range(3)],
            "timestamp": pa.array([start] * 3, pa.timestamp("us", tz="UTC")),
            "feature.age": [30.0, 31.0, 32.0],
            "prediction": [1, 0, 1],
        }
    )
    service.ingest_predictions(model, "v1", table)
    service.close_windows(model, now=start + timedelta(days=1))
    return next(a for a in service.list_alerts(model=model) if a.segment is None)


def make_client(service: ServiceAPI, key: str | None, **settings: Any) -> TestClient:
    app = create_app(service, Settings(**{"max_body_bytes": 2_000_000, **settings}))
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    # localhost: in dev mode (keys off) the app answers no other Host (DNS rebinding).
    return TestClient(
        app, base_url="http://localhost", headers=headers, raise_server_exceptions=False
    )


@pytest.fixture
def client(service: ServiceAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with make_client(service, keys["admin"]) as test_client:
        yield test_client


@pytest.fixture
def memory_client(memory: MonitoringService) -> Iterator[TestClient]:
    key = memory.create_api_key(["admin"], name="admin-key")[1]
    with make_client(memory, key) as test_client:
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

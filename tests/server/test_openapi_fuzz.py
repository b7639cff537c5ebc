"""schemathesis against /openapi.json: no generated request gets a 5xx answer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from tests.server.conftest import firing_alert

from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

schemathesis = pytest.importorskip("schemathesis")
pytestmark = pytest.mark.slow


def _app():  # type: ignore[no-untyped-def]
    service = MonitoringService(Store("sqlite://"), Settings())
    service.create_model(
        "churn", "binary_classification", {"age": "numeric", "plan": "categorical"}
    )
    service.create_version("churn", "v1", activate=True)
    firing_alert(service)
    return create_app(service, Settings(dev=True, max_body_bytes=200_000))


@schemathesis.serializer(
    "application/vnd.apache.arrow.stream",
    "application/vnd.apache.arrow.file",
    "application/vnd.apache.parquet",
    "application/x-parquet",
    "application/vnd.watchkeeper.profile",
)
def _binary(ctx, value):  # type: ignore[no-untyped-def]
    return value if isinstance(value, bytes) else str(value).encode()


# The app runs in dev mode, which answers only a loopback Host (DNS rebinding).
LOCAL = {"host": "localhost"}
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(), headers=LOCAL)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_5xx(case) -> None:  # type: ignore[no-untyped-def]
    case.headers = {**(case.headers or {}), **LOCAL}  # call(headers=) is not applied
    response = case.call()
    assert response.text != "Invalid host header"  # the request reaches the app
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)

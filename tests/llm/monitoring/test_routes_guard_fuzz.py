"""schemathesis against POST /v1/guard: no generated request gets a 5xx answer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

schemathesis = pytest.importorskip("schemathesis")
pytestmark = pytest.mark.slow


def _app():  # type: ignore[no-untyped-def]
    service = MonitoringService(Store("sqlite://"), Settings())
    service.create_model("chat", "llm")
    service.create_version("chat", "v1", activate=True)
    # Keys on: schemathesis's ASGI client sends Host "testserver", which dev mode refuses.
    key = service.create_api_key(["ingest"], name="fuzz")[1]
    app = create_app(service, Settings(max_body_bytes=200_000))
    return app, {"Authorization": f"Bearer {key}"}


_APP, _HEADERS = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP).include(path="/v1/guard")


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_5xx(case) -> None:  # type: ignore[no-untyped-def]
    case.headers = {**(case.headers or {}), **_HEADERS}
    response = case.call()
    assert response.status_code != 401, response.text  # the key reaches the route
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)

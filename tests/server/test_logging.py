"""The access log never holds a key, a header or a secret query value."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from tests.server.conftest import make_client, record, register


def test_no_key_in_logs(
    service: Any, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with make_client(service, keys["admin"]) as client:
        register(client)
        client.post("/v1/models/churn/predictions", json={"version": "v1", "records": [record(0)]})
        client.get("/v1/models?api_key=" + keys["read"] + "&token=" + keys["ingest"])
        client.get("/v1/models", headers={"Authorization": "Bearer " + keys["read"] + "x"})
        client.get("/v1/models/nope")
    access = [r for r in caplog.records if r.name == "watchkeeper.server.access"]
    assert len(access) >= 6
    assert any("/v1/models?api_key=%2A%2A%2A" in r.getMessage() for r in access)
    # The client side (httpx's own logger) prints the URLs it was given; the server's do not.
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    text = "\n".join(r.getMessage() for r in server)
    for key in keys.values():
        assert key not in text
    assert "Bearer" not in text

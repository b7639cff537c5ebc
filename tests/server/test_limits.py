"""The body-size limit: by Content-Length and while streaming, always a 413 that says why."""

from __future__ import annotations

from collections.abc import Iterator

from tests.server.conftest import make_client, record, register

from watchkeeper.service import MonitoringService


def test_declared_length_over_the_limit_is_413(memory: MonitoringService) -> None:
    with make_client(memory, None, dev=True, max_body_bytes=1000) as client:
        register_small = client.post("/v1/models", json={"name": "churn", "task": "regression"})
        assert register_small.status_code == 201
        big = {"version": "v1", "records": [record(i) for i in range(50)]}
        answer = client.post("/v1/models/churn/predictions", json=big)
        assert answer.status_code == 413
        assert "1000 bytes" in answer.json()["detail"]
        assert "WATCHKEEPER_MAX_BODY_BYTES" in answer.json()["detail"]
        assert memory.list_windows("churn") == []  # nothing reached the store


def test_streamed_body_over_the_limit_is_413(memory: MonitoringService) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"version": "v1", "records": ['
        for _ in range(100):
            yield b'{"id": "x", "timestamp": "2024-05-01T12:00:00Z"},'
        yield b"{}]}"

    with make_client(memory, None, dev=True, max_body_bytes=1000) as client:
        client.post("/v1/models", json={"name": "churn", "task": "regression"})
        answer = client.post(
            "/v1/models/churn/predictions",
            content=chunks(),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == 413
        assert memory.list_windows("churn") == []
        # The server keeps serving.
        assert client.get("/v1/models").status_code == 200


def test_small_bodies_pass(memory: MonitoringService) -> None:
    with make_client(memory, None, dev=True) as client:
        register(client)
        answer = client.post(
            "/v1/models/churn/predictions", json={"version": "v1", "records": [record(0)]}
        )
        assert answer.status_code == 200

"""Malformed JSON, wrong types and NaN: 400/422 with a message, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.server.conftest import register

from watchkeeper.service import MonitoringService


@pytest.mark.parametrize(
    "body",
    [b"{", b"not json", b'{"name": "x", "task": "regression"', b"\xff\xfe", b'{"a": NaN}'],
)
def test_malformed_json_is_400(memory_client: TestClient, body: bytes) -> None:
    answer = memory_client.post(
        "/v1/models", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400, answer.text
    assert "not valid JSON" in answer.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/v1/models/churn/predictions", "/v1/models/churn/versions", "/v1/models/churn/labels"]
)
def test_malformed_json_on_hand_read_bodies_is_400(memory_client: TestClient, path: str) -> None:
    register(memory_client)
    answer = memory_client.post(
        path, content=b'{"version": ', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400, answer.text


def test_nan_in_a_label_is_400(memory_client: TestClient) -> None:
    register(memory_client)
    answer = memory_client.post(
        "/v1/models/churn/labels",
        content=b'{"labels": [{"id": "a", "label": NaN}]}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert "labels[0].label is NaN" in answer.json()["detail"]


def test_wrong_types_are_422_with_every_field(memory_client: TestClient) -> None:
    answer = memory_client.post("/v1/models", json={"name": ["x"], "task": 3})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"name", "task"}
    assert "and 1 more" in answer.json()["detail"]


def test_bad_path_names_are_422(memory_client: TestClient) -> None:
    assert memory_client.get("/v1/models/..%2Fetc").status_code in (404, 422)
    assert memory_client.get("/v1/models/" + "x" * 200).status_code == 422


def test_service_failure_is_a_500_without_details(
    memory_client: TestClient, memory: MonitoringService
) -> None:
    def broken() -> None:
        raise RuntimeError("secret connection string postgres://u:p@h")

    memory.list_models = broken  # type: ignore[method-assign]  # fault injection
    answer = memory_client.get("/v1/models")
    assert answer.status_code == 500
    assert "postgres://" not in answer.text

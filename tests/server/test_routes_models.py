"""Models and versions over HTTP: create, list, versions in three encodings, promote, rollback."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.testclient import TestClient
from tests.server.conftest import SCHEMA, register


def test_create_list_get_model(client: TestClient) -> None:
    body = {"name": "churn", "task": "binary_classification", "schema": SCHEMA}
    created = client.post("/v1/models", json=body)
    assert created.status_code == 201
    assert created.json()["name"] == "churn"
    assert created.json()["schema"] == SCHEMA
    assert client.post("/v1/models", json=body).status_code == 201  # identical: idempotent
    assert [m["name"] for m in client.get("/v1/models").json()["models"]] == ["churn"]
    assert client.get("/v1/models/churn").json()["task"] == "binary_classification"


def test_model_with_another_task_is_a_conflict(client: TestClient) -> None:
    client.post("/v1/models", json={"name": "churn", "task": "regression"})
    answer = client.post("/v1/models", json={"name": "churn", "task": "binary_classification"})
    assert answer.status_code == 409
    assert "churn" in answer.json()["detail"]


def test_bad_model_bodies_are_422_naming_the_field(client: TestClient) -> None:
    answer = client.post("/v1/models", json={"name": "churn", "task": "astrology"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "task"
    answer = client.post("/v1/models", json={"name": "bad name!", "task": "regression"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "name"
    answer = client.post("/v1/models", json={"name": 5, "task": "regression"})
    assert answer.status_code == 422
    answer = client.post("/v1/models", json={"name": "x", "task": "regression", "colour": 1})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "colour"


def test_unknown_model_is_404(client: TestClient) -> None:
    assert client.get("/v1/models/nope").status_code == 404
    assert client.get("/v1/models/nope/versions").status_code == 404
    answer = client.post("/v1/models/nope/versions", json={"version": "v1"})
    assert answer.status_code == 404
    assert "nope" in answer.json()["detail"]


def test_versions_promote_and_rollback(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/churn/versions", json={"version": "v2", "baseline": {"f1": 0.8}}
    )
    assert answer.status_code == 201
    assert answer.json()["active"] is False
    assert answer.json()["baseline"] == {"f1": 0.8}
    promoted = client.post("/v1/models/churn/versions/v2/promote")
    assert promoted.status_code == 200
    assert promoted.json()["active"] is True
    assert client.get("/v1/models/churn").json()["active_version"] == "v2"
    rolled = client.post("/v1/models/churn/rollback")
    assert rolled.status_code == 200
    assert rolled.json()["version"] == "v1"
    versions = {v["version"]: v for v in client.get("/v1/models/churn/versions").json()["versions"]}
    assert versions["v1"]["active"] and not versions["v2"]["active"]
    assert versions["v1"]["has_reference"] and not versions["v2"]["has_reference"]
    assert client.post("/v1/models/churn/versions/v9/promote").status_code == 404


def _reference() -> pa.Table:
    return pa.table(
        {"age": [30.0, 41.0, 52.0], "plan": ["basic", "pro", "pro"], "active": [True, False, True]}
    )


def test_version_reference_as_parquet_and_arrow_bodies(client: TestClient) -> None:
    register(client)
    sink = io.BytesIO()
    pq.write_table(_reference(), sink)
    answer = client.post(
        "/v1/models/churn/versions?version=v2",
        content=sink.getvalue(),
        headers={"Content-Type": "application/vnd.apache.parquet"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["has_reference"] is True
    stream = pa.BufferOutputStream()
    with pa.ipc.new_stream(stream, _reference().schema) as writer:
        writer.write_table(_reference())
    answer = client.post(
        "/v1/models/churn/versions?version=v3&activate=true",
        content=stream.getvalue().to_pybytes(),
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["active"] is True
    no_version = client.post(
        "/v1/models/churn/versions",
        content=sink.getvalue(),
        headers={"Content-Type": "application/x-parquet"},
    )
    assert no_version.status_code == 422
    assert "?version=" in no_version.json()["detail"]


def test_version_reference_as_multipart_upload(client: TestClient) -> None:
    register(client)
    sink = io.BytesIO()
    pq.write_table(_reference(), sink)
    answer = client.post(
        "/v1/models/churn/versions",
        data={"version": "v2", "activate": "true", "baseline": '{"accuracy": 0.9}'},
        files={"reference": ("ref.parquet", sink.getvalue(), "application/octet-stream")},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["active"] is True
    assert answer.json()["baseline"] == {"accuracy": 0.9}


def test_corrupt_reference_upload_is_422(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/churn/versions?version=v2",
        content=b"PAR1 not really",
        headers={"Content-Type": "application/vnd.apache.parquet"},
    )
    assert answer.status_code == 422
    assert "parquet" in answer.json()["detail"]


def test_reference_rows_mixing_types_are_422(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/churn/versions",
        json={"version": "v2", "reference": [{"age": 1.0}, {"age": "old"}]},
    )
    assert answer.status_code == 422
    assert "reference" in answer.json()["detail"]


def test_unsupported_content_type_is_415(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/churn/versions", content=b"v2", headers={"Content-Type": "text/plain"}
    )
    assert answer.status_code == 415

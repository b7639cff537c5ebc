"""Ingestion over HTTP: JSON, Arrow and parquet bodies, per-record errors, labels, host metrics."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from tests.server.conftest import record, register

from watchkeeper.service import MonitoringService
from watchkeeper.service._ingest import NOT_FINITE


def _post(client: TestClient, records: list[dict[str, Any]], version: str = "v1") -> Any:
    return client.post(
        "/v1/models/churn/predictions", json={"version": version, "records": records}
    )


def test_json_batch_is_stored_and_idempotent(client: TestClient) -> None:
    register(client)
    answer = _post(client, [record(i) for i in range(10)])
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"accepted": 10, "duplicates": 0, "rejected": []}
    again = _post(client, [record(i) for i in range(5, 15)])
    assert again.json() == {"accepted": 5, "duplicates": 5, "rejected": []}


def test_bad_records_are_rejected_one_by_one(client: TestClient) -> None:
    register(client)
    records = [
        record(0),
        record(1, features={"agee": 3}),
        record(2, timestamp="2024-05-01T12:00:00"),
        record(3, features={"age": "old"}),
        record(4, id=""),
        record(5, latency_ms=-1),
        record(6, score={"yes": 0.2}),
        record(7, colour="red"),
        record(8),
    ]
    answer = _post(client, records)
    assert answer.status_code == 200
    body = answer.json()
    assert body["accepted"] == 2
    fields = {error["index"]: error["field"] for error in body["rejected"]}
    assert fields == {
        1: "features.agee",
        2: "timestamp",
        3: "features.age",
        4: "id",
        5: "latency_ms",
        6: "score",
        7: "colour",
    }
    unknown = body["rejected"][0]
    assert unknown["id"] == "r-1"
    assert "not in model 'churn'" in unknown["message"] and "age" in unknown["message"]


def test_unknown_feature_alone_is_422_naming_record_and_field(client: TestClient) -> None:
    register(client)
    answer = _post(client, [record(0, features={"agee": 3})])
    assert answer.status_code == 422
    body = answer.json()
    assert "record 0" in body["detail"] and "'r-0'" in body["detail"]
    assert "features.agee" in body["detail"]
    assert body["errors"][0]["field"] == "features.agee"


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_rejected_per_record(client: TestClient, token: str) -> None:
    register(client)
    good = '{"id": "a", "timestamp": "2024-05-01T12:00:00Z", "features": {"age": 1}}'
    bad = good.replace('"a"', '"b"').replace('"age": 1', f'"age": {token}')
    answer = client.post(
        "/v1/models/churn/predictions",
        content=f'{{"version": "v1", "records": [{good}, {bad}]}}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json()["accepted"] == 1
    assert answer.json()["rejected"][0]["field"] == "features.age"
    assert answer.json()["rejected"][0]["message"] == NOT_FINITE


def test_envelope_problems_are_422(client: TestClient) -> None:
    register(client)
    assert _post(client, []).status_code == 422
    assert client.post("/v1/models/churn/predictions", json=[record(0)]).status_code == 422
    assert (
        client.post("/v1/models/churn/predictions", json={"records": [record(0)]}).status_code
        == 422
    )
    answer = client.post(
        "/v1/models/churn/predictions", json={"version": "v1", "records": [], "x": 1}
    )
    assert answer.status_code == 422


def test_unknown_model_and_version_are_404(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/nope/predictions", json={"version": "v1", "records": [record(0)]}
    )
    assert answer.status_code == 404
    assert _post(client, [record(0)], version="v9").status_code == 404


def _arrow_table(n: int, start: int = 0) -> pa.Table:
    stamps = [datetime(2024, 5, 1, 12, tzinfo=UTC)] * n
    return pa.table(
        {
            "id": [f"a-{i}" for i in range(start, start + n)],
            "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
            "features": pa.array(
                [{"age": 30.0 + i, "plan": "pro", "active": True} for i in range(n)]
            ),
            "prediction": pa.array([1] * n, pa.int64()),
            "score": pa.array([0.5] * n),
            "latency_ms": pa.array([3.0] * n),
            "segment": pa.array([{"region": "eu"}] * n),
        }
    )


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def test_arrow_and_parquet_bodies(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/churn/predictions?version=v1",
        content=_ipc(_arrow_table(20)),
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"accepted": 20, "duplicates": 0, "rejected": []}
    sink = io.BytesIO()
    pq.write_table(_arrow_table(20, start=10), sink)
    answer = client.post(
        "/v1/models/churn/predictions?version=v1",
        content=sink.getvalue(),
        headers={"Content-Type": "application/vnd.apache.parquet"},
    )
    assert answer.json() == {"accepted": 10, "duplicates": 10, "rejected": []}


def _stored(service: MonitoringService, ids: list[str]) -> dict[str, list[Any]]:
    model = service.store.get_model("churn")
    assert model is not None
    return service.store.records_by_id(model.id, ids)


def test_arrow_layout_reaches_the_service(
    memory: MonitoringService, memory_client: TestClient
) -> None:
    register(memory_client)
    memory_client.post(
        "/v1/models/churn/predictions?version=v1",
        content=_ipc(_arrow_table(3)),
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    stored = _stored(memory, ["a-0", "a-1", "a-2"])
    assert stored["prediction"] == ["1", "1", "1"]
    assert stored["score"] == [0.5, 0.5, 0.5] and stored["latency_ms"] == [3.0, 3.0, 3.0]
    closed = memory.close_windows("churn", now=datetime(2024, 5, 2, tzinfo=UTC))
    assert {(w.segment, w.n_records) for w in closed} == {(None, 3), ("region=eu", 3)}
    profile = memory.window_profile("churn", "v1", closed[0].start)
    assert profile is not None
    assert {"age", "plan", "active"} <= set(profile.columns)


def test_json_layout_reaches_the_service(
    memory: MonitoringService, memory_client: TestClient
) -> None:
    register(memory_client)
    memory_client.post(
        "/v1/models/churn/predictions",
        json={"version": "v1", "records": [record(0, score={"no": 0.3, "yes": 0.7})]},
    )
    stored = _stored(memory, ["r-0"])
    assert json.loads(stored["scores"][0]) == {"no": 0.3, "yes": 0.7}
    assert stored["prediction"] == ["1"]
    closed = memory.close_windows("churn", now=datetime(2024, 5, 2, tzinfo=UTC))
    assert {(w.segment, w.start) for w in closed} == {
        (None, datetime(2024, 5, 1, 12, tzinfo=UTC)),
        ("region=eu", datetime(2024, 5, 1, 12, tzinfo=UTC)),
    }


def test_service_rejections_keep_request_indices(memory_client: TestClient) -> None:
    register(memory_client)
    records = [record(0, features={"bogus": 1}), record(1), record(2, prediction="reject-me")]
    answer = _post(memory_client, records)
    assert answer.json()["accepted"] == 1
    assert [e["index"] for e in answer.json()["rejected"]] == [0, 2]


def test_arrow_nan_rows_are_rejected_and_naive_timestamps_refused(client: TestClient) -> None:
    register(client)
    table = _arrow_table(3)
    table = table.set_column(
        table.column_names.index("latency_ms"), "latency_ms", pa.array([1.0, float("nan"), 2.0])
    )
    answer = client.post(
        "/v1/models/churn/predictions?version=v1",
        content=_ipc(table),
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.json()["accepted"] == 2
    assert answer.json()["rejected"] == [
        {
            "index": 1,
            "id": "a-1",
            "field": "latency_ms",
            "message": answer.json()["rejected"][0]["message"],
        }
    ]
    naive = _arrow_table(2).set_column(
        1, "timestamp", pa.array([datetime(2024, 5, 1)] * 2, pa.timestamp("us"))
    )
    answer = client.post(
        "/v1/models/churn/predictions?version=v1",
        content=_ipc(naive),
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.status_code == 422
    assert "time zone" in answer.json()["detail"]


def test_garbage_arrow_body_is_422(client: TestClient) -> None:
    register(client)
    answer = client.post(
        "/v1/models/churn/predictions?version=v1",
        content=b"\x00\x01garbage",
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.status_code == 422
    assert "Arrow IPC" in answer.json()["detail"]


def test_labels_with_unknown_ids_are_listed(client: TestClient) -> None:
    register(client)
    _post(client, [record(i) for i in range(3)])
    answer = client.post(
        "/v1/models/churn/labels",
        json={
            "labels": [
                {"id": "r-0", "label": 1},
                {"id": "r-1", "label": 0},
                {"id": "ghost", "label": 1},
            ]
        },
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "accepted": 2,
        "duplicates": 0,
        "unknown_ids": ["ghost"],
        "n_unknown": 1,
    }


def test_bad_labels_are_422(client: TestClient) -> None:
    register(client)
    assert client.post("/v1/models/churn/labels", json={"labels": []}).status_code == 422
    answer = client.post("/v1/models/churn/labels", json={"labels": [{"id": "a", "label": [1]}]})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].startswith("labels[0].label")
    assert (
        client.post(
            "/v1/models/nope/labels", json={"labels": [{"id": "a", "label": 1}]}
        ).status_code
        == 404
    )


def test_host_metrics(client: TestClient) -> None:
    register(client)
    point = {
        "timestamp": "2024-05-01T12:00:00Z",
        "cpu_percent": 12.5,
        "memory_bytes": 1e8,
        "dropped": 0,
    }
    answer = client.post("/v1/models/churn/host-metrics", json={"version": "v1", "points": [point]})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"accepted": 1}
    bad = {**point, "cpu_percent": -1}
    answer = client.post("/v1/models/churn/host-metrics", json={"version": "v1", "points": [bad]})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "points[0].cpu_percent"


def test_json_and_arrow_bodies_get_the_same_words(memory_client: TestClient) -> None:
    """One validator: the same bad values say the same thing whatever the body's format."""
    register(memory_client)
    stamp = datetime(2024, 5, 1, 12, tzinfo=UTC)
    json_answer = memory_client.post(
        "/v1/models/churn/predictions",
        content=(
            '{"version": "v1", "records": ['
            '{"id": "j0", "timestamp": "2024-05-01T12:00:00Z", "features": {"age": NaN}},'
            '{"id": "j1", "timestamp": "2024-05-01T12:00:00Z", "features": {"agee": 1}},'
            '{"id": "j2", "timestamp": "2024-05-01T12:00:00Z", "latency_ms": -1}]}'
        ),
        headers={"Content-Type": "application/json"},
    ).json()
    table = pa.table(
        {
            "id": ["a0", "a1", "a2"],
            "timestamp": pa.array([stamp] * 3, pa.timestamp("us", tz="UTC")),
            "feature.age": [math.nan, None, None],
            "feature.agee": [None, 1.0, None],
            "latency_ms": [None, None, -1.0],
        }
    )
    arrow_answer = memory_client.post(
        "/v1/models/churn/predictions?version=v1",
        content=_ipc(table),
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    ).json()
    words = [e["message"] for e in json_answer["rejected"]]
    assert words == [e["message"] for e in arrow_answer["rejected"]]
    assert words[0] == NOT_FINITE
    # The request's own names: features.<name> in JSON, feature.<name> in Arrow.
    assert [e["field"] for e in json_answer["rejected"]] == [
        "features.age",
        "features.agee",
        "latency_ms",
    ]
    assert [e["field"] for e in arrow_answer["rejected"]] == [
        "feature.age",
        "feature.agee",
        "latency_ms",
    ]

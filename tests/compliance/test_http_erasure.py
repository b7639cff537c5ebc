"""Erasure through HTTP, on SQLite and PostgreSQL: a subject's records (found by the
hashed subject column) and records named by id are gone from every table, the closed
windows they were in are recomputed from what remains, and the erasure is audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sklearn.metrics import accuracy_score

from watchkeeper.compliance import hash_value
from watchkeeper.server import create_app
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

KEY = b"a 32-byte server secret for PII."
T = datetime(2024, 5, 1, 12, tzinfo=UTC)
JANE = "jane.doe@example.org"
SCHEMA = {
    "features": {"email": {"kind": "categorical", "pii": "hash"}, "age": "numeric"},
    "subject": "email",
}
N = 30


def _email(i: int) -> str:
    return JANE if i % 3 == 0 else f"user{i}@example.org"


def _truth(i: int) -> int:
    return (i * 7) % 2


def _prediction(i: int) -> int:
    return 1 if i % 4 else 0


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[MonitoringService, TestClient]]:
    settings = Settings(database_url=database_url, tick_seconds=0, pii_key=KEY)
    service = MonitoringService(Store(database_url), settings)
    _, admin = service.create_api_key(["admin"], name="dpo")
    app = create_app(service, settings)
    with TestClient(
        app, base_url="http://localhost", headers={"Authorization": f"Bearer {admin}"}
    ) as client:
        model = {"name": "m", "task": "binary_classification", "schema": SCHEMA}
        assert client.post("/v1/models", json=model).status_code == 201
        reference = [{"email": _email(i), "age": float(i)} for i in range(60)]
        version = {"version": "v1", "reference": reference, "activate": True}
        assert client.post("/v1/models/m/versions", json=version).status_code == 201
        records = [
            {
                "id": f"r{i}",
                # Two one-hour windows: 12:00 and 13:00.
                "timestamp": (T + timedelta(minutes=4 * i)).isoformat(),
                "features": {"email": _email(i), "age": float(i)},
                "prediction": _prediction(i),
            }
            for i in range(N)
        ]
        sent = client.post("/v1/models/m/predictions", json={"version": "v1", "records": records})
        assert sent.json()["accepted"] == N, sent.text
        labels = [{"id": f"r{i}", "label": _truth(i)} for i in range(N)]
        assert client.post("/v1/models/m/labels", json={"labels": labels}).status_code == 200
        now = {"now": (T + timedelta(days=1)).isoformat()}
        assert client.post("/v1/models/m/windows/close", json=now).status_code == 200
        yield service, client
    service.store.close()


def _whole_windows(client: TestClient) -> dict[str, dict[str, Any]]:
    windows = client.get("/v1/models/m/windows").json()["windows"]
    return {w["start"]: w for w in windows if not w.get("segment")}


def _expected(kept: list[int]) -> dict[str, tuple[int, float]]:
    """Rows and accuracy per window start, by hand, over the records ``kept``."""
    out: dict[str, tuple[int, float]] = {}
    for hour in (0, 1):
        rows = [i for i in kept if (4 * i) // 60 == hour]
        start = (T + timedelta(hours=hour)).isoformat().replace("+00:00", "Z")
        accuracy = accuracy_score([_truth(i) for i in rows], [_prediction(i) for i in rows])
        out[start] = (len(rows), float(accuracy))
    return out


def _check_windows(client: TestClient, kept: list[int]) -> None:
    windows = _whole_windows(client)
    for start, (rows, accuracy) in _expected(kept).items():
        window = next(w for s, w in windows.items() if s.replace("+00:00", "Z") == start)
        assert window["n_records"] == rows
        assert window["metrics"]["row_count"] == rows
        assert window["metrics"]["accuracy"] == pytest.approx(accuracy)
        assert window["n_labels"] == rows  # every record was labelled


def test_erasing_a_subject_removes_every_trace_and_recomputes(served) -> None:  # type: ignore[no-untyped-def]
    service, client = served
    _check_windows(client, list(range(N)))
    jane = [i for i in range(N) if _email(i) == JANE]
    answer = client.delete("/v1/models/m/records", params={"subject": JANE})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["records"] == len(jane) == 10
    assert result["recomputed"] >= 2 and len(result["windows"]) == 2
    kept = [i for i in range(N) if i not in jane]
    _check_windows(client, kept)
    store = service.store
    model = store.get_model("m")
    assert store.records_by_id(model.id, [f"r{i}" for i in jane])["record_id"] == []
    assert len(store.records_by_id(model.id, [f"r{i}" for i in kept])["record_id"]) == len(kept)
    stored = b"".join(
        blob
        for h in (0, 1)
        for blob in store.window_blobs(
            model.id, model.active_version_id, int((T + timedelta(hours=h)).timestamp() * 1e6)
        )
    )
    assert hash_value(JANE, KEY).encode() not in stored
    assert b"r3" not in stored and b"r4" in stored
    assert not any(w.needs_recompute for w in store.list_windows(model.id))
    # The erasure is audited with its actor, without the subject's value in clear.
    (entry,) = service.list_audit(action="records.erase")
    assert entry.actor_name == "dpo" and entry.model == "m"
    assert entry.after["records"] == 10 and entry.after["subject_hash"] == hash_value(JANE, KEY)
    assert JANE not in str(entry.to_dict())
    assert service.verify_audit().ok


def test_erasing_by_ids(served) -> None:  # type: ignore[no-untyped-def]
    _, client = served
    answer = client.delete("/v1/models/m/records", params={"ids": "r1,r2,r29,nope"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["records"] == 3
    _check_windows(client, [i for i in range(N) if i not in (1, 2, 29)])
    again = client.delete("/v1/models/m/records", params={"ids": "r1"}).json()
    assert (again["records"], again["windows"]) == (0, [])


def test_erasure_needs_a_target_and_a_declared_subject(served) -> None:  # type: ignore[no-untyped-def]
    _, client = served
    assert client.delete("/v1/models/m/records").status_code == 422
    plain = {"name": "p", "task": "regression", "schema": {"age": "numeric"}}
    assert client.post("/v1/models", json=plain).status_code == 201
    answer = client.delete("/v1/models/p/records", params={"subject": "x"})
    assert answer.status_code == 422
    assert "declares no subject column" in answer.json()["detail"]
    assert client.delete("/v1/models/nope/records", params={"ids": "a"}).status_code == 404

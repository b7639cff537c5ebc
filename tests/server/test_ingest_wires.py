"""The SDK's two record-mode wires store the same rows: the same predictions posted as
an Arrow IPC batch to one model and as JSON to another leave equal records and equal
feature blobs in the store (the real app on the real service on a SQLite file)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from watchkeeper.client._arrow import ARROW_MEDIA_TYPE, encode_arrow
from watchkeeper.client._encode import PREDICTION, dumps, encode_prediction
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._ingest import ipc_to_table
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store
from watchkeeper.store._tables import models, records, window_data

SCHEMA = {
    "features": {"age": "numeric", "plan": "categorical", "member": "boolean", "tenure": "numeric"}
}


def _items(model: str, n: int, seed: int = 7) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        features: dict[str, Any] = {
            "age": rng.choice([None, rng.uniform(18, 90), rng.randint(18, 90)]),
            "plan": rng.choice([None, "free", "gold", "é"]),
            "member": rng.choice([None, True, False]),
            "tenure": rng.randint(0, 40),
        }
        score = {"yes": rng.random(), "no": rng.choice([None, rng.random()])}
        segment = rng.choice([None, {"region": rng.choice(["eu", "us"])}])
        stamp = 1714564800 + rng.uniform(0, 7200)  # two hours of event time
        latency = rng.choice([None, rng.uniform(0, 50)])
        out.append((PREDICTION, model, "v1", f"r{i}", stamp, features, rng.randint(0, 1),
                    score, latency, rng.random() < 0.1, segment))  # fmt: skip
    return out


def _stored(service: MonitoringService, model: str) -> tuple[list[Any], pa.Table]:
    engine = service.store.engine
    with engine.connect() as connection:
        model_id = connection.execute(select(models.c.id).where(models.c.name == model)).scalar()
        columns = [records.c[name] for name in ("record_id", "ts", "window_start", "segment",
                                                "prediction", "score", "scores", "latency_ms",
                                                "error")]  # fmt: skip
        rows = connection.execute(
            select(*columns).where(records.c.model_id == model_id).order_by(records.c.record_id)
        ).all()
        blobs = connection.execute(
            select(window_data.c.data).where(window_data.c.model_id == model_id)
        ).scalars()
        features = ipc_to_table([bytes(blob) for blob in blobs])
    assert features is not None
    features = features.select(sorted(features.column_names)).sort_by("id")
    return [tuple(row) for row in rows], features


@pytest.fixture
def app_service(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    yield service
    service.store.close()


def test_arrow_and_json_wires_store_the_same_rows(app_service: MonitoringService) -> None:
    key = app_service.create_api_key(["ingest"], name="sdk")[1]
    client = TestClient(
        create_app(app_service, app_service.settings),
        base_url="http://localhost",
        headers={"Authorization": f"Bearer {key}"},
    )
    for model in ("by_arrow", "by_json"):
        app_service.create_model(model, "binary_classification", SCHEMA)
        app_service.create_version(model, "v1", activate=True)
    arrow_items = _items("by_arrow", 300)
    body = encode_arrow(arrow_items)
    assert body is not None  # the Arrow wire is taken, not the JSON fallback
    answer = client.post(
        f"/v1/models/by_arrow/predictions?{urlencode({'version': 'v1'})}",
        content=body,
        headers={"Content-Type": ARROW_MEDIA_TYPE},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 300
    json_records = [encode_prediction(item) for item in _items("by_json", 300)]
    answer = client.post(
        "/v1/models/by_json/predictions",
        content=dumps({"version": "v1", "records": json_records}),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 300
    arrow_rows, arrow_features = _stored(app_service, "by_arrow")
    json_rows, json_features = _stored(app_service, "by_json")
    assert len(arrow_rows) == 300
    assert arrow_rows == json_rows
    assert arrow_features.equals(json_features)
    assert len({row[2] for row in arrow_rows}) > 1  # the batch spans windows

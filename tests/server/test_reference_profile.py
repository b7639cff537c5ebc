"""A version's reference may be a profile (.wkp) instead of the data itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
from fastapi.testclient import TestClient

from watchkeeper.profile import profile_source
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

SCHEMA = {"features": {"age": "numeric", "plan": "categorical"}}


def client_for(tmp_path: Path) -> tuple[TestClient, MonitoringService]:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    clock = [datetime(2024, 5, 2, tzinfo=UTC)]
    service = MonitoringService(Store(url), Settings(database_url=url), clock=lambda: clock[0])
    service.create_model("churn", "binary_classification", SCHEMA)
    app = create_app(service, Settings(database_url=url, dev=True, tick_seconds=0))
    return TestClient(app, base_url="http://localhost", raise_server_exceptions=False), service


def reference_profile_bytes(rng: np.random.Generator, n: int = 3000) -> bytes:
    data = {"age": rng.normal(40, 10, n), "plan": rng.choice(["basic", "pro"], n)}
    return profile_source(data).to_bytes()


def test_a_profile_body_makes_a_version_whose_windows_drift_against_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    client, service = client_for(tmp_path)
    answer = client.post(
        "/v1/models/churn/versions",
        params={"version": "v1", "activate": "true"},
        content=reference_profile_bytes(rng),
        headers={"Content-Type": "application/vnd.watchkeeper.profile"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["has_reference"] is True
    n = 400
    records = pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "timestamp": pa.array(
                [datetime(2024, 5, 1, 12, tzinfo=UTC)] * n, pa.timestamp("us", tz="UTC")
            ),
            "prediction": [i % 2 for i in range(n)],
            "feature.age": rng.normal(55, 10, n),
            "feature.plan": rng.choice(["basic", "pro"], n),
        }
    )
    service.ingest_predictions("churn", "v1", records)
    (window,) = service.close_windows("churn")
    assert window.metrics["drift_detected"]["age"] == 1
    assert window.metrics["drift_detected"]["plan"] == 0


def test_a_profile_uploaded_as_a_form_file_is_recognised_by_its_magic(tmp_path: Path) -> None:
    _, service = client_for(tmp_path)
    # A form post is what any site's page can send, so it needs a key (dev mode refuses it).
    key = service.create_api_key(["admin"], name="admin")[1]
    app = create_app(service, Settings(database_url=service.store.url, tick_seconds=0))
    client = TestClient(app, headers={"Authorization": f"Bearer {key}"})
    data = reference_profile_bytes(np.random.default_rng(6))
    answer = client.post(
        "/v1/models/churn/versions",
        data={"version": "v2"},
        files={"reference": ("reference.bin", data, "application/octet-stream")},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["has_reference"] is True


def test_bad_profiles_are_refused_with_the_reason(tmp_path: Path) -> None:
    client, _ = client_for(tmp_path)
    headers = {"Content-Type": "application/vnd.watchkeeper.profile"}
    broken = client.post(
        "/v1/models/churn/versions",
        params={"version": "v1"},
        content=b"not a profile",
        headers=headers,
    )
    assert broken.status_code == 422
    assert ".wkp" in broken.text
    partial = profile_source({"age": np.arange(100.0)}).to_bytes()
    missing = client.post(
        "/v1/models/churn/versions", params={"version": "v1"}, content=partial, headers=headers
    )
    assert missing.status_code == 422
    assert "plan" in missing.text

"""The server's own work: the config applied at start, windows closed on a tick."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
from fastapi.testclient import TestClient

from watchkeeper.server import create_app
from watchkeeper.server._background import run_tick
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

CONFIG = """\
version: 1
models:
  - name: churn
    task: binary_classification
    window: 1h
    schema:
      columns: {age: numeric}
monitors:
  - name: busy
    model: churn
    metric: row_count
    condition: {above: 1000}
"""


def records(start: datetime, n: int) -> pa.Table:
    return pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "timestamp": pa.array([start] * n, pa.timestamp("us", tz="UTC")),
            "prediction": [i % 2 for i in range(n)],
            "feature.age": [float(20 + i % 50) for i in range(n)],
        }
    )


def test_a_tick_closes_every_window_whose_end_has_passed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    clock = [datetime(2024, 5, 1, 15, tzinfo=UTC)]
    service = MonitoringService(Store(url), Settings(database_url=url), clock=lambda: clock[0])
    service.create_model("churn", "binary_classification", {"features": {"age": "numeric"}})
    service.create_version("churn", "v1", activate=True)
    service.ingest_predictions("churn", "v1", records(datetime(2024, 5, 1, 12, tzinfo=UTC), 50))
    assert run_tick(service)["closed"] == 1
    assert [w.status for w in service.list_windows("churn")] == ["closed"]
    assert run_tick(service)["closed"] == 0


def test_the_config_is_applied_when_the_server_starts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    service = MonitoringService(Store(url), Settings(database_url=url))
    config = tmp_path / "watchkeeper.yaml"
    config.write_text(CONFIG)
    settings = Settings(database_url=url, dev=True, config_path=str(config), tick_seconds=0)
    assert service.list_models() == []
    with TestClient(create_app(service, settings), base_url="http://localhost") as client:
        assert client.get("/healthz").status_code == 200
    assert [m.name for m in service.list_models()] == ["churn"]


def test_metric_series_honours_both_ends_of_the_time_range(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    clock = [datetime(2024, 5, 2, tzinfo=UTC)]
    service = MonitoringService(Store(url), Settings(database_url=url), clock=lambda: clock[0])
    service.create_model("churn", "binary_classification", {"features": {"age": "numeric"}})
    service.create_version("churn", "v1", activate=True)
    for hour in (10, 11, 12, 13):
        batch = records(datetime(2024, 5, 1, hour, tzinfo=UTC), 20)
        ids = pa.array([f"h{hour}-{i}" for i in range(20)])
        service.ingest_predictions("churn", "v1", batch.set_column(0, "id", ids))
    service.close_windows("churn")
    app = create_app(service, Settings(database_url=url, dev=True))
    with TestClient(app, base_url="http://localhost") as client:
        answer = client.get(
            "/v1/models/churn/metrics/row_count",
            params={"start": "2024-05-01T11:00:00Z", "end": "2024-05-01T13:00:00Z"},
        )
    assert answer.status_code == 200
    points = answer.json()
    points = points.get("points", points) if isinstance(points, dict) else points
    assert len(points) == 2

"""One batch with a fresh segment value per record used to make a window per value and
stall closing for every model (issue 13). Past 100 values per model, version and window
the records go to ``__other__``, counted in the answer; closing stays linear in records."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from tests._backends import BACKENDS, database_url

from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService
from watchkeeper.service._segment_cap import MAX_SEGMENTS, OTHER
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store

START = datetime(2024, 5, 1, 12, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MonitoringService]:
    with database_url(request.param, tmp_path) as url:
        real = MonitoringService(Store(url), Settings(database_url=url))
        real.create_model("churn", "binary_classification", {"x": "numeric"})
        real.create_version("churn", "v1", activate=True)
        yield real
        real.store.close()


def _ipc(n: int, prefix: str, users: list[str] | None = None) -> bytes:
    table = pa.table(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "timestamp": pa.array([START] * n, pa.timestamp("us", tz="UTC")),
            "feature.x": [float(i) for i in range(n)],
            "prediction": pa.array([i % 2 for i in range(n)], pa.int64()),
            "segment.user": users or [f"{prefix}-user-{i}" for i in range(n)],
        }
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _client(service: MonitoringService) -> TestClient:
    key = service.create_api_key(["admin"], name="admin")[1]
    app = create_app(service, Settings(tick_seconds=0, max_decoded_rows=10_000))
    return TestClient(app, headers={"Authorization": f"Bearer {key}"})


def _post(client: TestClient, body: bytes) -> dict[str, int]:
    answer = client.post(
        "/v1/models/churn/predictions?version=v1",
        content=body,
        headers={"Content-Type": "application/vnd.apache.arrow.stream"},
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, int] = answer.json()
    return result


def test_a_segment_per_record_is_folded_past_the_cap(service: MonitoringService) -> None:
    with _client(service) as client:
        # The most frequent values are kept: 'big' has 50 records, the others one each.
        users = ["big"] * 50 + [f"u{i}" for i in range(3950)]
        first = _post(client, _ipc(4000, "a", users))
        assert first["accepted"] == 4000
        assert first["segments_folded"] == 4000 - 50 - (MAX_SEGMENTS - 1)
        # A later batch into the same window: the window is full, every new value folds.
        second = _post(client, _ipc(10, "b"))
        assert second["segments_folded"] == 10
        # Values already there keep their window.
        third = _post(client, _ipc(3, "c", ["big", "u0", "big"]))
        assert "segments_folded" not in third
    model = service.store.get_model("churn")
    segments = {w.segment for w in service.store.list_windows(model.id, limit=10_000)}
    assert len(segments - {""}) == MAX_SEGMENTS + 1
    assert {"user=big", OTHER} <= segments


def _close_cpu(tmp_path: Path, n: int) -> float:
    url = f"sqlite:///{tmp_path / f'wk{n}.db'}"
    real = MonitoringService(Store(url), Settings(database_url=url))
    real.create_model("churn", "binary_classification", {"x": "numeric"})
    real.create_version("churn", "v1", activate=True)
    with _client(real) as client:
        _post(client, _ipc(n, f"n{n}-"))
    started = time.process_time()
    closed = real.close_windows("churn", now=datetime(2024, 5, 2, tzinfo=UTC))
    spent = time.process_time() - started
    assert len(closed) == MAX_SEGMENTS + 2  # the model-wide window, 100 values, __other__
    real.store.close()
    return spent


def test_closing_grows_linearly_with_the_batch_not_with_its_segments(tmp_path: Path) -> None:
    # 1,000 and 4,000 distinct values (one per record): before the cap, 4x the values
    # cost about 12x the time (218 s against 18.8 s). Now both close 102 windows.
    small, large = _close_cpu(tmp_path, 1000), _close_cpu(tmp_path, 4000)
    assert large < 4 * small + 0.5

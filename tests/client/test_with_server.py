"""The SDK against the real server (FastAPI on uvicorn, SQLite): the wire formats agree."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from watchkeeper.client import Client, monitor
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

uvicorn = pytest.importorskip("uvicorn")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, Any]]:
    """(url, ingest key, service) of a server on loopback."""
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    settings = Settings(database_url=url)
    service = MonitoringService(Store(url), settings)
    schema = {"age": "numeric", "plan": "categorical"}
    service.create_model("churn", "binary_classification", schema)
    service.create_version("churn", "v1", activate=True)
    key = service.create_api_key(["ingest"], name="sdk")[1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(service, settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", key, service
    server.should_exit = True
    thread.join(10)
    store = getattr(service, "store", None) or getattr(service, "_store", None)
    if store is not None:
        store.close()


def test_predictions_labels_and_host_metrics_are_accepted(
    live: tuple[str, str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    url, key, _ = live
    caplog.set_level(logging.WARNING, logger="watchkeeper.client")
    with Client(url, key, model="churn", version="v1", flush_interval=0.05) as client:

        @monitor(client)
        def predict(features: dict[str, Any]) -> int:
            return int(features["age"] > 40)

        ids: list[str] = []
        for age in (30.0, 50.0):
            predict({"age": age, "plan": "gold"})
            ids.extend(predict.last_ids())
        ids.append(
            client.log_prediction(
                {"age": np.float64(61.0), "plan": "free"},
                prediction=1,
                score=0.9,
                latency_ms=2.5,
                segment={"region": "eu"},
            )
        )
        client.log_prediction({"age": float("nan"), "plan": "free"}, prediction=0, score=0.4)
        assert client.flush(30)
        client.log_labels({ids[0]: 1, ids[1]: 1})
        client.log_prediction({"age": 1.0, "unknown_feature": 2.0}, prediction=0)
        assert client.flush(30)
        stats = client.stats
    assert stats.failed == 0, caplog.text
    assert stats.rejected == 1  # the unknown feature, refused one by one by the server
    assert stats.sent == 4 + 2  # four predictions and two labels
    assert any("unknown_feature" in message for message in caplog.messages)
    assert not any("host-metrics" in message for message in caplog.messages)  # accepted
    assert key not in caplog.text


def test_a_wrong_key_fails_without_retrying(
    live: tuple[str, str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    url = live[0]
    caplog.set_level(logging.WARNING, logger="watchkeeper.client")
    wrong = "wk_not_a_real_key_0123456789"
    with Client(url, wrong, model="churn", version="v1", host_metrics_interval=None) as client:
        client.log_prediction({"age": 3.0, "plan": "gold"})
        assert client.flush(30)
        stats = client.stats
    assert (stats.failed, stats.retried, stats.sent) == (1, 0, 0)
    assert len(caplog.messages) == 1 and "401" in caplog.messages[0]
    assert wrong not in caplog.text

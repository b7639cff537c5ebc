"""The demo exercises every monitor kind (issue 15): after ``python -m watchkeeper.demo
--no-serve`` its store serves the kinds' series on /metrics, and its alerts include
estimated performance, bias, attribution and concept drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from watchkeeper.demo import main
from watchkeeper.demo._live import START
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

SERIES = ("estimated_roc_auc", "demographic_parity_difference", "attribution_ndcg",
          "concept_drift", "score_mean")  # fmt: skip


@pytest.mark.slow
def test_the_demo_store_serves_every_kind(tmp_path: Path) -> None:
    assert main(["--output", str(tmp_path), "--days", "3", "--per-hour", "80", "--no-serve"]) == 0
    url = f"sqlite:///{tmp_path / 'watchkeeper.db'}"
    store = Store(url)
    try:
        service = MonitoringService(store, Settings(database_url=url))
        key = service.create_api_key(["read"], name="test")[1]
        client = TestClient(create_app(service, Settings(database_url=url)))
        text = client.get("/metrics", headers={"Authorization": f"Bearer {key}"}).text
        for name in SERIES:
            assert any(
                line.startswith(f"watchkeeper_{name}{{") and 'model="loans"' in line
                for line in text.splitlines()
            ), name
        alerts = {a.monitor: a for a in service.list_alerts(model="loans")}
        assert {"estimated-accuracy", "age-parity", "attribution-ranking", "concept-shift"} <= set(
            alerts
        )
        # The concept shift (the last day, from 06:00) is what the detector caught.
        assert alerts["concept-shift"].metric == "concept_drift"
        drifted = [p.window_start for p in service.metric_series("loans", "concept_drift")
                   if p.value == 1.0]  # fmt: skip
        assert [(t.day, t.hour) for t in drifted] == [(START.day + 2, 6)]
        # Estimates were drawn on the day without labels, where no realized series is.
        estimated = {p.window_start for p in service.metric_series("loans", "estimated_accuracy")}
        realized = {p.window_start for p in service.metric_series("loans", "accuracy")}
        assert estimated - realized, "no window with an estimate and no labels"
    finally:
        store.close()

"""The live half of the demo: the server on SQLite, a model whose traffic drifts and
degrades over simulated days, delayed labels, windows closed, alerts to a webhook.

Everything goes through the public surfaces: the YAML file is applied as
``watchkeeper apply`` does, traffic and labels are sent over HTTP with an API key, and
windows are closed with the admin endpoint (event time, so no waiting for the clock).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from watchkeeper.demo._batch import make_traffic
from watchkeeper.demo._receiver import WebhookReceiver
from watchkeeper.demo._scenario import with_attributions, with_scenario

__all__ = ["LiveDemo", "pick_port"]

START = datetime(2026, 11, 1, tzinfo=UTC)
SECRET_ENV = "WATCHKEEPER_DEMO_WEBHOOK_SECRET"
FEATURES = ("income", "age", "debt_ratio", "channel", "age_band")

CONFIG = """\
# Written by the demo: monitors as code for the simulated loan model.
version: 1
models:
  - name: loans
    task: binary_classification
    window: 6h
    reference: reference.parquet
    schema:
      columns:
        income: numeric
        age: numeric
        debt_ratio: numeric
        channel: categorical
        age_band: categorical
      sensitive: [age_band]
      target: target
      prediction: prediction
      scores: [score]
      id: application_id
      segments: [region]
    versions:
      - name: v1
        reference: reference.parquet
        active: true
monitors:
  - name: feature-drift
    model: loans
    metric: drift_detected
    columns: [income, age, debt_ratio, channel]
    condition: {{above: 0.5}}
    severity: warning
    min_samples: 200
    cooldown: 6h
    channels: [demo-webhook]
  - name: accuracy-floor
    model: loans
    metric: accuracy
    condition: {{below: 0.70}}
    severity: critical
    min_samples: 200
    cooldown: 6h
    channels: [demo-webhook]
  - name: missing-debt-ratio
    model: loans
    metric: missing_share
    columns: [debt_ratio]
    condition: {{above: 0.03}}
    severity: warning
    min_samples: 200
    channels: [demo-webhook]
  - name: slow-predictions
    model: loans
    metric: latency_p95_ms
    condition: {{above: 80}}
    severity: warning
    min_samples: 200
    channels: [demo-webhook]
  # the monitor kinds (issue 15): estimated performance, bias, attributions, concept drift
  - name: estimated-accuracy
    model: loans
    metric: estimated_accuracy
    condition: {{below: 0.65}}
    severity: warning
    min_samples: 200
    channels: [demo-webhook]
  - name: age-parity
    model: loans
    metric: demographic_parity_difference
    columns: [age_band]
    condition: {{above: 0.2}}
    severity: warning
    min_samples: 200
    channels: [demo-webhook]
  - name: attribution-ranking
    model: loans
    metric: attribution_ndcg
    condition: {{below: 0.99}}  # two attributed features: a swap costs little NDCG
    severity: warning
    min_samples: 200
    channels: [demo-webhook]
  - name: concept-shift
    model: loans
    metric: concept_drift
    condition: {{above: 0.5}}
    severity: critical
    channels: [demo-webhook]
channels:
  - name: demo-webhook
    type: webhook
    settings:
      url: {url}
      secret_env: {secret_env}
"""


def pick_port(first: int = 8000, *, tries: int = 100) -> int:
    """``first`` when it is free on 127.0.0.1, else the next free port after it.

    >>> 1024 <= pick_port(8000) < 8100
    True
    """
    for port in range(first, first + tries):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}..{first + tries - 1}; pass --port")


def _records(
    day: int, hour: int, n: int, level: float, seed: int, *, shift: bool = False,
    marginal: bool = False,
) -> Iterator[dict[str, Any]]:  # fmt: skip
    traffic = make_traffic(n, drifted=level, seed=seed)
    table = with_scenario(
        traffic, level=level, concept_shift=shift, marginal=marginal, seed=seed
    ).to_pylist()
    rng = np.random.default_rng(seed)
    latency = rng.gamma(4.0, 8.0 + 30.0 * level, n)
    at = START + timedelta(days=day, hours=hour)
    for i, row in enumerate(table):
        yield {
            "id": f"d{day}h{hour}-{i}",
            "timestamp": (at + timedelta(seconds=int(i * 3600 / n))).isoformat(),
            "features": {name: _json_value(row[name]) for name in FEATURES},
            "prediction": row["prediction"],
            "score": row["score"],
            "latency_ms": float(latency[i]),
            "segment": {"region": row["region"]},
            "attributions": {
                name: _json_value(row[f"attribution.{name}"]) for name in ("income", "debt_ratio")
            },
            "label": row["target"],
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None  # JSON has no NaN: a missing value is null
    return value


class LiveDemo:
    """Runs the server in a thread and drives it like a production client would."""

    def __init__(
        self, folder: Path, *, days: int = 4, per_hour: int = 120, port: int = 8000
    ) -> None:
        self.folder = folder
        self.days = days
        self.per_hour = per_hour
        self.port = pick_port(port)
        self.base = f"http://127.0.0.1:{self.port}"
        self.secret = os.urandom(16).hex()
        self.receiver = WebhookReceiver(folder / "alerts.jsonl", self.secret)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.key = ""

    def start(self) -> None:
        import uvicorn

        from watchkeeper.server import create_app
        from watchkeeper.service import MonitoringService, Settings
        from watchkeeper.service.config import load_config
        from watchkeeper.store import Store

        self.receiver.start()
        os.environ[SECRET_ENV] = self.secret
        database = self.folder / "watchkeeper.db"
        for leftover in self.folder.glob("watchkeeper.db*"):
            leftover.unlink()
        (self.folder / "alerts.jsonl").unlink(missing_ok=True)
        pq.write_table(
            with_attributions(make_traffic(20_000, drifted=False, seed=11)),
            self.folder / "reference.parquet",
        )
        config_path = self.folder / "watchkeeper.yaml"
        config_path.write_text(CONFIG.format(url=self.receiver.url, secret_env=SECRET_ENV))
        url = f"sqlite:///{database}"
        settings = Settings(database_url=url, tick_seconds=0)
        service = MonitoringService(Store(url), settings)
        service.apply_config(load_config(config_path))
        _, self.key = service.create_api_key(["admin"], name="demo")
        app = create_app(service, settings)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not getattr(self._server, "started", False):
            if time.monotonic() > deadline:
                raise RuntimeError("the demo server did not start within 20 s")
            time.sleep(0.05)

    def simulate(self) -> dict[str, Any]:
        """Traffic for ``days`` simulated days; drift starts on the second day, whose
        labels never arrive (from three days on); the last day's approval rule tightens
        at 06:00 (a concept shift)."""
        import httpx

        headers = {"Authorization": f"Bearer {self.key}"}
        pending: list[tuple[int, list[dict[str, Any]]]] = []
        sent = 0
        with httpx.Client(base_url=self.base, headers=headers, timeout=60) as client:
            for day in range(self.days):
                level = min(max(day - 0.5, 0.0) / max(self.days - 1.5, 1.0), 1.0)
                for hour in range(24):
                    seed = 1000 + day * 24 + hour
                    outage = day == 1 and self.days >= 3
                    shift = day == self.days - 1 and hour >= 6
                    records = list(
                        _records(day, hour, self.per_hour, level, seed, shift=shift,
                                 marginal=outage)
                    )  # fmt: skip
                    labels = [{"id": r["id"], "label": r.pop("label")} for r in records]
                    if outage:  # the label pipeline is down all day: estimates only
                        labels = []
                    answer = client.post(
                        "/v1/models/loans/predictions", json={"version": "v1", "records": records}
                    )
                    answer.raise_for_status()
                    sent += answer.json()["accepted"]
                    # Ground truth arrives three hours after the predictions.
                    pending.append((day * 24 + hour + 3, labels))
                    due = [batch for at, batch in pending if at <= day * 24 + hour]
                    pending = [(at, batch) for at, batch in pending if at > day * 24 + hour]
                    for batch in due:
                        client.post("/v1/models/loans/labels", json={"labels": batch})
                end_of_day = START + timedelta(days=day + 1)
                client.post("/v1/models/loans/windows/close", json={"now": end_of_day.isoformat()})
            for _, batch in pending:
                client.post("/v1/models/loans/labels", json={"labels": batch})
            final = START + timedelta(days=self.days, hours=12)
            client.post("/v1/models/loans/windows/close", json={"now": final.isoformat()})
            windows = client.get("/v1/models/loans/windows").json()
            alerts = client.get("/v1/alerts", params={"model": "loans"}).json()
        return {"sent": sent, "windows": windows, "alerts": alerts}

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.receiver.stop()

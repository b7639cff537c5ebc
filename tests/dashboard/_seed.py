"""A small monitored world for the dashboard's tests: models, versions, closed windows
with drift, labels (so performance exists), host metrics, a monitor and firing alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper.service import MonitoringService, Settings
from watchkeeper.service._types import Condition, MonitorSpec, Severity
from watchkeeper.store import Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HOURS = 6
MODEL = "churn"
HOSTILE_MODEL = "<img src=x onerror=\"alert('m')\">&amp;"
HOSTILE_FEATURE = '"><img src=x onerror=alert(1)>'
SCHEMA = {"features": {"age": "numeric", "plan": "categorical", HOSTILE_FEATURE: "numeric"}}


def _batch(rng: np.random.Generator, hour: int, n: int, shift: float, prefix: str) -> pa.Table:
    stamps = [T0 + timedelta(hours=hour, seconds=int(s)) for s in rng.integers(0, 3600, n)]
    return pa.table(
        {
            "id": [f"{prefix}{hour}-{i}" for i in range(n)],
            "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
            "feature.age": rng.normal(40 + shift, 10, n),
            "feature.plan": rng.choice(["a", "b"], n),
            f"feature.{HOSTILE_FEATURE}": rng.normal(0, 1, n),
            "prediction": rng.integers(0, 2, n),
            "score": rng.random(n),
            "latency_ms": rng.gamma(2.0, 5.0, n),
            "segment.region": rng.choice(["eu", "us"], n),
        }
    )


def seed(service: MonitoringService, *, hours: int = HOURS) -> None:
    """Two models (one with a hostile name), two versions of ``churn``, drifting traffic."""
    rng = np.random.default_rng(7)
    reference = pa.table(
        {
            "age": rng.normal(40, 10, 600),
            "plan": rng.choice(["a", "b"], 600),
            HOSTILE_FEATURE: rng.normal(0, 1, 600),
        }
    )
    for name, span in ((MODEL, hours), (HOSTILE_MODEL, 2)):
        service.create_model(name, "binary_classification", SCHEMA)
        service.create_version(name, "v1", reference=reference, baseline={"accuracy": 0.5})
        service.create_version(name, "v2", reference=reference, activate=True)
        service.put_monitor(
            MonitorSpec(
                f"age-drift-{len(name)}",
                name,
                "drift_score",
                Condition("above", threshold=0.5),
                severity=Severity.CRITICAL,
                columns=("age",),
                min_samples=10,
            )
        )
        for hour in range(span):
            for version, shift in (("v1", 0.0), ("v2", 4.0 * hour)):
                batch = _batch(rng, hour, 60, shift, f"{version}-")
                service.ingest_predictions(name, version, batch)
                ids = batch.column("id").to_pylist()
                service.ingest_labels(name, [(i, int(rng.integers(0, 2))) for i in ids])
            service.ingest_host_metrics(
                name,
                "v2",
                [
                    {
                        "timestamp": (T0 + timedelta(hours=hour, minutes=10)).isoformat(),
                        "cpu_percent": float(rng.uniform(10, 60)),
                        "memory_bytes": float(rng.uniform(1e8, 2e8)),
                    }
                ],
            )
        service.close_windows(name, now=T0 + timedelta(hours=span))


def seeded_service(directory: Path) -> Any:
    url = f"sqlite:///{directory / 'dashboard.db'}"
    clock = lambda: T0 + timedelta(hours=HOURS + 1)  # noqa: E731
    service = MonitoringService(Store(url), Settings(database_url=url, tick_seconds=0), clock)
    seed(service)
    return service

"""A SQLite store populated through the MonitoringService: two versions, labelled traffic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

from watchkeeper.service import MonitoringService

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HOURS = 4
N = 400  # per version and hour
ACCURACY = {"v1": 0.80, "v2": 0.88}


def populate(service: MonitoringService, seed: int = 0) -> dict[str, tuple[int, int]]:
    """Two versions of a churn model, labelled traffic for four hours, windows closed.

    Returns each version's (right, labelled) counts, computed here from the raw rows.
    """
    rng = np.random.default_rng(seed)
    service.create_model("churn", "binary_classification", {"features": {"age": "numeric"}})
    service.create_version("churn", "v1", activate=True)
    service.create_version("churn", "v2")
    counts = {}
    for version, accuracy in ACCURACY.items():
        right = labelled = 0
        for hour in range(HOURS):
            truth = rng.integers(0, 2, N)
            predicted = np.where(rng.random(N) < accuracy, truth, 1 - truth)
            stamps = [T0 + timedelta(hours=hour, seconds=int(s)) for s in rng.integers(0, 3600, N)]
            ids = [f"{version}-{hour}-{i}" for i in range(N)]
            service.ingest_predictions(
                "churn",
                version,
                pa.table(
                    {
                        "id": ids,
                        "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                        "feature.age": rng.normal(40, 10, N),
                        "prediction": predicted,
                        "score": np.clip(truth * 0.4 + rng.random(N) * 0.6, 0, 1),
                        "latency_ms": rng.gamma(2.0, 5.0 if version == "v1" else 6.0, N),
                    }
                ),
            )
            # Labels arrive for 80% of the traffic.
            keep = rng.random(N) < 0.8
            service.ingest_labels("churn", [(ids[i], int(truth[i])) for i in np.flatnonzero(keep)])
            right += int((predicted == truth)[keep].sum())
            labelled += int(keep.sum())
        counts[version] = (right, labelled)
    service.close_windows("churn", now=T0 + timedelta(hours=HOURS))
    return counts

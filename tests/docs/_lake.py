"""A small lake of predictions and late labels, for the pages' Spark examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_lake(root: Path) -> None:
    """Predictions of two hours, and the late labels of most of them."""
    start = datetime(2026, 11, 1, 10, tzinfo=UTC)
    n = 400
    proba = [((i * 37) % 100) / 100 for i in range(n)]
    (root / "predictions").mkdir()
    (root / "labels").mkdir()
    predictions = {
        "id": list(range(n)),
        "ts": pa.array(
            [start + timedelta(seconds=18 * i) for i in range(n)], pa.timestamp("us", "UTC")
        ),
        "age": [20.0 + i % 50 for i in range(n)],
        "plan": [["gold", "silver", "basic"][i % 3] for i in range(n)],
        "region": [["eu", "us"][i % 2] for i in range(n)],
        "latency_ms": [3.0 + i % 7 for i in range(n)],
        "failed": [i % 50 == 0 for i in range(n)],
        "proba": proba,
        "pred": [int(p > 0.5) for p in proba],
    }
    pq.write_table(pa.table(predictions), root / "predictions" / "part-0.parquet")
    # Every third prediction has its label (both regions, both hours).
    labelled = range(0, n, 3)
    labels = {"id": list(labelled), "label": [int(proba[i] > 0.4) for i in labelled]}
    pq.write_table(pa.table(labels), root / "labels" / "part-0.parquet")

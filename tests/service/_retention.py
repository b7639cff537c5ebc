"""Traffic and a raw-record count for the retention tests (server-wide and per model)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
from sqlalchemy import func, select

from watchkeeper.store import Store
from watchkeeper.store._tables import records

T = datetime(2024, 5, 1, 12, tzinfo=UTC)


def batch(prefix: str, n: int) -> pa.Table:
    """``n`` predictions at ``T`` with ids ``{prefix}0`` ... ``{prefix}{n-1}``."""
    return pa.table(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "timestamp": pa.array([T] * n, pa.timestamp("us", tz="UTC")),
            "feature.x": [float(i) for i in range(n)],
            "prediction": [float(i % 3) for i in range(n)],
        }
    )


def raw_records(store: Store, model: str) -> int:
    """How many raw records of ``model`` the store still keeps."""
    row = store.get_model(model)
    assert row is not None
    with store.engine.connect() as connection:
        query = select(func.count()).select_from(records).where(records.c.model_id == row.id)
        return int(connection.execute(query).scalar_one())

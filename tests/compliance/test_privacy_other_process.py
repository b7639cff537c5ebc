"""A privacy declaration made by another process holds from the next batch on.

A running server caches its model rows; ``watchkeeper apply`` (or another worker) on
the same store changes them behind its back. Before, the server went on storing a
column in clear after another process had declared it ``pii: hash``, until it
restarted; docs/compliance.md promises the declarations are applied to every batch
before it is stored. Two services on one SQLite file stand for the two processes (each
has its own cache, as two processes do).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from watchkeeper import InputError
from watchkeeper.service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service.config import parse_config
from watchkeeper.store import Store

KEY = b"a-secret-of-sixteen-bytes-or-more"
PLAIN = """\
models:
  - name: churn
    task: binary_classification
    schema:
      columns:
        email: categorical
"""
HASHED = PLAIN.replace("email: categorical", "email: {kind: categorical, pii: hash}")
WHEN = datetime(2024, 5, 1, 12, tzinfo=UTC)


def _on_disk(path: Path) -> bytes:
    """Every byte the store has written: the database file and its write-ahead log."""
    return b"".join(part.read_bytes() for part in sorted(path.parent.glob(f"{path.name}*")))


def _service(url: str) -> MonitoringService:
    return MonitoringService(Store(url), Settings(database_url=url, pii_key=KEY))


def _batch(record: str, email: str) -> pa.Table:
    return pa.table(
        {
            "id": [record],
            "timestamp": pa.array([WHEN], pa.timestamp("us", tz="UTC")),
            "feature.email": [email],
            "prediction": [1],
        }
    )


@pytest.fixture
def two(tmp_path: Path) -> tuple[MonitoringService, MonitoringService, Path]:
    path = tmp_path / "watchkeeper.db"
    url = f"sqlite:///{path}"
    server, other = _service(url), _service(url)
    other.apply_config(parse_config(PLAIN))
    server.create_version("churn", "v1", activate=True)
    server.ingest_predictions("churn", "v1", _batch("r0", "first@example.org"))  # cached
    return server, other, path


def test_a_column_declared_pii_elsewhere_is_hashed_from_the_next_batch(
    two: tuple[MonitoringService, MonitoringService, Path],
) -> None:
    server, other, path = two
    assert b"first@example.org" in _on_disk(path)  # declared plain: stored as sent
    other.apply_config(parse_config(HASHED))
    result = server.ingest_predictions("churn", "v1", _batch("r1", "jane@example.org"))
    assert result.accepted == 1
    assert b"jane@example.org" not in _on_disk(path)


def test_a_profile_is_refused_once_another_process_declares_pii(
    two: tuple[MonitoringService, MonitoringService, Path],
) -> None:
    server, other, _ = two
    other.apply_config(parse_config(HASHED))
    with pytest.raises(InputError, match="pii"):
        server.ingest_profile("churn", "v1", WHEN, b"not read: refused before")

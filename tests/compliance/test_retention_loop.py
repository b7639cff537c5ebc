"""One retention rule run by the background loop, on SQLite and PostgreSQL: a model's
``retention:`` from watchkeeper.yaml (stored by ``apply``) overrides the server's raw
retention for that model, each tick applies it under the leader, audited as "system"
when it removed something, and a record arriving after compaction still adds up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from watchkeeper.server._background import run_tick
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service.config import parse_config
from watchkeeper.store import Store

T = datetime(2024, 5, 1, 12, tzinfo=UTC)

CONFIG = """\
version: 1
models:
  - name: kept
    task: binary_classification
    window: 1h
    schema:
      columns: {age: numeric}
    retention: {records: 2d, labels: 1d}
  - name: forever
    task: binary_classification
    window: 1h
    schema:
      columns: {age: numeric}
"""


def _records(prefix: str, n: int) -> pa.Table:
    return pa.table(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "timestamp": pa.array([T] * n, pa.timestamp("us", tz="UTC")),
            "prediction": [i % 2 for i in range(n)],
            "feature.age": [float(20 + i) for i in range(n)],
        }
    )


@pytest.fixture
def clocked(database_url: str) -> Iterator[tuple[MonitoringService, dict[str, datetime]]]:
    clock = {"now": T + timedelta(days=1)}
    store = Store(database_url)
    # No server-wide raw retention: only the model's own period compacts.
    settings = Settings(database_url=database_url, raw_retention=None)
    service = MonitoringService(store, settings, clock=lambda: clock["now"])
    service.apply_config(parse_config(CONFIG))
    for model in ("kept", "forever"):
        service.create_version(model, "v1", activate=True)
        service.ingest_predictions(model, "v1", _records("r", 20))
        service.ingest_labels(model, [(f"r{i}", i % 2) for i in range(20)])
    try:
        yield service, clock
    finally:
        store.close()


def _stored(service: MonitoringService, model: str) -> int:
    row = service.store.get_model(model)
    assert row is not None
    found = service.store.records_by_id(row.id, [f"r{i}" for i in range(30)])
    return len(found["record_id"])


def test_the_loop_applies_each_models_own_periods(
    clocked: tuple[MonitoringService, dict[str, datetime]],
) -> None:
    service, clock = clocked
    assert run_tick(service)["closed"] == 2  # both windows close a day after T
    assert service.list_audit(action="retention.run") == []  # nothing was due: no entry

    clock["now"] = T + timedelta(days=4)  # closed 3 days ago: past "kept"'s 2 days
    tick = run_tick(service)
    assert tick["retained"] == 20
    assert _stored(service, "kept") == 0
    assert _stored(service, "forever") == 20  # no period, and no server default
    runs = service.list_audit(action="retention.run")
    assert [(r.actor_id, r.model) for r in runs] == [("system", "kept")]
    assert runs[0].after["removed"] == {"records": 20, "labels": 0, "profiles": 0, "metrics": 0}
    run_tick(service)
    assert len(service.list_audit(action="retention.run")) == 1  # a quiet tick: no entry

    # A record arriving after compaction is profiled alone and merged (the new feature
    # batch may reuse a deleted batch's id on SQLite: compaction reset the profile's mark).
    service.ingest_predictions("kept", "v1", _records("late", 1))
    run_tick(service)
    whole = next(w for w in service.list_windows("kept") if w.segment is None)
    assert whole.n_records == 21 and whole.metrics["row_count"] == 21.0
    profile = service.window_profile("kept", "v1", T)
    assert profile is not None and profile.n_rows == 21


def test_the_models_period_overrides_the_server_default(database_url: str) -> None:
    clock = {"now": T + timedelta(days=1)}
    store = Store(database_url)
    try:
        settings = Settings(database_url=database_url, raw_retention=timedelta(days=30))
        service = MonitoringService(store, settings, clock=lambda: clock["now"])
        service.apply_config(parse_config(CONFIG))
        for model in ("kept", "forever"):
            service.create_version(model, "v1", activate=True)
            service.ingest_predictions(model, "v1", _records("r", 20))
        service.close_windows("kept")
        service.close_windows("forever")
        clock["now"] = T + timedelta(days=4)
        # Compaction at close: "kept" by its 2 days, "forever" by the server's 30.
        service.close_windows("kept")
        service.close_windows("forever")
        assert (_stored(service, "kept"), _stored(service, "forever")) == (0, 20)
        clock["now"] = T + timedelta(days=40)
        service.close_windows("forever")
        assert _stored(service, "forever") == 0
    finally:
        store.close()


def test_applying_a_file_without_retention_clears_the_stored_periods(database_url: str) -> None:
    store = Store(database_url)
    try:
        service = MonitoringService(store, Settings(database_url=database_url))
        service.apply_config(parse_config(CONFIG))
        service.apply_config(
            parse_config(CONFIG.replace("    retention: {records: 2d, labels: 1d}\n", ""))
        )
        from watchkeeper.store._repo_retention import stored_periods

        row = store.get_model("kept")
        assert row is not None and stored_periods(store.engine, row.id) == {}
        # The change is in the audit trail with the config's diff.
        change = service.list_audit(action="config.apply")[0]
        assert change.before["model:kept"]["retention"] == {"labels": 86400.0, "records": 172800.0}
        assert "retention" not in change.after["model:kept"]
    finally:
        store.close()

"""Retention periods from watchkeeper.yaml, applied by ``watchkeeper retention run`` and
by the background loop on SQLite and PostgreSQL: old raw rows (compacted), labels,
profiles and metrics go, recent ones and open windows stay, and each run is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import func, select

from watchkeeper.cli import main
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.service.config import parse_config
from watchkeeper.service.config._validate import InvalidConfigError
from watchkeeper.store import Store
from watchkeeper.store._tables import metric_points, window_profiles, windows

T = datetime(2024, 5, 1, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _batch(prefix: str, at: datetime, n: int) -> pa.Table:
    return pa.table(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "timestamp": pa.array([at] * n, pa.timestamp("us", tz="UTC")),
            "feature.x": [float(i) for i in range(n)],
            "prediction": [float(i % 2) for i in range(n)],
        }
    )


def _count(store: Store, table: object, *where: object) -> int:
    with store.engine.connect() as connection:
        query = select(func.count()).select_from(table)  # type: ignore[arg-type]
        return int(connection.execute(query.where(*where)).scalar_one())  # type: ignore[arg-type]


def test_retention_run(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = {"now": T + timedelta(days=1)}
    service = MonitoringService(
        Store(database_url), Settings(database_url=database_url), clock=lambda: clock["now"]
    )
    service.create_model("m", "regression", {"x": "numeric"}, window=HOUR)
    service.create_version("m", "v1", activate=True)
    service.ingest_predictions("m", "v1", _batch("old", T, 5))
    service.ingest_labels("m", [(f"old{i}", 1.0) for i in range(5)])
    service.close_windows("m", now=clock["now"])  # the old window closes a day after T
    clock["now"] = T + timedelta(days=3, hours=2)
    service.ingest_predictions("m", "v1", _batch("new", T + timedelta(days=3), 4))
    service.ingest_labels("m", [("new0", 0.0)])
    service.close_windows("m", now=clock["now"])
    service.ingest_predictions("m", "v1", _batch("open", T + timedelta(days=4), 2))
    model = service.store.get_model("m")
    config = tmp_path / "watchkeeper.yaml"
    config.write_text(
        "models:\n  - name: m\n    task: regression\n"
        "    retention: {records: 2d, labels: 2d, profiles: 2d, metrics: 10d}\n"
    )
    now = (T + timedelta(days=4, hours=6)).isoformat()
    argv = ["retention", "run", str(config), "--now", now, "--database-url", database_url]
    assert main([*argv, "--json", "-"]) == 0
    import json

    removed = json.loads(capsys.readouterr().out)["m"]
    # The old window (closed more than 2 days before) is compacted: its 5 rows and their
    # labels go with them; the recent and the open window stay.
    assert removed == {"records": 5, "labels": 0, "profiles": 1, "metrics": 0}
    store = service.store
    kept = store.records_by_id(model.id, [f"old{i}" for i in range(5)] + ["new0", "open0"])
    assert sorted(kept["record_id"]) == ["new0", "open0"]
    assert store.window_blobs(model.id, model.active_version_id, int(T.timestamp() * 1e6)) == []
    # Its metrics stay (10 days), its profile does not (2 days).
    old_window = windows.c.start == T
    assert _count(store, windows, old_window) == 1
    assert _count(store, metric_points, metric_points.c.window_start == T) > 0
    old_ids = select(windows.c.id).where(old_window).scalar_subquery()
    assert _count(store, window_profiles, window_profiles.c.window_id == old_ids) == 0
    # Metrics kept 1 day: the old window and its points go too.
    config.write_text(config.read_text().replace("metrics: 10d", "metrics: 1d"))
    assert main([*argv, "--quiet"]) == 0
    assert _count(store, windows, old_window) == 0
    assert _count(store, metric_points, metric_points.c.window_start == T) == 0
    # An open window is never removed: its rows are still to be closed.
    assert _count(store, windows, windows.c.start == T + timedelta(days=4)) == 1
    runs = service.list_audit(action="retention.run")
    assert len(runs) == 2 and all(r.actor_id == "cli" for r in runs)
    assert runs[-1].after["removed"]["records"] == 5
    assert service.verify_audit().ok
    store.close()


def test_retention_is_validated_with_its_line() -> None:
    with pytest.raises(InvalidConfigError) as error:
        parse_config("models:\n  - name: m\n    task: regression\n    retention: {rows: 2d}\n")
    assert "watchkeeper.yaml:4" in str(error.value) and "unknown key 'rows'" in str(error.value)
    model = parse_config(
        "models:\n  - name: m\n    task: regression\n    retention: {labels: 30d}\n"
    ).model("m")
    assert model.retention == {"labels": timedelta(days=30)}

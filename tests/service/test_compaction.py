"""Raw records kept for the retention period after a window closes, then compacted into
the window's profile, aggregates and labelled performance part; late records and late
performance profiles still merge (issue 16), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sqlalchemy import func, select

from watchkeeper.performance import classification_profile
from watchkeeper.service._service import MonitoringService
from watchkeeper.service._settings import Settings
from watchkeeper.store import Store
from watchkeeper.store._tables import (
    metric_points,
    profile_parts,
    records,
    window_data,
    window_profiles,
    windows,
)

T0 = datetime(2024, 1, 1, 10, tzinfo=UTC)
CLOSED = T0 + timedelta(days=1)


def _batch(first: int, n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table(
        {
            "id": [f"r{first + i}" for i in range(n)],
            "timestamp": pa.array(
                [T0 + timedelta(seconds=int(s)) for s in rng.integers(0, 3600, n)],
                pa.timestamp("us", "UTC"),
            ),
            "feature.x": rng.normal(0, 1, n),
            "segment.region": rng.choice(["eu", "us"], n),
            "prediction": rng.integers(0, 2, n),
            "score": rng.random(n),
            "latency_ms": rng.gamma(2.0, 5.0, n),
            "error": rng.random(n) < 0.1,
        }
    )


def _count(store: Store, table: pa.Table) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def clocked(database_url: str):
    now = {"t": CLOSED}
    store = Store(database_url)
    service = MonitoringService(
        store, Settings(raw_retention=timedelta(days=7)), clock=lambda: now["t"]
    )
    service.create_model("m", "binary_classification", {"features": {"x": "numeric"}})
    rng = np.random.default_rng(0)
    service.create_version("m", "v1", reference=pa.table({"x": rng.normal(0, 1, 2000)}))
    yield service, store, now
    store.close()


def test_raw_records_go_after_the_period_and_the_window_reads_the_same(clocked) -> None:
    service, store, now = clocked
    service.ingest_predictions("m", "v1", _batch(0, 600, seed=1))
    service.ingest_labels("m", [(f"r{i}", i % 2) for i in range(0, 600, 3)])
    first = {w.segment: w for w in service.close_windows("m", now=CLOSED)}
    assert _count(store, records) == 600
    now["t"] = CLOSED + timedelta(days=6)  # within the period: kept
    service.close_windows("m", now=now["t"])
    assert _count(store, records) == 600
    now["t"] = CLOSED + timedelta(days=8)
    service.close_windows("m", now=now["t"])
    assert _count(store, records) == _count(store, window_data) == 0
    listed = {w.segment: w for w in service.list_windows("m")}
    assert {k: w.metrics for k, w in listed.items()} == {k: w.metrics for k, w in first.items()}

    # A late record after compaction: profiled alone, merged; the counts add up.
    late = _batch(10_000, 1, seed=2)
    service.ingest_predictions("m", "v1", late)
    again = {w.segment: w for w in service.close_windows("m", now=now["t"])}
    whole = again[None]
    assert whole.n_records == 601
    assert whole.metrics["row_count"] == 601.0
    errors = round(first[None].metrics["error_rate"] * 600) + int(late["error"][0].as_py())
    assert whole.metrics["error_rate"] == pytest.approx(errors / 601)
    profile = service.window_profile("m", "v1", T0)
    assert profile is not None and profile.n_rows == 601
    # Realized performance is recomputed from the labelled records' performance part:
    # threshold metrics exactly, ROC AUC within the part's bound.
    for name in ("accuracy", "precision", "recall", "f1"):
        assert whole.metrics[name] == first[None].metrics[name], name
    bound = whole.metrics["bounded"]["roc_auc"]
    assert bound["lower"] <= first[None].metrics["roc_auc"] <= bound["upper"]
    assert whole.n_labels == first[None].n_labels == 200
    segment = f"region={late['segment.region'][0].as_py()}"
    assert again[segment].n_records == first[segment].n_records + 1


def test_no_retention_keeps_raw_records(database_url: str) -> None:
    store = Store(database_url)
    try:
        service = MonitoringService(
            store, Settings(raw_retention=None), clock=lambda: CLOSED + timedelta(days=365)
        )
        service.create_model("m", "regression", {"features": {"x": "numeric"}})
        service.create_version("m", "v1")
        service.ingest_predictions("m", "v1", _batch(0, 10, seed=3))
        service.close_windows("m", now=CLOSED)
        service.close_windows("m", now=CLOSED)
        assert _count(store, records) == 10
    finally:
        store.close()


def test_late_labels_joined_elsewhere_merge_with_the_compacted_labelled_rows(clocked) -> None:
    service, store, now = clocked
    batch = _batch(0, 600, seed=4)
    service.ingest_predictions("m", "v1", batch)
    labels = {i: i % 2 for i in range(0, 600, 3)}
    service.ingest_labels("m", [(f"r{i}", y) for i, y in labels.items()])
    service.close_windows("m", now=CLOSED)
    now["t"] = CLOSED + timedelta(days=8)
    service.close_windows("m", now=now["t"])
    assert _count(store, records) == 0
    # Labels of 300 more predictions of the window, joined in a lake and posted as one
    # performance profile after the records were compacted.
    rng = np.random.default_rng(5)
    y_late = rng.integers(0, 2, 300)
    p_late = np.clip(0.3 * y_late + 0.7 * rng.random(300), 0, 1)
    pred_late = (p_late > 0.5).astype(int)
    late = classification_profile(y_late, pred_late, p_late, classes=[0, 1])
    service.ingest_performance_profile("m", "v1", T0, late.to_dict())
    whole = {w.segment: w for w in service.close_windows("m", now=now["t"])}[None]
    rows = np.array(list(labels))
    y = np.concatenate([[labels[i] for i in rows], y_late])
    pred = np.concatenate([np.asarray(batch["prediction"])[rows], pred_late])
    score = np.concatenate([np.asarray(batch["score"])[rows], p_late])
    assert whole.n_labels == 500
    assert whole.metrics["accuracy"] == accuracy_score(y, pred)
    assert whole.metrics["f1"] == f1_score(y, pred)
    bound = whole.metrics["bounded"]["roc_auc"]
    assert bound["lower"] <= roc_auc_score(y, score) <= bound["upper"]


def _stored_rows(store: Store, model: str) -> dict[str, int]:
    """The model's rows in each table a window's data lives in."""
    row = store.get_model(model)
    assert row is not None
    out = {}
    with store.engine.connect() as connection:
        for table in (records, window_data, windows, profile_parts):
            query = select(func.count()).select_from(table).where(table.c.model_id == row.id)
            out[table.name] = int(connection.execute(query).scalar_one())
        query = select(func.count()).select_from(metric_points)
        query = query.where(metric_points.c.model == model)
        out[metric_points.name] = int(connection.execute(query).scalar_one())
        query = (
            select(func.count())
            .select_from(window_profiles.join(windows))
            .where(windows.c.model_id == row.id)
        )
        out[window_profiles.name] = int(connection.execute(query).scalar_one())
    return out


def test_a_compacted_window_stores_the_same_rows_whatever_the_traffic(clocked) -> None:
    """The store's size per window is bounded: after compaction a window of 300
    labelled predictions sent in one batch and one of 12,000 sent in four hold the same
    rows (a window row, a stored profile, per segment an aggregates part and a
    performance part, the metric points)."""
    service, store, now = clocked
    service.create_model("large", "binary_classification", {"features": {"x": "numeric"}})
    rng = np.random.default_rng(0)
    service.create_version("large", "v1", reference=pa.table({"x": rng.normal(0, 1, 2000)}))
    for model, batches, size in (("m", 1, 300), ("large", 4, 3000)):
        for b in range(batches):
            first = b * size
            service.ingest_predictions(model, "v1", _batch(first, size, seed=10 + b))
            labels = [(f"r{i}", i % 2) for i in range(first, first + size, 2)]
            service.ingest_labels(model, labels)
        service.close_windows(model, now=CLOSED)
    now["t"] = CLOSED + timedelta(days=8)
    for model in ("m", "large"):
        service.close_windows(model, now=now["t"])
    small, large = _stored_rows(store, "m"), _stored_rows(store, "large")
    assert small["wk_records"] == small["wk_window_data"] == 0
    assert small["wk_windows"] == small["wk_window_profiles"] == 3  # all traffic, 2 regions
    assert small["wk_profile_parts"] == 4  # per region: aggregates and performance
    assert small == large

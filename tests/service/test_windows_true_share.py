"""``true_share`` of boolean features on SQLite and PostgreSQL: a closed window stores
the share of true among the non-missing values, counted by hand from what was sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper.service._service import MonitoringService

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SCHEMA = {"features": {"hit": "boolean", "flag": "boolean", "score": "numeric"}}


def _booleans(rng: np.random.Generator, n: int, p_true: float, p_null: float) -> list[bool | None]:
    values: list[bool | None] = [bool(v) for v in rng.random(n) < p_true]
    for i in np.flatnonzero(rng.random(n) < p_null):
        values[i] = None
    return values


def _batch(
    prefix: str, hour: int, hit: list[bool | None], flag: list[bool | None], with_score: bool = True
) -> pa.Table:
    n = len(hit)
    start = T0 + timedelta(hours=hour)
    columns = {
        "id": [f"{prefix}-{i}" for i in range(n)],
        "timestamp": pa.array(
            [start + timedelta(seconds=7 * i) for i in range(n)], pa.timestamp("us", tz="UTC")
        ),
        "prediction": [int(bool(f)) for f in flag],
        "feature.hit": pa.array(hit, pa.bool_()),
        "feature.flag": pa.array(flag, pa.bool_()),
    }
    if with_score:
        columns["feature.score"] = pa.array(np.linspace(0.0, 1.0, n))
    return pa.table(columns)


def _hand_share(values: list[bool | None]) -> float:
    present = [v for v in values if v is not None]
    return sum(1 for v in present if v) / len(present)


def test_a_closed_window_stores_the_share_of_true_among_present_values(
    service: MonitoringService, rng: np.random.Generator
) -> None:
    service.create_model("bot", "llm", SCHEMA)
    service.create_version("bot", "v1", activate=True)
    sent: dict[int, dict[str, list[bool | None]]] = {}
    for hour, p_true in ((0, 0.1), (1, 0.6)):
        hit = _booleans(rng, 240, p_true, 0.2)
        flag = _booleans(rng, 240, p_true / 2, 0.0)
        sent[hour] = {"hit": hit, "flag": flag}
        # Two batches per window: the window's profile merges them.
        service.ingest_predictions("bot", "v1", _batch(f"a{hour}", hour, hit[:100], flag[:100]))
        service.ingest_predictions("bot", "v1", _batch(f"b{hour}", hour, hit[100:], flag[100:]))
    service.close_windows("bot", now=T0 + timedelta(hours=2))

    for feature in ("hit", "flag"):
        points = service.metric_series("bot", "true_share", feature=feature)
        assert [p.window_start for p in points] == [T0, T0 + timedelta(hours=1)]
        for point, hour in zip(points, (0, 1), strict=True):
            assert point.value == pytest.approx(_hand_share(sent[hour][feature]), rel=1e-12)
    # A numeric feature has no true share; the window's summary nests it per feature.
    assert service.metric_series("bot", "true_share", feature="score") == []
    window = next(w for w in service.list_windows("bot") if w.start == T0 and w.segment is None)
    assert set(window.metrics["true_share"]) == {"hit", "flag"}
    # Nulls do not count as false: 20 % of the hits were sent as null.
    missing = window.metrics["missing_share"]["hit"]
    assert missing == pytest.approx(sum(v is None for v in sent[0]["hit"]) / 240)


def test_late_records_update_the_share_and_inferred_booleans_count(
    service: MonitoringService,
) -> None:
    service.create_model("free", "llm")  # no declared schema: the kinds are inferred
    service.create_version("free", "v1", activate=True)
    hit: list[bool | None] = [True, False, False, None]
    flag: list[bool | None] = [True, False, False, False]
    service.ingest_predictions("free", "v1", _batch("e", 0, hit, flag, with_score=False))
    service.close_windows("free", now=T0 + timedelta(hours=1))
    assert [p.value for p in service.metric_series("free", "true_share", feature="hit")] == [
        pytest.approx(1 / 3)
    ]
    # Two late records (one true, one false) reopen the window: 2 of 5 present are true.
    late: list[bool | None] = [True, False]
    service.ingest_predictions("free", "v1", _batch("l", 0, late, [False, False], False))
    service.close_windows("free", now=T0 + timedelta(hours=1))
    points = service.metric_series("free", "true_share", feature="hit")
    assert [p.value for p in points] == [pytest.approx(2 / 5)]
    flags = service.metric_series("free", "true_share", feature="flag")
    assert [p.value for p in flags] == [pytest.approx(1 / 6)]

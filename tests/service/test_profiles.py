"""Window profiles on SQLite and PostgreSQL: the merge property, late records merged
into a closed window, and a close whose memory is bounded by a chunk, not the window."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper.drift._from_profiles import compare_profiles
from watchkeeper.profile import Profile, ProfileBuilder
from watchkeeper.service import _profiles
from watchkeeper.service._service import MonitoringService
from watchkeeper.store import to_micros

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SCHEMA = {"features": {"age": "numeric", "plan": "categorical", "income": "numeric"}}


def _batch(
    rng: np.random.Generator, n: int, *, prefix: str, shift: float = 0.0, hour: int = 0
) -> pa.Table:
    start = T0 + timedelta(hours=hour)
    stamps = [start + timedelta(seconds=int(s)) for s in rng.integers(0, 3600, n)]
    income = rng.lognormal(10, 1, n)
    income[rng.random(n) < 0.05] = np.nan  # missing values, sent as nulls
    return pa.table(
        {
            "id": [f"{prefix}-{i}" for i in range(n)],
            "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
            "feature.age": rng.normal(40 + shift, 10, n),
            "feature.plan": rng.choice(["a", "b", "c"], n),
            "feature.income": pa.array(income, from_pandas=True),
            "prediction": rng.integers(0, 2, n),
            "segment.region": rng.choice(["eu", "us"], n),
        }
    )


@pytest.fixture
def churn(service: MonitoringService, rng: np.random.Generator) -> MonitoringService:
    reference = pa.table(
        {
            "age": rng.normal(40, 10, 3000),
            "plan": rng.choice(["a", "b", "c"], 3000),
            "income": rng.lognormal(10, 1, 3000),
        }
    )
    service.create_model("churn", "binary_classification", SCHEMA)
    service.create_version("churn", "v1", reference=reference, activate=True)
    return service


def _reference(service: MonitoringService) -> Profile:
    model = service.store.get_model("churn")
    assert model is not None
    version = service.store.get_version(model.id, "v1")
    assert version is not None
    data = service.store.reference_profile_bytes(version.id)
    assert data is not None
    return Profile.from_bytes(data)


def _in_one_go(batches: list[pa.Table], reference: Profile, segment: str | None) -> Profile:
    """The profile of the rows built at once, as a user would from the raw rows."""
    rows = pa.concat_tables(batches)
    if segment is not None:
        region = segment.split("=")[1]
        rows = rows.filter(pa.compute.equal(rows.column("segment.region"), region))
    features = rows.select(["feature.age", "feature.plan", "feature.income"])
    features = features.rename_columns(["age", "plan", "income"])
    builder = ProfileBuilder(reference.schema, bins_from=reference)
    builder.update(features)
    return builder.build()


def _exact(profile: Profile, *, expected: bool = False) -> dict[str, Any]:
    """Everything a profile holds exactly: counts, histograms, extremes, categories;
    moments to rounding (on the ``expected`` side). The KLL sketch is left out
    (DataSketches compacts at random)."""
    out: dict[str, Any] = {"n_rows": profile.n_rows}
    for column in profile.to_dict()["columns"]:
        kept = {k: v for k, v in column.items() if k not in ("sketch", "frequent", "distinct")}
        if "moments" in kept and expected:
            kept["moments"] = pytest.approx(kept["moments"], rel=1e-12)
        if "categories" in kept:
            kept["categories"] = dict(
                zip(kept["categories"], kept.pop("category_counts"), strict=True)
            )
        out[column["name"]] = kept
    return out


def _drift_points(service: MonitoringService, segment: str | None) -> dict[str, float]:
    return {
        p.feature or "": p.value
        for p in service.metric_series("churn", "drift_p_value", segment=segment)
    }


@pytest.mark.parametrize("segment", [None, "region=eu"])
def test_the_window_profile_equals_the_profile_of_its_rows_in_one_go(
    churn: MonitoringService, rng: np.random.Generator, segment: str | None
) -> None:
    batches = [_batch(rng, 150, prefix=f"b{i}") for i in range(5)]
    for batch in batches:
        churn.ingest_predictions("churn", "v1", batch)
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    reference = _reference(churn)
    stored = churn.window_profile("churn", "v1", T0, segment)
    assert stored is not None
    expected = _in_one_go(batches, reference, segment)
    assert _exact(stored) == _exact(expected, expected=True)
    assert stored.bins == reference.bins
    # The window's drift points are those of the one-go profile against the reference.
    drift = compare_profiles(reference, expected)
    assert _drift_points(churn, segment) == {
        name: pytest.approx(drift[name].p_value, rel=1e-12) for name in ("age", "income", "plan")
    }
    window = next(w for w in churn.list_windows("churn") if w.segment == segment and w.start == T0)
    assert window.metrics["missing_share"]["income"] == pytest.approx(
        expected["income"].n_missing / expected.n_rows
    )
    assert churn.window_profile("churn", "v1", T0 + timedelta(hours=5)) is None


def test_late_records_are_profiled_alone_and_merged_into_the_closed_window(
    churn: MonitoringService, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = [_batch(rng, 200, prefix=f"e{i}") for i in range(3)]
    late = [_batch(rng, 100, prefix=f"l{i}", shift=8.0) for i in range(2)]
    for batch in early:
        churn.ingest_predictions("churn", "v1", batch)
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    for batch in late:
        churn.ingest_predictions("churn", "v1", batch)

    profiled: list[int] = []

    class Counting(ProfileBuilder):
        def update(self, batch: Any) -> None:
            profiled.append(batch.num_rows)
            super().update(batch)

    monkeypatch.setattr(_profiles, "ProfileBuilder", Counting)
    recomputed = churn.close_windows("churn", now=T0 + timedelta(hours=1))
    assert {w.segment for w in recomputed} == {None, "region=eu", "region=us"}
    # Only the late rows were profiled: all traffic once, and each segment its share.
    assert sum(profiled) == 2 * 200
    reference = _reference(churn)
    for segment in (None, "region=eu", "region=us"):
        stored = churn.window_profile("churn", "v1", T0, segment)
        assert stored is not None
        assert _exact(stored) == _exact(_in_one_go(early + late, reference, segment), expected=True)
    overall = next(w for w in recomputed if w.segment is None)
    assert overall.metrics["row_count"] == 800
    drift = compare_profiles(reference, _in_one_go(early + late, reference, None))
    assert overall.metrics["drift_p_value"]["age"] == pytest.approx(drift["age"].p_value, rel=1e-12)
    assert churn.close_windows("churn", now=T0 + timedelta(hours=1)) == []


def test_a_stored_profile_short_of_the_window_is_rebuilt(
    churn: MonitoringService, rng: np.random.Generator
) -> None:
    """A batch committed under an older blob id than the stored profile's newest (as
    PostgreSQL's sequences allow under concurrent ingestion) is not lost."""
    batches = [_batch(rng, 100, prefix=f"b{i}") for i in range(3)]
    for batch in batches:
        churn.ingest_predictions("churn", "v1", batch)
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    # Pretend the stored profile already held a blob newer than every one.
    from sqlalchemy import update

    from watchkeeper.store._tables import window_profiles

    with churn.store.begin() as connection:
        connection.execute(update(window_profiles).values(through_id=10**9))
    churn.ingest_predictions("churn", "v1", _batch(rng, 50, prefix="late"))
    churn.close_windows("churn", now=T0 + timedelta(hours=1))
    stored = churn.window_profile("churn", "v1", T0)
    assert stored is not None and stored.n_rows == 3 * 100 + 50


def _close_peak(service: MonitoringService, hour: int, rows: int) -> tuple[int, int, Profile]:
    """Peak traced memory of profiling one window, and the window's blob bytes."""
    model = service.store.get_model("churn")
    assert model is not None
    version = service.store.get_version(model.id, "v1")
    assert version is not None
    start = T0 + timedelta(hours=hour)
    ids = service.store.window_blob_ids(model.id, version.id, to_micros(start))
    window_bytes = sum(len(blob) for _, blob in service.store.iter_blobs(ids))
    due = service.store.due_windows(model.id, T0 + timedelta(hours=2))
    windows = [w for w in due if w.start == start]
    reference = _reference(service)  # loaded afresh: no lookup tables cached by a call
    tracemalloc.start()
    try:
        built = _profiles.profile_windows(
            service.store, model.id, version.id, to_micros(start), windows,
            reference=reference, kinds={}, chunk_rows=2 * rows,
        )  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    overall = next(w for w in windows if w.segment == "")
    profile = built.profiles[overall.id]
    assert profile is not None
    return peak, window_bytes, profile


def test_closing_a_window_of_many_batches_holds_a_chunk_not_the_window(
    churn: MonitoringService, rng: np.random.Generator
) -> None:
    rows = 400
    for hour, n_batches in ((0, 10), (1, 60)):
        for i in range(n_batches):
            batch = _batch(rng, rows, prefix=f"h{hour}-{i}", hour=hour)
            churn.ingest_predictions("churn", "v1", batch)
    small_peak, small_bytes, small = _close_peak(churn, 0, rows)
    large_peak, large_bytes, large = _close_peak(churn, 1, rows)
    assert (small.n_rows, large.n_rows) == (10 * rows, 60 * rows)
    assert large_bytes > 5.5 * small_bytes
    # Six times the window, the same memory: what is held is a chunk of blobs and the
    # profile's fixed-size state (histograms, bin lookup tables), not the window. Reading
    # the window at once would add the difference of the windows' bytes to the peak.
    assert large_peak - small_peak < (large_bytes - small_bytes) / 4, (small_peak, large_peak)

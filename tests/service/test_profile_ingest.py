"""Windows fed by posted profiles: the same figures as the same rows sent as records
(issue 16), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper import InputError
from watchkeeper._operations import Operations
from watchkeeper.profile import ProfileBuilder
from watchkeeper.service._profile_ingest import COMPACT_AT
from watchkeeper.service._service import MonitoringService
from watchkeeper.store._repo_parts import count_parts, parts_of_window
from watchkeeper.store._types import to_micros

SCHEMA = {"features": {"age": "numeric", "plan": "categorical"}}
T = datetime(2024, 1, 1, 10, tzinfo=UTC)


def _traffic(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "age": rng.normal(43, 10, n),
        "plan": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
        "region": rng.choice(["eu", "us"], n),
        "latency": rng.gamma(2.0, 5.0, n),
        "error": rng.random(n) < 0.05,
    }


def _setup(service: MonitoringService, *names: str) -> None:
    rng = np.random.default_rng(99)
    reference = pa.table({"age": rng.normal(40, 10, 4000), "plan": rng.choice(["a", "b"], 4000)})
    for name in names:
        service.create_model(name, "binary_classification", SCHEMA)
        service.create_version(name, "v1", reference=reference, activate=True)


def _records(data: dict[str, np.ndarray]) -> pa.Table:
    n = len(data["age"])
    stamps = [T + timedelta(seconds=i % 3600) for i in range(n)]
    return pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "timestamp": pa.array(stamps, pa.timestamp("us", "UTC")),
            "feature.age": data["age"],
            "feature.plan": data["plan"],
            "segment.region": data["region"],
            "prediction": [1] * n,
            "latency_ms": data["latency"],
            "error": data["error"],
        }
    )


def _post_parts(
    service: MonitoringService,
    model: str,
    data: dict[str, np.ndarray],
    pieces: int,
    flush: str = "",
) -> None:
    """Post the traffic as ``pieces`` profiles per region (as SDK flushes would)."""
    reference = service.reference_profile(model, "v1")
    assert reference is not None
    n = len(data["age"])
    for region in ("eu", "us"):
        rows = np.flatnonzero(data["region"] == region)
        for k, chunk in enumerate(np.array_split(rows, pieces)):
            builder = ProfileBuilder(reference.schema, bins_from=reference)
            builder.update(pa.table({"age": data["age"][chunk], "plan": data["plan"][chunk]}))
            ops = Operations()
            for i in chunk:
                ops.add(float(data["latency"][i]), error=bool(data["error"][i]))
            service.ingest_profile(
                model, "v1", T, builder.build().to_bytes(), segment=f"region={region}",
                operations=ops, part_key=f"{flush}{region}-{k}",
            )  # fmt: skip
    assert n == sum(len(c) for c in [np.flatnonzero(data["region"] == r) for r in ("eu", "us")])


def test_a_window_of_profiles_reads_as_the_same_rows_sent_as_records(
    service: MonitoringService,
) -> None:
    _setup(service, "profiled", "recorded")
    data = _traffic(3000, seed=1)
    service.ingest_predictions("recorded", "v1", _records(data))
    _post_parts(service, "profiled", data, pieces=4)
    now = T + timedelta(days=1)
    recorded = {w.segment: w for w in service.close_windows("recorded", now=now)}
    profiled = {w.segment: w for w in service.close_windows("profiled", now=now)}
    assert (
        sorted(profiled, key=str) == sorted(recorded, key=str) == [None, "region=eu", "region=us"]
    )
    for segment, window in recorded.items():
        mine = profiled[segment]
        assert mine.n_records == window.n_records
        for metric in ("drift_p_value", "drift_score", "drift_detected", "missing_share"):
            assert mine.metrics[metric] == window.metrics[metric], (segment, metric)
        for metric in ("row_count", "error_rate", "share_drifted", "throughput_rps"):
            assert mine.metrics[metric] == window.metrics[metric], (segment, metric)
        for q in (50, 95, 99):  # the histogram's bins are 2% wide
            exact = window.metrics[f"latency_p{q}_ms"]
            assert mine.metrics[f"latency_p{q}_ms"] == pytest.approx(exact, rel=0.02)
    assert recorded[None].n_records == 3000


def test_parts_are_compacted_and_a_repeated_key_counts_once(service: MonitoringService) -> None:
    _setup(service, "m")
    data = _traffic(400, seed=2)
    _post_parts(service, "m", data, pieces=3)
    _post_parts(service, "m", data, pieces=3)  # every post again: same keys
    model = service.store.get_model("m")
    assert model is not None
    version = service.store.get_version(model.id, "v1")
    assert version is not None
    windows = service.close_windows("m", now=T + timedelta(days=1))
    assert {w.segment: w.n_records for w in windows}[None] == 400
    parts = parts_of_window(service.store, model.id, version.id, to_micros(T), "")
    assert sorted(p.segment for p in parts) == ["region=eu", "region=us"]  # 6 became 2
    assert sum(p.n_records for p in parts) == 400


def test_records_and_profiles_feed_one_window(service: MonitoringService) -> None:
    _setup(service, "mixed", "recorded")
    data = _traffic(1000, seed=3)
    service.ingest_predictions("recorded", "v1", _records(data))
    half = {k: v[:500] for k, v in data.items()}
    rest = {k: v[500:] for k, v in data.items()}
    service.ingest_predictions("mixed", "v1", _records(half))
    _post_parts(service, "mixed", rest, pieces=2)
    now = T + timedelta(days=1)
    mixed = {w.segment: w for w in service.close_windows("mixed", now=now)}
    recorded = {w.segment: w for w in service.close_windows("recorded", now=now)}
    assert mixed[None].n_records == 1000
    assert mixed[None].metrics["drift_p_value"] == recorded[None].metrics["drift_p_value"]
    assert mixed[None].metrics["error_rate"] == recorded[None].metrics["error_rate"]
    # A late profile reopens the closed window, which is recomputed at the next close.
    _post_parts(service, "mixed", rest, pieces=5, flush="late-")
    again = {w.segment: w for w in service.close_windows("mixed", now=now)}
    assert again[None].n_records == 1500
    # The first posts' parts were compacted at close; a retry of them still counts once.
    _post_parts(service, "mixed", rest, pieces=2)
    assert service.close_windows("mixed", now=now) == []


def test_a_profile_on_other_bins_or_a_misaligned_window_is_refused(
    service: MonitoringService,
) -> None:
    _setup(service, "m")
    builder = ProfileBuilder()  # its own bins, not the reference's
    builder.update(pa.table({"age": [1.0, 2.0, 3.0]}))
    with pytest.raises(InputError, match="other bins than the reference"):
        service.ingest_profile("m", "v1", T, builder.build().to_bytes())
    reference = service.reference_profile("m", "v1")
    assert reference is not None
    good = ProfileBuilder(reference.schema, bins_from=reference)
    good.update(pa.table({"age": [1.0], "plan": ["a"]}))
    with pytest.raises(InputError, match="not the start of a window"):
        service.ingest_profile("m", "v1", T + timedelta(minutes=5), good.build().to_bytes())
    with pytest.raises(InputError, match="operations count 2 records, the profile 1"):
        service.ingest_profile(
            "m", "v1", T, good.build().to_bytes(), operations=Operations(n_records=2)
        )
    with pytest.raises(InputError, match=r"send a \.wkp"):
        service.ingest_profile("m", "v1", T, b"not a profile")


def test_an_open_windows_parts_are_merged_as_they_come(service: MonitoringService) -> None:
    _setup(service, "m")
    reference = service.reference_profile("m", "v1")
    assert reference is not None
    model = service.store.get_model("m")
    version = None if model is None else service.store.get_version(model.id, "v1")
    assert model is not None and version is not None
    for k in range(COMPACT_AT + 4):
        builder = ProfileBuilder(reference.schema, bins_from=reference)
        builder.update(pa.table({"age": [float(k)], "plan": ["a"]}))
        service.ingest_profile("m", "v1", T, builder.build().to_bytes(), part_key=f"k{k}")
        held = count_parts(service.store, model.id, version.id, to_micros(T), "")
        assert held < COMPACT_AT  # never more, whatever the posts
    windows = service.close_windows("m", now=T + timedelta(days=1))
    assert windows[0].n_records == COMPACT_AT + 4
    assert windows[0].metrics["row_count"] == COMPACT_AT + 4

"""Bias counters from the SDK's profile mode, against the real server on uvicorn (issue
16): performance-edges names the sensitive columns and positive label, and the same
predictions (some labelled) in profile mode and record mode give equal bias series per
window and segment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pytest
from tests._serving import serving
from tests.service.kinds._loans import SCHEMA, T0, loans, reference_table

from watchkeeper.client import Client
from watchkeeper.client._performance_post import fetch_performance_edges
from watchkeeper.client._profile_mode import ProfileSink
from watchkeeper.service import MonitoringService, Settings
from watchkeeper.store import Store

SERIES = ("demographic_parity_difference", "equalized_odds_difference", "disparate_impact",
          "clarify_dppl", "clarify_dca", "bias_drift_detected", "bias_drift_p_value")  # fmt: skip


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str, MonitoringService]]:
    """(url, ingest key, service) of a server on loopback with the loan model twice (one
    fed by profiles, one by records) and a model without sensitive columns."""
    url = f"sqlite:///{tmp_path / 'wk.db'}"
    settings = Settings(database_url=url)
    service = MonitoringService(Store(url), settings)
    reference = reference_table(loans(np.random.default_rng(0), 3000))
    plain = {k: v for k, v in SCHEMA.items() if k != "sensitive"}
    for model, schema in (("profiled", SCHEMA), ("recorded", SCHEMA), ("plain", plain)):
        service.create_model(model, "binary_classification", schema)
        service.create_version(model, "v1", reference=reference, activate=True)
    key = service.create_api_key(["ingest"], name="sdk")[1]
    with serving(service, settings) as address:
        yield address, key, service
    service.store.close()


def test_performance_edges_name_the_sensitive_columns(
    live: tuple[str, str, MonitoringService],
) -> None:
    url, key, _ = live
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as http:
        answer = fetch_performance_edges(http, "profiled", "v1")
        assert (answer["sensitive"], answer["positive_label"]) == (["gender"], 1)
        assert answer["kind"] == "classification" and answer["edges"]
        plain = fetch_performance_edges(http, "plain", "v1")
        assert (plain["sensitive"], plain["positive_label"]) == ([], None)


def _traffic(n: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Unfair loan rows, their seconds after T0 (two windows), regions, labelled mask."""
    rng = np.random.default_rng(4)
    rows = loans(rng, n, unfair=0.8)
    return rows, rng.uniform(0, 2 * 3600, n), rng.choice(["eu", "us"], n), rng.random(n) < 2 / 3


def _assert_equal_to_records(service: MonitoringService, n: int) -> None:
    """The same rows sent as records to "recorded" give "profiled"'s bias series."""
    rows, seconds, region, labelled = _traffic(n)
    records = pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "timestamp": pa.array(
                [T0 + timedelta(seconds=float(s)) for s in seconds], pa.timestamp("us", "UTC")
            ),
            "feature.income": rows["income"],
            "feature.debt": rows["debt"],
            "feature.gender": rows["gender"],
            "segment.region": region,
            "prediction": rows["pred"],
            "score": rows["p"],
        }
    )
    service.ingest_predictions("recorded", "v1", records)
    service.ingest_labels(
        "recorded", [(f"r{i}", int(rows["y"][i])) for i in np.flatnonzero(labelled)]
    )
    now = T0 + timedelta(days=1)
    profiled = {(w.start, w.segment): w for w in service.close_windows("profiled", now=now)}
    recorded = {(w.start, w.segment): w for w in service.close_windows("recorded", now=now)}
    assert set(profiled) == set(recorded) and len(profiled) == 2 * 3
    for where, window in recorded.items():
        mine = profiled[where]
        assert mine.n_records == window.n_records and mine.n_labels == window.n_labels > 0
        for metric in SERIES:
            assert mine.metrics[metric]["gender"] == window.metrics[metric]["gender"], (
                where,
                metric,
            )
        assert window.metrics["demographic_parity_difference"]["gender"] > 0.1  # unfair


def test_profile_mode_gives_record_modes_bias_series(
    live: tuple[str, str, MonitoringService],
) -> None:
    """Two windows, two segments, unfair traffic, two rows in three labelled: the
    profiled model's bias series equal the recorded one's exactly, in every window."""
    url, key, service = live
    n = 12_000
    rows, seconds, region, labelled = _traffic(n)
    client = Client(url, key, model="profiled", version="v1", mode="profile",
                    max_queue=n, host_metrics_interval=None)  # fmt: skip
    for i in range(n):
        client.log_prediction(
            {"income": float(rows["income"][i]), "debt": float(rows["debt"][i]),
             "gender": str(rows["gender"][i])},
            int(rows["pred"][i]), score=float(rows["p"][i]),
            label=int(rows["y"][i]) if labelled[i] else None,
            timestamp=T0.timestamp() + float(seconds[i]), segment={"region": str(region[i])},
        )  # fmt: skip
    assert client.close(timeout=120)
    assert client.stats.sent == n and client.stats.failed == 0
    _assert_equal_to_records(service, n)


def test_counters_of_many_chunks_merge_to_record_modes(
    live: tuple[str, str, MonitoringService],
) -> None:
    """A window fed in many builder chunks (and posted twice, the second time a retry)
    counts each row once: the same series as records."""
    url, key, service = live
    n = 9_000
    rows, seconds, region, labelled = _traffic(n)
    http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})
    sink = ProfileSink(http, warn=lambda key, message: None, chunk_rows=700)
    items = [
        ("p", "profiled", "v1", f"i{i}", T0.timestamp() + float(seconds[i]),
         {"income": float(rows["income"][i]), "debt": float(rows["debt"][i]),
          "gender": str(rows["gender"][i])},
         int(rows["pred"][i]), float(rows["p"][i]), None, False, {"region": str(region[i])},
         int(rows["y"][i]) if labelled[i] else None)
        for i in range(n)
    ]  # fmt: skip
    for first in range(0, n, 1000):
        rest, lost, problem = sink.route(items[first : first + 1000], set())
        assert (rest, lost) == ([], 0), problem
    posts = sink.take()
    bias = [post for post in posts if "/bias-profiles?" in post.path]
    assert len(bias) == 4  # two windows x two segments
    for post in [*posts, *bias]:  # the bias posts twice: the retry counts once
        assert http.post(post.path, content=post.body, headers=post.headers).is_success
    http.close()
    _assert_equal_to_records(service, n)


def test_frames_give_record_modes_bias_series(
    live: tuple[str, str, MonitoringService],
) -> None:
    """The same traffic logged as Arrow tables (``log_predictions``, the frame path,
    ``label`` column with nulls) counts the same groups as records."""
    url, key, service = live
    n = 12_000
    rows, seconds, region, labelled = _traffic(n)
    table = pa.table(
        {
            "timestamp": pa.array(
                [T0 + timedelta(seconds=float(s)) for s in seconds], pa.timestamp("us", "UTC")
            ),
            "income": rows["income"],
            "debt": rows["debt"],
            "gender": rows["gender"],
            "region": region,
            "prediction": rows["pred"],
            "score": rows["p"],
            "label": pa.array(
                [int(rows["y"][i]) if labelled[i] else None for i in range(n)], pa.int64()
            ),
        }
    )
    client = Client(url, key, model="profiled", version="v1", mode="profile",
                    max_queue=n, host_metrics_interval=None)  # fmt: skip
    for first in range(0, n, 5_000):
        client.log_predictions(
            table.slice(first, 5_000), feature_columns=["income", "debt", "gender"],
            segment_columns=["region"],
        )  # fmt: skip
    assert client.close(timeout=120)
    assert client.stats.failed == 0
    _assert_equal_to_records(service, n)

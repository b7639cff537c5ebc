"""The client end to end against a loopback HTTP server: what arrives, from every input."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from tests.client.conftest import KEY, Recorder

from watchkeeper import InputError
from watchkeeper.client import Client

FAST: dict[str, Any] = {
    "model": "churn",
    "version": "v1",
    "flush_interval": 0.05,
    "retry_backoff": 0.01,
    "host_metrics_interval": None,
}


def test_one_prediction_arrives_as_the_wire_format_says(server: Recorder) -> None:
    stamp = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    with Client(server.url, KEY, **FAST) as client:
        record_id = client.log_prediction(
            {"age": 31, "plan": "gold"},
            prediction=1,
            score={"yes": 0.8, "no": 0.2},
            latency_ms=3.5,
            timestamp=stamp,
            segment={"region": "eu"},
        )
        assert client.flush(10)
        assert client.stats.sent == 1
    [post] = server.to("/predictions")
    assert post.path == "/v1/models/churn/predictions"
    assert post.headers["Authorization"] == f"Bearer {KEY}"
    assert post.headers["Content-Type"] == "application/vnd.apache.arrow.stream"
    assert post.body == {
        "version": "v1",
        "records": [
            {
                "id": record_id,
                "timestamp": "2024-05-01T12:30:00+00:00",
                "features": {"age": 31, "plan": "gold"},
                "prediction": 1,
                "score": {"yes": 0.8, "no": 0.2},
                "latency_ms": 3.5,
                "segment": {"region": "eu"},
            }
        ],
    }


def test_default_timestamp_is_now_in_utc(server: Recorder) -> None:
    before = datetime.now(UTC)
    with Client(server.url, **FAST) as client:
        client.log_prediction({"x": 1.0})
    after = datetime.now(UTC)
    [record] = server.records()
    stamp = datetime.fromisoformat(record["timestamp"])
    assert stamp.tzinfo is not None
    assert before.replace(microsecond=0) <= stamp <= after
    assert "Authorization" not in server.to("/predictions")[0].headers  # no key, no header


def test_ids_are_unique_and_given_ids_are_kept(server: Recorder) -> None:
    with Client(server.url, **FAST) as client:
        ids = [client.log_prediction({"x": i}) for i in range(1000)]
        assert client.log_prediction({"x": 0}, id="request-42") == "request-42"
    assert len(set(ids)) == 1000
    assert sorted(r["id"] for r in server.records()) == sorted([*ids, "request-42"])


def test_numpy_values_nan_and_naive_datetimes_are_encoded(server: Recorder) -> None:
    with Client(server.url, **FAST) as client:
        client.log_prediction(
            {"a": np.float32(1.5), "b": np.int64(7), "c": float("nan"), "d": np.array([1.0, 2.0])},
            prediction=np.bool_(True),
            score=np.float64(0.25),
            timestamp=datetime(2024, 1, 2, 3, 4, 5),
        )
    [record] = server.records()
    assert record["features"] == {"a": 1.5, "b": 7, "c": None, "d": [1.0, 2.0]}
    assert record["prediction"] is True
    assert record["score"] == 0.25
    assert record["timestamp"] == "2024-01-02T03:04:05+00:00"


def test_batches_never_exceed_batch_size(server: Recorder) -> None:
    with Client(server.url, **{**FAST, "batch_size": 10}) as client:
        for i in range(95):
            client.log_prediction({"x": i})
        assert client.flush(10)
    sizes = [len(post.body["records"]) for post in server.to("/predictions")]
    assert sum(sizes) == 95
    assert max(sizes) <= 10


def test_models_and_versions_go_to_their_own_paths(server: Recorder) -> None:
    with Client(server.url, **FAST) as client:
        client.log_prediction({"x": 1})
        client.log_prediction({"x": 2}, model="fraud", version="v7")
        client.log_prediction({"x": 3}, version="v2")
    bodies = {(p.path, p.body["version"]): p.body["records"] for p in server.to("/predictions")}
    assert {key: [r["features"]["x"] for r in records] for key, records in bodies.items()} == {
        ("/v1/models/churn/predictions", "v1"): [1],
        ("/v1/models/fraud/predictions", "v7"): [2],
        ("/v1/models/churn/predictions", "v2"): [3],
    }


FRAME = {
    "id": ["a", "b", "c"],
    "timestamp": [datetime(2024, 5, 1, 12, i, tzinfo=UTC) for i in range(3)],
    "age": [31, 40, 52],
    "plan": ["gold", "free", "gold"],
    "prediction": [1, 0, 1],
    "score.yes": [0.8, 0.3, 0.9],
    "latency_ms": [1.0, 2.0, 3.0],
    "region": ["eu", "us", "eu"],
}
ROWS = [dict(zip(FRAME, row, strict=True)) for row in zip(*FRAME.values(), strict=True)]
EXPECTED = [
    {
        "id": "a",
        "timestamp": "2024-05-01T12:00:00+00:00",
        "features": {"age": 31, "plan": "gold"},
        "prediction": 1,
        "score": {"yes": 0.8},
        "latency_ms": 1.0,
        "segment": {"region": "eu"},
    },
    {
        "id": "b",
        "timestamp": "2024-05-01T12:01:00+00:00",
        "features": {"age": 40, "plan": "free"},
        "prediction": 0,
        "score": {"yes": 0.3},
        "latency_ms": 2.0,
        "segment": {"region": "us"},
    },
    {
        "id": "c",
        "timestamp": "2024-05-01T12:02:00+00:00",
        "features": {"age": 52, "plan": "gold"},
        "prediction": 1,
        "score": {"yes": 0.9},
        "latency_ms": 3.0,
        "segment": {"region": "eu"},
    },
]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: pd.DataFrame(FRAME), id="pandas"),
        pytest.param(lambda: pl.DataFrame(FRAME), id="polars"),
        pytest.param(lambda: pa.table(FRAME), id="arrow"),
        pytest.param(lambda: pa.table(FRAME).to_batches()[0], id="arrow-batch"),
        pytest.param(lambda: ROWS, id="rows"),
    ],
)
def test_frames_and_rows_give_the_same_records(server: Recorder, make: Any) -> None:
    with Client(server.url, **FAST) as client:
        ids = client.log_predictions(make(), segment_columns=["region"])
    assert ids == ["a", "b", "c"]
    assert server.records() == EXPECTED


def test_rows_in_wire_shape_and_feature_columns(server: Recorder) -> None:
    with Client(server.url, **FAST) as client:
        client.log_predictions([{"id": "w", "features": {"k": 1}, "prediction": 2}])
        client.log_predictions(pa.table({"k": [1], "drop_me": [2]}), feature_columns=["k"])
    records = server.records()
    assert records[0]["id"] == "w"
    assert records[0]["features"] == {"k": 1}
    assert records[1]["features"] == {"k": 1}


def test_log_predictions_refuses_what_is_not_rows() -> None:
    with Client("http://127.0.0.1:9", **FAST) as client, pytest.raises(InputError, match="row 0"):
        client.log_predictions([1, 2, 3])


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: {"a": 1, "b": 0}, id="mapping"),
        pytest.param(lambda: [("a", 1), ("b", 0)], id="pairs"),
        pytest.param(lambda: [{"id": "a", "label": 1}, {"id": "b", "label": 0}], id="rows"),
        pytest.param(lambda: pd.DataFrame({"id": ["a", "b"], "label": [1, 0]}), id="pandas"),
        pytest.param(lambda: pl.DataFrame({"id": ["a", "b"], "label": [1, 0]}), id="polars"),
    ],
)
def test_labels_arrive_from_every_shape(server: Recorder, make: Any) -> None:
    with Client(server.url, **FAST) as client:
        assert client.log_labels(make()) == 2
    [post] = server.to("/labels")
    assert post.path == "/v1/models/churn/labels"
    assert post.body == {"labels": [{"id": "a", "label": 1}, {"id": "b", "label": 0}]}


def test_labels_of_the_wrong_shape_are_refused() -> None:
    with Client("http://127.0.0.1:9", **FAST) as client:
        with pytest.raises(InputError, match="'label'"):
            client.log_labels(pd.DataFrame({"id": ["a"], "y": [1]}))
        with pytest.raises(InputError, match="label 0"):
            client.log_labels([("a", 1, 2)])


def test_several_threads_log_without_loss_or_duplicates(server: Recorder) -> None:
    n_threads, per_thread = 8, 500
    with Client(server.url, **{**FAST, "batch_size": 100}) as client:
        ids: list[list[str]] = [[] for _ in range(n_threads)]

        def work(k: int) -> None:
            for i in range(per_thread):
                ids[k].append(client.log_prediction({"thread": k, "i": i}))

        threads = [threading.Thread(target=work, args=(k,)) for k in range(n_threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert client.flush(30)
        stats = client.stats
    received = [r["id"] for r in server.records()]
    assert len(received) == len(set(received)) == n_threads * per_thread
    assert set(received) == {i for chunk in ids for i in chunk}
    assert (stats.sent, stats.dropped, stats.failed) == (n_threads * per_thread, 0, 0)


def test_logging_after_close_is_counted_not_raised(server: Recorder) -> None:
    client = Client(server.url, **FAST)
    assert client.close(5)
    client.log_prediction({"x": 1})
    client.log_label("a", 1)
    assert client.stats.dropped == 2
    assert client.close(5)  # twice is harmless


def test_bad_features_never_raise_into_the_caller(server: Recorder) -> None:
    with Client(server.url, **FAST) as client:
        record_id = client.log_prediction(5)  # type: ignore[arg-type]  # the caller's mistake
        client.log_prediction({"x": object()})  # no JSON form: fails on the worker thread
        client.log_prediction({"x": 1})
        assert client.flush(10)
        stats = client.stats
    assert record_id
    assert (stats.dropped, stats.failed, stats.sent) == (1, 1, 1)


def test_records_without_a_model_fail_with_one_warning(
    server: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="watchkeeper.client")
    with Client(server.url, flush_interval=0.05, host_metrics_interval=None) as client:
        client.log_prediction({"x": 1})
        client.flush(10)
        client.log_prediction({"x": 2})
    assert client.stats.failed == 2
    assert server.to("/predictions") == []
    assert sum("model=" in message for message in caplog.messages) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"url": "localhost:8000"}, "not an HTTP URL"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_queue": 1.5}, "max_queue"),
        ({"flush_interval": -1}, "flush_interval"),
        ({"max_retries": -1}, "max_retries"),
        ({"host_metrics_interval": 0}, "host_metrics_interval"),
    ],
)
def test_bad_settings_are_refused_at_construction(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        Client(**{"url": "http://127.0.0.1:9", **kwargs})


def test_api_key_is_read_from_the_environment_and_hidden_from_repr(
    server: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHKEEPER_API_KEY", KEY)
    with Client(server.url, **FAST) as client:
        client.log_prediction({"x": 1})
        assert KEY not in repr(client)
        assert KEY not in str(vars(client).get("url"))
    assert server.to("/predictions")[0].headers["Authorization"] == f"Bearer {KEY}"


def test_a_forked_child_gets_a_new_id_prefix_and_thread(server: Recorder) -> None:
    with Client(server.url, **FAST) as client:
        before = client.log_prediction({"x": 1})
        assert client.flush(10)
        parent_worker = client._worker
        client._after_fork()  # what os.register_at_fork runs in a child
        parent_worker.stop(5)  # in a real child the parent's thread does not exist
        after = client.log_prediction({"x": 2})
        assert client.flush(10)
    assert before.split("-")[0] != after.split("-")[0]
    assert {r["id"] for r in server.records()} == {before, after}

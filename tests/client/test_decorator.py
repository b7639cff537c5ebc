"""@monitor: inputs, outputs, latency and exceptions of a predict function reach the server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from tests.client.conftest import Recorder

from watchkeeper.client import Client, monitor


@pytest.fixture
def client(server: Recorder) -> Iterator[Client]:
    with Client(
        server.url, model="churn", version="v1", flush_interval=0.05, host_metrics_interval=None
    ) as client:
        yield client


def test_one_record_with_inputs_output_and_latency(server: Recorder, client: Client) -> None:
    @monitor(client)
    def predict(features: dict[str, Any]) -> int:
        time.sleep(0.02)
        return int(features["age"] > 40)

    assert predict({"age": 52}) == 1
    assert predict.__name__ == "predict"
    client.flush(10)
    [record] = server.records()
    assert record["features"] == {"age": 52}
    assert record["prediction"] == 1
    assert record["latency_ms"] >= 20.0  # the call slept 20 ms
    assert "error" not in record
    assert record["id"] == predict.last_ids()[0]


class BoomError(RuntimeError):
    pass


def test_an_exception_is_logged_as_an_error_and_reraised(server: Recorder, client: Client) -> None:
    raised = BoomError("model file missing")

    @monitor(client)
    def predict(features: dict[str, Any]) -> int:
        raise raised

    with pytest.raises(BoomError) as caught:
        predict({"age": 1})
    assert caught.value is raised
    client.flush(10)
    [record] = server.records()
    assert record["error"] is True
    assert record["prediction"] is None
    assert record["features"] == {"age": 1}
    assert record["latency_ms"] >= 0


def test_a_2d_array_is_a_batch_with_named_columns(server: Recorder, client: Client) -> None:
    @monitor(client, feature_names=["a", "b"], segment={"tier": "gold"})
    def predict(x: np.ndarray) -> np.ndarray:
        return (x.sum(axis=1) > 3).astype(int)

    predict(np.array([[1.0, 1.0], [2.0, 3.0]]))
    client.flush(10)
    records = server.records()
    assert [r["features"] for r in records] == [{"a": 1.0, "b": 1.0}, {"a": 2.0, "b": 3.0}]
    assert [r["prediction"] for r in records] == [0, 1]
    assert {r["segment"]["tier"] for r in records} == {"gold"}
    assert len(set(predict.last_ids())) == 2
    assert records[0]["latency_ms"] == records[1]["latency_ms"]  # the call's latency


def test_frames_lists_scalars_and_keywords(server: Recorder, client: Client) -> None:
    @monitor(client)
    def predict(*args: Any, **kwargs: Any) -> Any:
        return {"prediction": 1, "score": 0.9} if kwargs else 0

    predict(pd.DataFrame({"age": [1, 2]}))
    predict(pa.table({"age": [3]}))
    predict([[5, 6]])
    predict([7, 8])
    predict("a prompt")
    predict(age=9)
    client.flush(10)
    records = server.records()
    assert [r["features"] for r in records] == [
        {"age": 1},
        {"age": 2},
        {"age": 3},
        {"x0": 5, "x1": 6},
        {"x0": 7, "x1": 8},
        {"input": "a prompt"},
        {"age": 9},
    ]
    # A single output for a batch cannot be split into rows: it is not guessed.
    assert [r["prediction"] for r in records] == [None, None, None, None, 0, 0, 1]
    assert records[-1]["score"] == 0.9


def test_a_method_skips_self(server: Recorder, client: Client) -> None:
    class Model:
        @monitor(client, model="fraud", version="v2")
        def predict(self, features: dict[str, Any]) -> str:
            return "ok"

    assert Model().predict({"amount": 10}) == "ok"
    client.flush(10)
    [post] = server.to("/predictions")
    assert post.path == "/v1/models/fraud/predictions"
    assert post.body["version"] == "v2"
    assert post.body["records"][0]["features"] == {"amount": 10}


def test_an_async_predict_function(server: Recorder, client: Client) -> None:
    @monitor(client)
    async def predict(features: dict[str, Any]) -> int:
        await asyncio.sleep(0)
        return 3

    async def main() -> tuple[int, tuple[str, ...]]:
        value = await predict({"x": 1})
        return value, predict.last_ids()

    value, ids = asyncio.run(main())
    assert value == 3
    client.flush(10)
    [record] = server.records()
    assert (record["prediction"], record["id"]) == (3, ids[0])


def test_logging_trouble_never_changes_the_result(server: Recorder, client: Client) -> None:
    @monitor(client)
    def predict(features: Any) -> object:
        return object()  # no JSON form: the record fails on the worker, the call succeeds

    result = predict({"x": 1})
    assert result is not None
    client.flush(10)
    assert client.stats.failed == 1

"""Labels that come with the prediction (``label=``, a ``label`` column) in record mode:
the prediction is posted, then its label under the same id; and the ids of the client
stay unique across the blocks they are made in."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from tests.client.conftest import KEY, Recorder

from watchkeeper.client import Client
from watchkeeper.client._ids import BLOCK, Ids

FAST: dict[str, Any] = {
    "model": "churn",
    "version": "v1",
    "flush_interval": 0.05,
    "host_metrics_interval": None,
}


def test_a_label_with_the_prediction_is_posted_under_its_id(server: Recorder) -> None:
    with Client(server.url, KEY, **FAST) as client:
        first = client.log_prediction({"age": 31}, 1, label=0)
        second = client.log_prediction({"age": 52}, 0)
        given = client.log_predictions(
            pa.table({"age": [40, 41], "prediction": [1, 1], "label": [1, None]})
        )
        assert client.flush(10)
    records = {record["id"]: record for record in server.records()}
    assert set(records) == {first, second, *given}
    assert all("label" not in record["features"] for record in records.values())
    labels = [label for post in server.to("/labels") for label in post.body["labels"]]
    assert sorted(labels, key=str) == sorted(
        [{"id": first, "label": 0}, {"id": given[0], "label": 1}], key=str
    )


def test_ids_are_the_prefix_and_a_hex_counter_across_blocks() -> None:
    ids = Ids()
    made = [next(ids.current, None) or ids.refill() for _ in range(2 * BLOCK + 3)]
    made += ids.take(BLOCK + 5)
    assert len(set(made)) == len(made)
    assert made[:3] == [f"{ids.prefix}{n:x}" for n in (1, 2, 3)]
    assert made[BLOCK - 1 : BLOCK + 2] == [
        f"{ids.prefix}{n:x}" for n in (BLOCK, BLOCK + 1, BLOCK + 2)
    ]

"""What each Spark task computes (``_partition``), without a JVM: the rows of a
partition, in Arrow batches as Spark hands them, give per (window, segment) the
profile of those rows (watchkeeper's single-process profile, itself checked against
scikit-learn in tests/performance), whatever the batch size and the key order."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper.integrations.spark._performance import (
    _SEGMENT,
    _WINDOW,
    _partition,
    profile_from_dict,
)
from watchkeeper.performance import classification_profile, probability_edges

HOUR = 3_600_000_000


def _rows(n: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    raw = rng.random((n, 3)) + np.eye(3)[y]
    scores = raw / raw.sum(axis=1, keepdims=True)
    return {
        "y": y, "pred": scores.argmax(axis=1), "scores": scores,
        "window": rng.integers(0, 5, n) * HOUR,
        "segment": rng.choice(["region=eu", "region=us", ""], n),
    }  # fmt: skip


def _batches(d: dict[str, Any], size: int, scored: bool) -> list[pa.RecordBatch]:
    columns = {"y": d["y"], "pred": d["pred"], _WINDOW: d["window"], _SEGMENT: d["segment"]}
    if scored:
        columns |= {f"p{k}": d["scores"][:, k] for k in range(3)}
    table = pa.table(columns)
    return table.to_batches(max_chunksize=size)


@pytest.mark.parametrize(("size", "scored"), [(1_000, True), (7_000, True), (997, False)])
def test_each_window_and_segment_gets_the_profile_of_its_rows(size: int, scored: bool) -> None:
    d = _rows(250_000, seed=size)
    scores = ("p0", "p1", "p2") if scored else ()
    out = list(_partition(iter(_batches(d, size, scored)), target="y", prediction="pred",
                          scores=scores, classes=(0, 1, 2), edges=probability_edges()))  # fmt: skip
    found: dict[tuple[int, str], Any] = {}
    for batch in out:
        for window, segment, text in zip(*batch.to_pydict().values(), strict=True):
            part = profile_from_dict({**json.loads(text), "edges": probability_edges()})
            key = (window, segment)
            found[key] = part if key not in found else found[key].merge(part)
    keys = {(int(w), str(s)) for w, s in zip(d["window"], d["segment"], strict=True)}
    assert set(found) == keys and len(keys) == 15
    for (window, segment), profile in found.items():
        rows = (d["window"] == window) & (d["segment"] == segment)
        matrix = d["scores"][rows] if scored else None
        want = classification_profile(d["y"][rows], d["pred"][rows], matrix, classes=[0, 1, 2])
        assert profile == want, (window, segment)
        assert profile.ranked is scored

"""Chunked realized performance: values equal scikit-learn on each chunk, alerts, segments."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn import metrics as skm

from watchkeeper import ColumnError
from watchkeeper.performance import (
    ConstantThreshold,
    PeriodChunker,
    SizeChunker,
    calculate_performance,
)


def _data(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = np.clip(rng.beta(2, 2, n) + shift, 0, 1)
    y = rng.binomial(1, p)
    return pd.DataFrame(
        {"y": y, "pred": (p > 0.5).astype(int), "p": p, "seg": rng.choice(["a", "b"], n)}
    )


def test_chunk_values_equal_sklearn_on_the_chunk() -> None:
    ref, cur = _data(5000, 0), _data(3000, 1)
    result = calculate_performance(
        ref, cur, y_true="y", y_pred="pred", y_score="p", chunker=SizeChunker(1000)
    )
    for chunk in result.metric("roc_auc").analysis:
        part = cur.iloc[chunk.start : chunk.end]
        assert chunk.value == pytest.approx(skm.roc_auc_score(part.y, part.p), rel=1e-9)
    for chunk in result.metric("f1").chunks[:5]:
        part = ref.iloc[chunk.start : chunk.end]
        assert chunk.value == pytest.approx(skm.f1_score(part.y, part.pred), rel=1e-9)
    assert len(result.metric("accuracy").chunks) == 8


def test_constant_threshold_alerts_on_the_bad_chunk() -> None:
    good, bad = _data(2000, 0), _data(1000, 1)
    bad["pred"] = 1 - bad["pred"]
    cur = pd.concat([good.iloc[:1000], bad], ignore_index=True)
    result = calculate_performance(
        good, cur, y_true="y", y_pred="pred", metrics=["accuracy"],
        chunker=SizeChunker(1000), threshold=ConstantThreshold(lower=0.6),
    )  # fmt: skip
    assert result.metric("accuracy").alerts == (1,)
    assert result.has_alerts


def test_segments_and_json_round_trip() -> None:
    ref, cur = _data(4000, 0), _data(2000, 1)
    result = calculate_performance(
        ref, cur, y_true="y", y_pred="pred", metrics=["recall"], segment="seg",
        chunker=SizeChunker(500),
    )  # fmt: skip
    seg_a = result.metric("recall", "a")
    rows = cur[cur.seg == "a"].iloc[seg_a.analysis[0].start : seg_a.analysis[0].end]
    assert seg_a.analysis[0].value == pytest.approx(skm.recall_score(rows.y, rows.pred))
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["schema_version"] == 2
    assert {m["segment"] for m in payload["metrics"]} == {None, "a", "b"}


def test_unlabelled_rows_are_left_out_and_counted() -> None:
    ref, cur = _data(2000, 0), _data(1000, 1)
    y = pa.array(cur.y.to_numpy(), pa.int64()).to_pylist()
    y[:250] = [None] * 250
    table = pa.table({"y": y, "pred": cur.pred, "p": cur.p})
    result = calculate_performance(
        ref, table, y_true="y", y_pred="pred", metrics=["accuracy"], chunker=SizeChunker(500)
    )
    first = result.metric("accuracy").analysis[0]
    assert (first.n_rows, first.n_labelled, first.label_coverage) == (500, 250, 0.5)
    part = cur.iloc[250:500]
    assert first.value == pytest.approx(skm.accuracy_score(part.y, part.pred))


def test_time_chunks_sort_rows_by_timestamp() -> None:
    ref = _data(600, 0)
    ref["ts"] = pd.date_range("2024-01-01", periods=600, freq="h")
    cur = ref.sample(frac=1.0, random_state=0)  # shuffled rows
    result = calculate_performance(
        ref, cur, y_true="y", y_pred="pred", metrics=["accuracy"], timestamp="ts",
        chunker=PeriodChunker("day"),
    )  # fmt: skip
    days = result.metric("accuracy").analysis
    assert len(days) == 25 and days[0].key == "2024-01-01" and days[0].n_rows == 24
    expected = skm.accuracy_score(ref.y[:24], ref.pred[:24])
    assert days[0].value == pytest.approx(expected)


def test_bad_input_messages_name_the_problem() -> None:
    ref, cur = _data(200, 0), _data(200, 1)
    with pytest.raises(ColumnError, match="'pred' is not in the current data"):
        calculate_performance(ref, cur.drop(columns="pred"), y_true="y", y_pred="pred")
    cur.loc[3, "p"] = 1.5
    with pytest.raises(ColumnError, match=r"not probabilities in 0\.\.1"):
        calculate_performance(ref, cur, y_true="y", y_pred="pred", y_score="p")
    cur = _data(200, 1)
    cur.loc[0, "pred"] = 7
    with pytest.raises(ColumnError, match=r"never seen in the reference: \[7\]"):
        calculate_performance(ref, cur, y_true="y", y_pred="pred")

"""Short leftovers join the chunk before them; too few reference chunks are called out."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from watchkeeper.performance import (
    MIN_REFERENCE_CHUNKS,
    FewReferenceChunksWarning,
    SizeChunker,
    calculate_performance,
)


def _binary(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 2, n)
    y = rng.binomial(1, p)
    return {"y": y, "pred": (p > 0.5).astype(int), "p": p}


def _specificity(y: np.ndarray, pred: np.ndarray) -> float:
    negatives = y == 0
    return float(np.sum(pred[negatives] == 0) / np.sum(negatives))


def test_341_reference_rows_give_ten_chunks_and_a_note() -> None:
    ref, cur = _binary(341, 0), _binary(341, 1)
    result = calculate_performance(ref, cur, y_true="y", y_pred="pred", metrics=["specificity"])
    spec = result.metric("specificity")
    reference = [c for c in spec.chunks if c.period == "reference"]
    # Default chunk size 341 // 10 = 34; ten chunks, the last [306:341] of 35 rows.
    assert [(c.start, c.end) for c in reference][-2:] == [(272, 306), (306, 341)]
    assert [c.n_rows for c in reference] == [34] * 9 + [35]
    assert [c.n_rows for c in spec.analysis] == [34] * 9 + [35]
    assert spec.n_reference_chunks == 10 and result.thresholds_reliable
    # Thresholds by hand: specificity on each reference chunk (checked against
    # scikit-learn's recall of the negative class), mean -/+ 3 sample std.
    values = np.array([_specificity(ref["y"][c.start : c.end], ref["pred"][c.start : c.end])
                       for c in reference])  # fmt: skip
    sk = [skm.recall_score(ref["y"][c.start : c.end], ref["pred"][c.start : c.end], pos_label=0)
          for c in reference]  # fmt: skip
    np.testing.assert_allclose(values, sk, rtol=1e-12)
    np.testing.assert_allclose([c.value for c in reference], values, rtol=1e-12)
    lower = values.mean() - 3 * values.std(ddof=1)
    assert spec.lower_threshold == pytest.approx(max(lower, 0.0), rel=1e-12)
    assert spec.lower_threshold is not None and spec.lower_threshold > 0.0
    assert result.notes == (
        "reference data: the last 1 row joined the chunk before it ([306:341], 35 rows) "
        "instead of forming a chunk of its own (chunk size 34)",
        "current data: the last 1 row joined the chunk before it ([306:341], 35 rows) "
        "instead of forming a chunk of its own (chunk size 34)",
    )
    assert json.loads(json.dumps(result.to_dict()))["notes"] == list(result.notes)


def test_a_leftover_of_half_a_chunk_stays_and_nothing_is_said() -> None:
    ref = _binary(1050, 0)  # chunks of 100: ten full ones and a leftover of 50 (= half)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = calculate_performance(
            ref, ref, y_true="y", y_pred="pred", metrics=["accuracy"], chunker=SizeChunker(100)
        )
    assert [c.n_rows for c in result.metric("accuracy").analysis][-2:] == [100, 50]
    assert result.notes == ()


def test_fewer_than_six_reference_chunks_warn_and_say_so_in_the_json() -> None:
    assert MIN_REFERENCE_CHUNKS == 6
    ref, cur = _binary(1000, 0), _binary(400, 1)
    message = (
        "thresholds rest on 5 reference chunks (fewer than 6) and are unreliable; "
        "use a smaller chunk size or more reference data"
    )
    with pytest.warns(FewReferenceChunksWarning) as caught:
        result = calculate_performance(
            ref, cur, y_true="y", y_pred="pred", metrics=["accuracy", "f1"],
            chunker=SizeChunker(200),
        )  # fmt: skip
    assert [str(w.message) for w in caught] == [message]  # once, not once per metric
    payload = result.to_dict()
    assert payload["n_reference_chunks"] == 5
    assert payload["thresholds_reliable"] is False
    assert [m["n_reference_chunks"] for m in payload["metrics"]] == [5, 5]
    assert payload["notes"] == [message]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        six = calculate_performance(
            _binary(1200, 0), cur,
            y_true="y", y_pred="pred", metrics=["accuracy"], chunker=SizeChunker(200),
        )  # fmt: skip
    assert (six.n_reference_chunks, six.thresholds_reliable) == (6, True)

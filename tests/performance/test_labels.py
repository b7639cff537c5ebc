"""Joining delayed labels by id: matches, gaps, unknown and duplicate ids."""

from __future__ import annotations

import pytest

from watchkeeper import ColumnError
from watchkeeper.performance import SizeChunker, calculate_performance, join_labels


def test_join_counts_every_case() -> None:
    preds = {"id": ["a", "b", "c", "d"], "pred": [0, 1, 1, 0]}
    labels = {"id": ["d", "a", "zz", "a"], "y": [0, 1, 1, 0]}
    table, join = join_labels(preds, labels, id_column="id", target="y", duplicates="last")
    assert table.column("y").to_pylist() == [0, None, None, 0]
    assert (join.n_matched, join.n_missing, join.n_unknown_ids, join.n_duplicate_ids) == (
        2, 2, 1, 1,
    )  # fmt: skip
    first, _ = join_labels(preds, labels, id_column="id", target="y", duplicates="first")
    assert first.column("y").to_pylist()[0] == 1


def test_duplicates_and_null_ids_are_errors_by_default() -> None:
    labels = {"id": [1, 1], "y": [0, 1]}
    with pytest.raises(ColumnError, match="repeats 1 ids"):
        join_labels({"id": [1, 2], "p": [0, 1]}, labels, id_column="id", target="y")
    with pytest.raises(ColumnError, match="predictions repeats ids"):
        join_labels({"id": [1, 1], "p": [0, 1]}, {"id": [1], "y": [0]}, id_column="id", target="y")
    with pytest.raises(ColumnError, match="null ids"):
        join_labels(
            {"id": [1, None], "p": [0, 1]}, {"id": [1], "y": [0]}, id_column="id", target="y"
        )


def test_coverage_reaches_the_result() -> None:
    ref = {"y": [0, 1] * 50, "pred": [0, 1] * 50}
    preds = {"id": list(range(100)), "pred": [0, 1] * 50}
    labels = {"id": list(range(0, 100, 2)), "y": [0] * 50}
    table, join = join_labels(preds, labels, id_column="id", target="y")
    result = calculate_performance(
        ref, table, y_true="y", y_pred="pred", metrics=["accuracy"], chunker=SizeChunker(50),
        label_join=join,
    )  # fmt: skip
    assert [c.label_coverage for c in result.metric("accuracy").analysis] == [0.5, 0.5]
    assert result.to_dict()["label_join"]["n_missing"] == 50

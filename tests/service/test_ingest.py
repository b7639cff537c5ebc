"""Validation of prediction batches: each bad record is refused alone, with the field."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import InputError
from watchkeeper.service._ingest import feature_kinds, ipc_to_table, prepare_batch, table_to_ipc

HOUR_US = 3_600_000_000
T = datetime(2024, 1, 1, 10, 30, tzinfo=UTC)
KINDS = {"age": "numeric", "plan": "categorical", "vip": "boolean"}


def _stamps(n: int) -> pa.Array:
    return pa.array([T] * n, pa.timestamp("us", tz="UTC"))


def _prepare(table: pa.Table, kinds=KINDS):
    return prepare_batch(table, kinds=kinds, model="churn", window_us=HOUR_US)


def test_a_clean_batch_is_shaped_for_the_store() -> None:
    batch = _prepare(
        pa.table(
            {
                "id": ["a", "b"],
                "timestamp": _stamps(2),
                "feature.age": [31.0, 40.0],
                "feature.plan": ["x", None],
                "prediction": ["yes", "no"],
                "score": [0.9, 0.1],
                "latency_ms": [3.0, 4.5],
                "error": [False, True],
                "segment.region": ["eu", "us"],
            }
        )
    )
    assert batch.rejected == [] and batch.duplicates_in_batch == 0
    micros = 1704105000000000  # 2024-01-01T10:30:00Z: date -d ... +%s is 1704105000
    start = 1704103200000000  # 10:00, the start of its hour
    assert batch.rows[0] == ("a", micros, start, "region=eu", '"yes"', 0.9, None, 3.0, False)
    assert batch.rows[1][3] == "region=us" and batch.rows[1][8] is True
    assert batch.features.column_names == ["id", "window_start", "segment", "age", "plan"]


def test_each_bad_record_is_rejected_with_its_field_and_fix() -> None:
    table = pa.table(
        {
            "id": ["ok", None, "nan", "inf", "text", "unknown", "neg"],
            "timestamp": _stamps(7),
            "feature.age": [1.0, 1.0, math.nan, math.inf, 1.0, 1.0, 1.0],
            "feature.vip": [None, None, None, None, "yes", None, None],
            "feature.colour": [None, None, None, None, None, "red", None],
            "latency_ms": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -5.0],
        }
    )
    batch = _prepare(table)
    assert [r[0] for r in batch.rows] == ["ok"]
    found = {(e.index, e.id, e.field) for e in batch.rejected}
    assert found == {
        (1, None, "id"),
        (2, "nan", "feature.age"),
        (3, "inf", "feature.age"),
        (4, "text", "feature.vip"),
        (5, "unknown", "feature.colour"),
        (6, "neg", "latency_ms"),
    }
    messages = {e.field: e.message for e in batch.rejected}
    assert "NaN" in messages["feature.age"] or "infinite" in messages["feature.age"]
    assert "not in model 'churn'" in messages["feature.colour"]
    assert "add it to the schema" in messages["feature.colour"]


def test_string_timestamps_need_a_time_zone() -> None:
    table = pa.table(
        {"id": ["a", "b", "c"], "timestamp": ["2024-01-01T10:00:00Z", "2024-01-01T10:00", "soon"]}
    )
    batch = _prepare(table)
    assert [r[0] for r in batch.rows] == ["a"]
    assert [e.message for e in batch.rejected] == [
        "'2024-01-01T10:00' has no time zone; add Z or +00:00",
        "'soon' is not ISO-8601; send e.g. 2024-05-01T12:00:00Z",
    ]


def test_repeated_ids_in_a_batch_are_duplicates() -> None:
    batch = _prepare(pa.table({"id": ["a", "a", "b", "a"], "timestamp": _stamps(4)}))
    assert [r[0] for r in batch.rows] == ["a", "b"]
    assert batch.duplicates_in_batch == 2


@pytest.mark.parametrize(
    ("table", "words"),
    [
        (pa.table({"id": ["a"], "timestamp": _stamps(1), "age": [1.0]}), "feature.<name>"),
        (pa.table({"timestamp": _stamps(1)}), "no 'id'"),
        (pa.table({"id": ["a"]}), "no 'timestamp'"),
        (pa.table({"id": ["a"], "timestamp": [1.5]}), "ISO-8601"),
    ],
)
def test_whole_batch_problems_are_input_errors(table: pa.Table, words: str) -> None:
    with pytest.raises(InputError, match=words.replace("<", ".").replace(">", ".")):
        _prepare(table)


def test_without_a_schema_any_feature_is_accepted() -> None:
    table = pa.table({"id": ["a"], "timestamp": _stamps(1), "feature.new": ["x"]})
    assert len(_prepare(table, kinds={}).rows) == 1


def test_schema_kinds_are_validated() -> None:
    with pytest.raises(InputError, match="use one of numeric"):
        feature_kinds({"features": {"age": "number"}})


def test_features_round_trip_through_ipc() -> None:
    table = pa.table({"id": ["a", "b"], "x": [1.5, None]})
    assert ipc_to_table([table_to_ipc(table), table_to_ipc(table)]).num_rows == 4
    assert ipc_to_table([]) is None


values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.none(), st.just(1.0), st.just(-2.0)
)


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e"])), max_size=30),
    data=st.data(),
)
def test_every_record_is_accepted_duplicated_or_rejected_once(ids, data) -> None:
    ages = data.draw(st.lists(values, min_size=len(ids), max_size=len(ids)))
    table = pa.table(
        {"id": pa.array(ids, pa.string()), "timestamp": _stamps(len(ids)), "feature.age": ages}
    )
    batch = _prepare(table)
    assert len(batch.rows) + batch.duplicates_in_batch + len(batch.rejected) == len(ids)
    assert len({r[0] for r in batch.rows}) == len(batch.rows)
    assert all(r[0] is not None for r in batch.rows)
    bad = {
        i
        for i, (rid, age) in enumerate(zip(ids, ages, strict=True))
        if rid is None or (age is not None and not math.isfinite(age))
    }
    assert {e.index for e in batch.rejected} == bad


def test_timestamps_without_a_zone_are_refused_for_the_batch() -> None:
    naive = pa.table(
        {"id": ["a"], "timestamp": pa.array([datetime(2024, 1, 1)], pa.timestamp("us"))}
    )
    with pytest.raises(InputError, match="no time zone"):
        _prepare(naive)


def test_the_short_schema_form_declares_features_too() -> None:
    assert feature_kinds(
        {"age": "Numeric", "plan": {"kind": "categorical"}, "segments": ["r"]}
    ) == {
        "age": "numeric",
        "plan": "categorical",
    }
    with pytest.raises(InputError, match="use one of numeric"):
        feature_kinds({"age": "number"})


@pytest.mark.parametrize(
    "values",
    [
        [1, None, -7, 2**62],
        [True, None, False],
        ["yes", None, 'quote " and é', "😀"],
        [0.1, None, 1.0, 1e16, -2.5e-7],
    ],
    ids=["int", "bool", "text", "float"],
)
def test_predictions_are_stored_as_json_text(values: list[Any]) -> None:
    n = len(values)
    table = pa.table(
        {"id": [f"r{i}" for i in range(n)], "timestamp": _stamps(n), "prediction": values}
    )
    texts = [row[4] for row in _prepare(table).rows]
    assert texts == [None if v is None else json.dumps(v) for v in values]
    assert [None if t is None else json.loads(t) for t in texts] == values

"""Encoding on the worker thread: JSON-safe values, ISO timestamps, frame columns to fields."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.client._encode import dumps, iso_utc, rows_from_data, to_jsonable

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


@given(values)
def test_to_jsonable_always_gives_strict_json(value: Any) -> None:
    text = json.dumps(to_jsonable(value), allow_nan=False)  # raises on NaN or infinity
    assert json.loads(text) == to_jsonable(value)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_finite_floats_survive_and_the_rest_become_null(x: float) -> None:
    assert to_jsonable(x) == (x if math.isfinite(x) else None)
    assert to_jsonable(np.float64(x)) == (x if math.isfinite(x) else None)


def test_numpy_values_become_python_values() -> None:
    assert to_jsonable(np.int32(3)) == 3
    assert to_jsonable(np.array([[1, 2], [3, 4]])) == [[1, 2], [3, 4]]
    assert to_jsonable(np.bool_(False)) is False
    with pytest.raises(TypeError, match="object"):
        to_jsonable(object())


def test_timestamps_become_utc_text() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert iso_utc(datetime(2024, 5, 1, 14, 0, tzinfo=plus_two)) == "2024-05-01T12:00:00+00:00"
    assert iso_utc(1714564800.0) == "2024-05-01T12:00:00+00:00"  # date -d @1714564800 -u
    assert datetime.fromisoformat(iso_utc(0.5)) == datetime(1970, 1, 1, 0, 0, 0, 500000, UTC)


def test_dumps_is_compact_and_refuses_nan() -> None:
    assert dumps({"a": 1, "b": [True, None]}) == b'{"a":1,"b":[true,null]}'


keys = st.sampled_from(
    [
        *("id", "timestamp", "prediction", "latency_ms", "error", "age", "plan"),
        *("score.yes", "score.no", "segment.region", "feature.size", "tier"),
    ]
)


@given(st.dictionaries(keys, st.integers(0, 9), min_size=1))
def test_every_column_lands_in_exactly_one_field(row: dict[str, int]) -> None:
    [record] = rows_from_data([row], segment_columns=["tier"])
    placed = {k: v for k, v in record.items() if k not in ("features", "segment", "score")}
    placed |= {("feature." + k if k == "size" else k): v for k, v in record["features"].items()}
    placed |= {
        (k if k == "tier" else "segment." + k): v for k, v in record.get("segment", {}).items()
    }
    placed |= {"score." + k: v for k, v in record.get("score", {}).items()}
    assert placed == row


def test_a_plain_score_column_wins_over_class_columns() -> None:
    [record] = rows_from_data([{"score": 0.3, "score.yes": 0.7, "x": 1}])
    assert record == {"score": 0.3, "features": {"x": 1}}


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(0, 4e9, allow_nan=False),
            st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_arrow_timestamps_are_the_instants_the_json_text_says(stamps: list[Any]) -> None:
    import pyarrow as pa

    from watchkeeper.client._arrow import encode_arrow

    items = [
        ("p", "m", "v1", str(i), t, {"x": 1.0}, 1, None, None, False, None)
        for i, t in enumerate(stamps)
    ]
    body = encode_arrow(items)
    assert body is not None
    column = pa.ipc.open_stream(body).read_all().column("timestamp")
    assert column.to_pylist() == [datetime.fromisoformat(iso_utc(t)) for t in stamps]


def test_arrow_columns_keep_the_values_and_fall_back_to_json_for_mixed_ones() -> None:
    import pyarrow as pa

    from watchkeeper.client._arrow import encode_arrow

    def item(i: int, features: dict[str, Any], score: Any = None) -> tuple[Any, ...]:
        return ("p", "m", "v1", f"r{i}", 0.0, features, i % 2, score, None, False, None)

    same = [item(0, {"age": 1.5, "plan": "a"}), item(1, {"plan": "b", "age": 2})]
    table = pa.ipc.open_stream(encode_arrow(same)).read_all()
    assert table.column("feature.age").to_pylist() == [1.5, 2.0]
    assert table.column("feature.plan").to_pylist() == ["a", "b"]
    ragged = [item(0, {"age": 1.5}), item(1, {"plan": "b"}, {"yes": 0.7})]
    table = pa.ipc.open_stream(encode_arrow(ragged)).read_all()
    assert table.column("feature.age").to_pylist() == [1.5, None]
    assert table.column("score.yes").to_pylist() == [None, 0.7]
    assert encode_arrow([item(0, {"age": 1.5}), item(1, {"age": "old"})]) is None
    assert encode_arrow([item(0, {"a": 1}, 0.5), item(1, {"a": 1}, {"yes": 0.5})]) is None

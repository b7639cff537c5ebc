"""The fast JSON reader equals the record-by-record one wherever it answers, and the
msgspec decoder equals the standard library's wherever it succeeds."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchkeeper._json import loads_marking
from watchkeeper.server._json_columns import decode_body, uniform_table
from watchkeeper.server._records import read_each, records_from_json

KINDS = {"age": "numeric", "member": "boolean", "plan": "categorical"}

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=True, width=64),
    st.text(max_size=3),
)
numbers = st.one_of(st.none(), st.integers(-5, 5), st.floats(-1e6, 1e6))
features = st.dictionaries(st.sampled_from(["age", "member", "plan", "x", "y"]), scalar, max_size=5)
record = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.none(), st.text(max_size=4), st.integers(0, 3)),
        "timestamp": st.one_of(st.none(), st.just("2024-05-01T12:00:00Z"), st.integers(0, 3)),
        "features": st.one_of(st.none(), features),
        "prediction": scalar,
        "score": st.one_of(
            numbers, st.dictionaries(st.sampled_from(["yes", "no"]), numbers, max_size=2)
        ),
        "latency_ms": st.one_of(numbers, st.booleans()),
        "error": st.one_of(st.none(), st.booleans(), st.integers(0, 1)),
        "segment": st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["region", "tier"]), st.one_of(st.text(max_size=2), st.none())
            ),
        ),
        "colour": st.just("red"),
    },
)


def _same(fast: pa.Table, slow: pa.Table) -> None:
    assert fast.column_names == slow.column_names
    assert fast.schema == slow.schema
    assert fast.equals(slow)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record, min_size=1, max_size=6))
def test_the_fast_reader_builds_the_record_by_record_table(records: list[dict[str, Any]]) -> None:
    fast = uniform_table(records, KINDS)
    if fast is None:
        return
    slow = read_each(records, KINDS)
    assert slow.rejected == ()
    assert slow.rows == tuple(range(len(records)))
    assert slow.table is not None
    _same(fast, slow.table)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "id": st.text(min_size=1, max_size=4),
    "timestamp": st.just("2024-05-01T12:00:00Z"),
    "features": st.fixed_dictionaries({"age": st.floats(-1e3, 1e3), "plan": st.text(max_size=2)},
                                      optional={"x": st.one_of(st.none(), st.integers(0, 9))}),
    "prediction": st.integers(0, 1),
    "score": st.floats(0, 1),
    "latency_ms": st.floats(0, 100),
}), min_size=1, max_size=8))  # fmt: skip
def test_the_common_batch_takes_the_fast_path(records: list[dict[str, Any]]) -> None:
    fast = uniform_table(records, KINDS)
    assert fast is not None  # would fail if the fast path stopped taking typical batches
    slow = read_each(records, KINDS).table
    assert slow is not None
    _same(fast, slow)
    assert fast.column("prediction").type == pa.int64()


def test_a_mixed_batch_is_read_record_by_record_with_the_same_errors() -> None:
    records = [
        {"id": "a", "timestamp": "2024-05-01T12:00:00Z", "features": {"age": 41}},
        {"id": "b", "timestamp": "2024-05-01T12:00:01Z", "features": {"age": "old"}},
    ]
    assert uniform_table(records, KINDS) is None
    prepared = records_from_json(records, KINDS)
    assert prepared.rows == (0,)
    [error] = prepared.rejected
    assert (error.index, error.field) == (1, "features.age")
    assert error.message == "expected a number, got 'old'; send a number or null"


texts = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**80), 2**80), st.floats(), st.text()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=10,
).map(lambda value: json.dumps(value).encode())


@settings(deadline=None)
@given(texts)
def test_decode_body_equals_the_standard_library(body: bytes) -> None:
    assert repr(decode_body(body)) == repr(loads_marking(body))


@pytest.mark.parametrize(
    "body",
    [b"NaN", b'{"a": Infinity}', b"[1e999]", b'["\\ud800"]', b"[18446744073709551616]",
     b"\xef\xbb\xbf[1]", b'{"a": 1, "a": 2}', b"[1] x", b"[1,]", b'["\xff"]', b""],
)  # fmt: skip
def test_decode_body_answers_or_fails_as_the_standard_library(body: bytes) -> None:
    try:
        expected: Any = repr(loads_marking(body))
    except (ValueError, UnicodeDecodeError) as error:
        expected = (type(error), str(error))
    try:
        found: Any = repr(decode_body(body))
    except (ValueError, UnicodeDecodeError) as error:
        found = (type(error), str(error))
    assert found == expected

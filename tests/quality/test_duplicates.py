"""Duplicate rows against pandas' ``DataFrame.duplicated().sum()``."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper.quality import _duplicates
from watchkeeper.quality._duplicates import count_duplicate_rows


def pandas_duplicates(table: pa.Table) -> int:
    return int(table.to_pandas().duplicated().sum())


def test_mixed_types_match_pandas(rng: np.random.Generator) -> None:
    n = 5000
    floats = rng.choice([0.5, 1.5, np.nan, -0.0, 0.0], n)
    start = datetime(2026, 1, 1)
    table = pa.table(
        {
            "f": floats,
            "i": pa.array(rng.integers(0, 3, n)),
            "s": pa.array(rng.choice(["a", "b", None], n).tolist()),
            "b": pa.array(rng.integers(0, 2, n).astype(bool)),
            "t": pa.array([start + timedelta(days=int(d)) for d in rng.integers(0, 2, n)]),
        }
    )
    expected = pandas_duplicates(table)
    assert expected > 0
    assert count_duplicate_rows(table) == (expected, None)


def test_many_chunks_and_dictionary_columns(rng: np.random.Generator) -> None:
    parts = [
        pa.table(
            {
                "c": pa.array(rng.choice(["x", "y"], 500)).dictionary_encode(),
                "s": pa.array(rng.choice(["p", "q", "r"], 500)),
                "k": rng.integers(0, 4, 500),
            }
        )
        for _ in range(4)
    ]
    table = pa.concat_tables(parts)
    assert table.column("s").num_chunks == 4
    assert count_duplicate_rows(table) == (pandas_duplicates(table), None)


def test_no_duplicates_and_all_duplicates(rng: np.random.Generator) -> None:
    unique = pa.table({"x": rng.normal(size=1000), "s": [str(i) for i in range(1000)]})
    assert count_duplicate_rows(unique) == (0, None)
    same = pa.table({"x": [1.0] * 100, "s": ["a"] * 100})
    assert count_duplicate_rows(same) == (99, None)


def test_nulls_nan_and_signed_zero_follow_pandas() -> None:
    table = pa.table(
        {
            "a": pa.array([None, float("nan"), -0.0, 0.0, 1.0, 1.0]),
            "b": pa.array([None, None, "z", "z", "y", None]),
            "n": pa.nulls(6),
        }
    )
    # (null, null) twice; (0.0, 'z') twice; (1.0, 'y') and (1.0, null) differ.
    assert pandas_duplicates(table) == 2
    assert count_duplicate_rows(table) == (2, None)


def test_collisions_are_resolved_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # With a zero multiplier a row's hash is its last column's code alone, so rows that
    # share 's' collide: the exact grouping of candidates must still count right.
    monkeypatch.setattr(_duplicates, "_MULTIPLIER", np.uint64(0))
    table = pa.table({"x": [1.0, 2.0, 1.0, -0.0, 0.0, None, 3.0], "s": list("abaccdd")})
    assert pandas_duplicates(table) == 2
    assert count_duplicate_rows(table) == (2, None)


def test_degenerate_tables() -> None:
    assert count_duplicate_rows(pa.table({"x": pa.array([], pa.float64())})) == (0, None)
    assert count_duplicate_rows(pa.table({"x": [1.0]})) == (0, None)
    assert count_duplicate_rows(pa.table({})) == (0, None)


def test_nested_columns_are_reported_not_guessed() -> None:
    table = pa.table({"x": [1.0, 1.0], "emb": [[0.1, 0.2], [0.1, 0.2]]})
    count, reason = count_duplicate_rows(table)
    assert count is None
    assert reason is not None and "'emb'" in reason


rows = st.lists(
    st.tuples(
        st.sampled_from([0.0, -0.0, 1.5, float("nan"), None]),
        st.sampled_from(["a", "b", None]),
        st.integers(-2, 2) | st.none(),
    ),
    min_size=0,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(rows)
def test_property_matches_pandas(data: list[tuple[float | None, str | None, int | None]]) -> None:
    table = pa.table(
        {
            "f": pa.array([r[0] for r in data], pa.float64()),
            "s": pa.array([r[1] for r in data], pa.string()),
            "i": pa.array([r[2] for r in data], pa.int64()),
        }
    )
    frame = pd.DataFrame(
        {
            "f": [np.nan if r[0] is None else r[0] for r in data],
            "s": [r[1] for r in data],
            "i": pd.array([r[2] for r in data], dtype="Int64"),
        }
    )
    expected = int(frame.duplicated().sum()) if data else 0
    assert count_duplicate_rows(table) == (expected, None)

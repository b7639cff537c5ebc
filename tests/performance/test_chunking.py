"""Chunkers cover the rows as documented."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper import InputError
from watchkeeper.performance import CountChunker, PeriodChunker, RollingChunker, SizeChunker


@given(st.integers(0, 500), st.integers(1, 50))
def test_size_chunks_partition_the_rows(n: int, size: int) -> None:
    chunks = SizeChunker(size).split(n)
    assert [c.start for c in chunks] == list(range(0, n, size))
    assert sum(c.size for c in chunks) == n
    assert all(c.size == size for c in chunks[:-1])


@given(st.integers(1, 500), st.integers(1, 20))
def test_count_chunks_are_near_equal(n: int, count: int) -> None:
    sizes = [c.size for c in CountChunker(count).split(n)]
    assert sum(sizes) == n
    assert max(sizes) - min(sizes) <= 1
    assert len(sizes) == min(count, n)


def test_weeks_start_on_monday_and_hours_split() -> None:
    # 2024-01-07 is a Sunday, 2024-01-08 a Monday.
    ts = np.array(["2024-01-07T23:00", "2024-01-08T00:30", "2024-01-14T12:00"], "datetime64[ns]")
    assert [(c.key, c.size) for c in PeriodChunker("week").split(3, ts)] == [
        ("2024-01-01", 1),
        ("2024-01-08", 2),
    ]
    assert len(PeriodChunker("hour").split(3, ts)) == 3
    with pytest.raises(InputError, match="timestamp"):
        PeriodChunker("day").split(3)


def test_rolling_windows_overlap() -> None:
    chunks = RollingChunker(5, 2).split(11)
    assert [(c.start, c.end) for c in chunks] == [(0, 5), (2, 7), (4, 9), (6, 11)]

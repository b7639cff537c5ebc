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
    chunks = SizeChunker(size, incomplete="keep").split(n)
    assert [c.start for c in chunks] == list(range(0, n, size))
    assert sum(c.size for c in chunks) == n
    assert all(c.size == size for c in chunks[:-1])


@given(st.integers(0, 500), st.integers(1, 50))
def test_default_size_chunks_merge_only_a_short_leftover(n: int, size: int) -> None:
    chunks = SizeChunker(size).split(n)
    assert sum(c.size for c in chunks) == n
    assert [c.end for c in chunks[:-1]] == [c.start for c in chunks[1:]]
    assert all(c.size == size for c in chunks[:-1])
    leftover = n % size
    if n > size and 0 < 2 * leftover < size:
        assert chunks[-1].size == size + leftover  # merged
    elif chunks:
        assert chunks[-1].size == (leftover or size)  # kept as it is


def test_341_rows_in_chunks_of_34_give_ten_chunks() -> None:
    # 341 = 10 * 34 + 1: the one leftover row joins chunk 9, which runs from 306 to 341.
    chunks = SizeChunker(34).split(341)
    assert len(chunks) == 10
    assert [c.size for c in chunks] == [34] * 9 + [35]
    assert (chunks[-1].start, chunks[-1].end, chunks[-1].key) == (306, 341, "[306:341]")
    # A leftover of exactly half a chunk (17 of 34) is kept: 357 = 10 * 34 + 17.
    assert [c.size for c in SizeChunker(34).split(357)][-2:] == [34, 17]
    # 16 of 34 is under half: merged.
    assert [c.size for c in SizeChunker(34).split(356)][-2:] == [34, 50]
    # A data set shorter than one chunk stays one chunk.
    assert [c.size for c in SizeChunker(34).split(5)] == [5]


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

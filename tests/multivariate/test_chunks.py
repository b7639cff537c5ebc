"""Chunk boundaries and reference-derived thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper import InputError
from watchkeeper.multivariate._chunks import build_chunks, chunk_bounds, sigma_thresholds


@given(st.integers(2, 5000), st.integers(1, 60))
def test_n_chunks_cover_rows_like_array_split(n_rows: int, n_chunks: int) -> None:
    if n_chunks * 2 > n_rows:
        with pytest.raises(InputError):
            chunk_bounds(n_rows, n_chunks=n_chunks)
        return
    bounds = chunk_bounds(n_rows, n_chunks=n_chunks)
    sizes = [len(part) for part in np.array_split(np.arange(n_rows), n_chunks)]
    assert [b - a for a, b in bounds] == sizes
    assert bounds[0][0] == 0 and bounds[-1][1] == n_rows


@given(st.integers(2, 5000), st.integers(2, 700))
def test_chunk_size_keeps_a_short_remainder(n_rows: int, size: int) -> None:
    bounds = chunk_bounds(n_rows, chunk_size=size)
    assert all(b - a == size for a, b in bounds[:-1])
    assert 0 < bounds[-1][1] - bounds[-1][0] <= size
    assert bounds[-1][1] == n_rows


def test_bad_chunking() -> None:
    with pytest.raises(InputError, match="not both"):
        chunk_bounds(100, chunk_size=10, n_chunks=2)
    with pytest.raises(InputError, match="too small"):
        chunk_bounds(100, chunk_size=1)


def test_sigma_thresholds_by_hand() -> None:
    # mean 2, population sd sqrt(2/3)
    lower, upper = sigma_thresholds([1.0, 2.0, 3.0], 3.0)
    assert lower == pytest.approx(2 - 3 * np.sqrt(2 / 3))
    assert upper == pytest.approx(2 + 3 * np.sqrt(2 / 3))
    assert sigma_thresholds([1.0, 2.0, 3.0], 3.0, lower_limit=0.0)[0] == 0.0


def test_alert_low_can_be_switched_off() -> None:
    chunks = build_chunks([(0, 5, 0.5, None)], [(0, 5, 0.1, None)], (0.4, 0.6), alert_low=False)
    assert [c.alert for c in chunks] == [False, False]
    chunks = build_chunks([(0, 5, 0.5, None)], [(0, 5, 0.1, None)], (0.4, 0.6))
    assert [c.alert for c in chunks] == [False, True]

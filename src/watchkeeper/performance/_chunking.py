"""Chunks: how the rows of a data set are cut into the pieces a metric is computed on.

A :class:`Chunk` is a row range ``[start, end)``. Rows are in time order when a
timestamp column is given (the data is stably sorted by it first), so the ranges of a
:class:`PeriodChunker` are contiguous; within a segment, positions count the rows of
that segment only.

* :class:`SizeChunker`: consecutive chunks of ``size`` rows; the last, incomplete chunk
  is merged into the one before when it has fewer than half ``size`` rows and kept
  otherwise (``incomplete="auto"``, the default), or always kept, dropped or merged.
  A leftover of a few rows would otherwise enter the reference baseline and thresholds
  with a huge sampling error (341 rows in chunks of 34: ten chunks, the last one
  ``[306:341]`` of 35 rows, instead of ten of 34 and one of 1).
* :class:`CountChunker`: ``count`` chunks of near-equal size (sizes differ by at most 1).
* :class:`PeriodChunker`: one chunk per calendar hour, day, ISO week (Monday first) or
  month of the timestamp; empty periods are skipped.
* :class:`RollingChunker`: overlapping windows of ``size`` rows every ``step`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from watchkeeper._exceptions import InputError

__all__ = ["Chunk", "Chunker", "CountChunker", "PeriodChunker", "RollingChunker", "SizeChunker"]


@dataclass(frozen=True)
class Chunk:
    """Rows ``start`` to ``end`` (exclusive), named by ``key``."""

    index: int
    start: int
    end: int
    key: str
    start_time: str | None = None
    end_time: str | None = None

    @property
    def size(self) -> int:
        """Number of rows in the chunk."""
        return self.end - self.start


class Chunker(Protocol):
    """Anything that cuts ``n_rows`` (time-ordered, when timestamps are given) into chunks."""

    def split(
        self, n_rows: int, timestamps: NDArray[np.datetime64] | None = None
    ) -> tuple[Chunk, ...]: ...


def _ranges(bounds: list[tuple[int, int]]) -> tuple[Chunk, ...]:
    return tuple(Chunk(i, s, e, f"[{s}:{e}]") for i, (s, e) in enumerate(bounds))


@dataclass(frozen=True)
class SizeChunker:
    """Chunks of ``size`` consecutive rows.

    >>> [c.key for c in SizeChunker(4).split(10)]
    ['[0:4]', '[4:8]', '[8:10]']
    >>> [c.key for c in SizeChunker(4, incomplete="merge").split(10)]
    ['[0:4]', '[4:10]']
    >>> [c.size for c in SizeChunker(34).split(341)][-2:]
    [34, 35]
    """

    size: int
    incomplete: Literal["auto", "keep", "drop", "merge"] = "auto"

    def split(
        self, n_rows: int, timestamps: NDArray[np.datetime64] | None = None
    ) -> tuple[Chunk, ...]:
        if self.size < 1:
            raise InputError(f"chunk size must be at least 1, not {self.size}")
        bounds = [(s, min(s + self.size, n_rows)) for s in range(0, n_rows, self.size)]
        if bounds and bounds[-1][1] - bounds[-1][0] < self.size:
            if self.incomplete == "drop":
                bounds.pop()
            elif self.incomplete in ("merge", "auto") and len(bounds) > 1:
                if self.incomplete == "auto" and 2 * (bounds[-1][1] - bounds[-1][0]) >= self.size:
                    return _ranges(bounds)
                last = bounds.pop()
                bounds[-1] = (bounds[-1][0], last[1])
        return _ranges(bounds)


def merge_note(chunker: Chunker, chunks: tuple[Chunk, ...], data: str) -> str | None:
    """What the output should say when a :class:`SizeChunker` merged a short leftover.

    >>> merge_note(SizeChunker(34), SizeChunker(34).split(341), "reference")
    'reference data: the last 1 row joined the chunk before it ([306:341], 35 rows) \
instead of forming a chunk of its own (chunk size 34)'
    """
    if not isinstance(chunker, SizeChunker) or not chunks or chunks[-1].size <= chunker.size:
        return None
    last = chunks[-1]
    extra = last.size - chunker.size
    rows = "row" if extra == 1 else "rows"
    return (
        f"{data} data: the last {extra} {rows} joined the chunk before it "
        f"({last.key}, {last.size} rows) instead of forming a chunk of its own "
        f"(chunk size {chunker.size})"
    )


@dataclass(frozen=True)
class CountChunker:
    """``count`` chunks of near-equal size.

    >>> [c.size for c in CountChunker(3).split(10)]
    [4, 3, 3]
    """

    count: int

    def split(
        self, n_rows: int, timestamps: NDArray[np.datetime64] | None = None
    ) -> tuple[Chunk, ...]:
        if self.count < 1:
            raise InputError(f"chunk count must be at least 1, not {self.count}")
        edges = [len(a) for a in np.array_split(np.arange(n_rows), min(self.count, max(n_rows, 1)))]
        stops = np.cumsum(edges).tolist()
        starts = [0, *stops[:-1]]
        return _ranges([(s, e) for s, e in zip(starts, stops, strict=True) if e > s])


_UNITS = {"hour": "h", "day": "D", "month": "M"}


@dataclass(frozen=True)
class PeriodChunker:
    """One chunk per calendar ``hour``, ``day``, ``week`` or ``month`` (needs timestamps).

    >>> ts = np.array(["2024-01-01T10", "2024-01-01T23", "2024-01-03T01"], dtype="datetime64[ns]")
    >>> [(c.key, c.size) for c in PeriodChunker("day").split(3, ts)]
    [('2024-01-01', 2), ('2024-01-03', 1)]
    """

    period: Literal["hour", "day", "week", "month"] = "day"

    def split(
        self, n_rows: int, timestamps: NDArray[np.datetime64] | None = None
    ) -> tuple[Chunk, ...]:
        if timestamps is None:
            raise InputError("chunking by period needs a timestamp column; pass timestamp=...")
        if self.period == "week":
            days = timestamps.astype("datetime64[D]").astype(np.int64)
            # 1970-01-01 was a Thursday: shift by 3 so that weeks start on Monday.
            floor = (days - (days + 3) % 7).astype("datetime64[D]")
        elif self.period in _UNITS:
            floor = timestamps.astype(f"datetime64[{_UNITS[self.period]}]")
        else:
            raise InputError(f"unknown period {self.period!r}; use hour, day, week or month")
        if n_rows == 0:
            return ()
        starts = np.r_[0, np.flatnonzero(floor[1:] != floor[:-1]) + 1]
        stops = np.r_[starts[1:], n_rows]
        return tuple(
            Chunk(i, int(s), int(e), str(floor[s]), str(timestamps[s]), str(timestamps[e - 1]))
            for i, (s, e) in enumerate(zip(starts, stops, strict=True))
        )


@dataclass(frozen=True)
class RollingChunker:
    """Overlapping windows of ``size`` rows, one every ``step`` rows.

    >>> [c.key for c in RollingChunker(4, 3).split(10)]
    ['[0:4]', '[3:7]', '[6:10]']
    """

    size: int
    step: int = 1

    def split(
        self, n_rows: int, timestamps: NDArray[np.datetime64] | None = None
    ) -> tuple[Chunk, ...]:
        if self.size < 1 or self.step < 1:
            raise InputError(
                f"window size and step must be at least 1, not {self.size}, {self.step}"
            )
        return _ranges([(s, s + self.size) for s in range(0, n_rows - self.size + 1, self.step)])

"""The profile of a numeric column: counts, extremes, moments, an exact histogram on
bins fixed by the reference, and the values themselves while they are few.

Every count and the histogram are exact and merge by addition; the mean and variance
come from exact sums (:mod:`watchkeeper.profile._sums`), so they do not depend on how
the rows were split into batches or partitions. Nothing is random: a reference's edges come from the
deterministic grid rule of :mod:`watchkeeper.stats._binning`, so the same data gives
the same bytes. Up to :data:`EXACT_VALUES` finite values are kept, sorted, so that
sample tests on small profiles (KS with scipy's exact p-value, Anderson-Darling, ...)
equal the raw-data result. Values outside the reference's ``[min, max]`` are counted
exactly too, because current data built with ``bins_from=reference`` knows its range.
Profiles on different edges merge by re-binning (:mod:`watchkeeper.profile._rebin`),
which is approximate within the bound kept in ``approximate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from watchkeeper.io._columns import _as_float
from watchkeeper.profile._moments import Moments
from watchkeeper.profile._sums import ExactSums
from watchkeeper.stats._binning import (
    FINE_BINS,
    GRID_CELLS,
    edges_from_grid,
    grid_counts,
    grid_cuts,
)

__all__ = [
    "EXACT_VALUES",
    "FINE_BINS",
    "NumericAccumulator",
    "NumericBins",
    "NumericProfile",
    "merge_types",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: A profile keeps its finite values while it has at most this many: scipy's
#: ``ks_2samp(method="auto")`` is exact up to this size, and so are profiles.
EXACT_VALUES = 10_000
# Cells of the lookup grid that spares most values a binary search over the edges.
_LOOKUP_CELLS = 1 << 16
# Most edges in one lookup cell for which stepping beats the binary search.
_MAX_STEPS = 4


def merge_types(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """The Arrow types seen on either side, sorted, so merging is commutative; ``null``
    (a batch with no value, or without the column) is dropped beside a real type.

    >>> merge_types(("int64",), ("double", "int64", "null"))
    ('double', 'int64')
    """
    seen = set(a) | set(b)
    if len(seen) > 1:
        seen.discard("null")
    return tuple(sorted(seen))


def _min_text(a: str | None, b: str | None) -> str | None:
    # The smaller of two examples rather than "the first": merge order must not matter.
    if a is None or b is None:
        return a if b is None else b
    return min(a, b)


@dataclass(frozen=True, eq=False)
class NumericBins:
    """Bin edges fixed by a reference: inner ``edges`` (bins ``(-inf, e0], (e0, e1], ...,
    (e_last, inf)``) and the reference's finite ``[low, high]`` range.

    >>> bins = NumericBins(np.array([1.0, 2.0]), 0.0, 3.0)
    >>> bins.n_bins, bins == NumericBins(np.array([1.0, 2.0]), 0.0, 3.0)
    (3, True)
    """

    edges: FloatArray
    low: float
    high: float

    @property
    def n_bins(self) -> int:
        return int(self.edges.size) + 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NumericBins):
            return NotImplemented
        return (
            self.low == other.low
            and self.high == other.high
            and np.array_equal(self.edges, other.edges)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-array contents; never a dict key

    @cached_property
    def _lookup(self) -> tuple[float, float, int, npt.NDArray[np.int32], FloatArray, int]:
        """A uniform grid over the edges' span: per cell, the number of edges in cells
        before it; the edges with ``inf`` after them; and the most edges any one cell
        holds."""
        lo, span = float(self.edges[0]), float(self.edges[-1] - self.edges[0])
        scale = _LOOKUP_CELLS / span if span > 0 and math.isfinite(span) else 0.0
        edge_cells = _cells(self.edges, lo, scale, _LOOKUP_CELLS + 1)
        per_cell = np.zeros(_LOOKUP_CELLS + 2, dtype=np.int32)
        np.add.at(per_cell, edge_cells, 1)
        before = np.cumsum(per_cell, dtype=np.int32) - per_cell
        padded = np.append(self.edges, np.inf)
        return lo, scale, _LOOKUP_CELLS + 1, before, padded, int(per_cell.max())

    def count(
        self, finite: FloatArray, bounds: tuple[float, float] | None = None
    ) -> tuple[IntArray, int, int]:
        """Counts per bin, and of values below ``low`` and above ``high``; ``bounds``
        (the values' min and max, when known) tells whether a cell can overflow."""
        lo, scale, top, before, padded, most = self._lookup
        if most > _MAX_STEPS:
            # Edges crowd into few cells (a far outlier edge): the binary search.
            positions = np.searchsorted(self.edges, finite, side="left")
        else:
            # Every edge in an earlier cell is below the value, every edge in a later
            # one above it; the edges of its own cell are compared one step at a time.
            # take, and intp positions: numpy's fancy indexing is several times slower.
            # Rounding is monotonic: if the bounds' cells are finite, every value's is.
            wide = bounds is None or not (
                math.isfinite((bounds[0] - lo) * scale) and math.isfinite((bounds[1] - lo) * scale)
            )
            positions = before.take(_cells(finite, lo, scale, top, wide)).astype(np.intp)
            for _ in range(most):
                positions += finite > padded.take(positions)
        counts = np.bincount(positions, minlength=self.n_bins).astype(np.int64, copy=False)
        below = int(np.count_nonzero(finite < self.low))
        above = int(np.count_nonzero(finite > self.high))
        return counts, below, above


def _cells(
    values: FloatArray, lo: float, scale: float, top: int, wide: bool = True
) -> npt.NDArray[np.intp]:
    """``(v - lo) * scale`` clipped to ``[0, top]`` and truncated. Each step rounds
    monotonically, so ``v <= e`` implies ``cell(v) <= cell(e)``: a value whose cell holds
    no edge is above exactly the edges of the cells before it."""
    if scale == 0.0:
        # Edges spanning beyond the float range: one cell (0 * inf would be NaN).
        return np.zeros(values.size, dtype=np.intp)
    if wide:
        with np.errstate(over="ignore"):
            # Values far beyond the edges (about 1e300 away): inf, clipped to the top.
            scaled = np.subtract(values, lo)
            scaled *= scale
    else:
        scaled = np.subtract(values, lo)
        scaled *= scale
    np.minimum(scaled, float(top), out=scaled)
    np.maximum(scaled, 0.0, out=scaled)
    return scaled.astype(np.intp)


@dataclass(frozen=True, eq=False)
class NumericProfile:
    """What a profile keeps of a numeric column.

    ``n_rows = n_null + n_nan + n_pos_inf + n_neg_inf + n_type_mismatch + n_finite``.
    ``counts`` (with ``n_below``/``n_above``) exists when ``bins`` does. ``values`` holds
    the sorted finite values while there are at most :data:`EXACT_VALUES`.
    ``approximate`` is 0.0 when ``counts`` are exact; after a merge that re-binned a
    part onto other edges, it bounds the error of every cumulative share read from
    ``counts`` (a fraction of ``n_finite``). ``sums`` are the exact sums ``moments``
    was rounded from (None after merging parts with different pivots, whose moments
    then merge by Chan et al.'s update).
    """

    name: str
    n_rows: int
    n_null: int
    n_nan: int
    n_pos_inf: int
    n_neg_inf: int
    n_type_mismatch: int
    first_mismatch: str | None
    moments: Moments
    min: float | None
    max: float | None
    values: FloatArray | None = None
    arrow_types: tuple[str, ...] = ()
    bins: NumericBins | None = None
    counts: IntArray | None = None
    n_below: int = 0
    n_above: int = 0
    approximate: float = 0.0
    sums: ExactSums | None = None
    kind: str = field(default="numeric", init=False)

    @property
    def n_finite(self) -> int:
        return self.moments.n

    @property
    def n_missing(self) -> int:
        return self.n_null + self.n_nan

    def quantile(self, q: float) -> float | None:
        """A quantile, deterministic: exact (numpy's linear rule) from the kept values,
        else linear within a fine bin of the histogram; None without either.

        >>> import numpy as np
        >>> from watchkeeper.profile import profile_source
        >>> profile_source({"x": np.arange(11.0)})["x"].quantile(0.5)
        5.0
        """
        if self.n_finite == 0:
            return None
        if self.values is not None:
            return float(np.quantile(self.values, q))
        if self.bins is None or self.counts is None:
            return None
        assert self.min is not None and self.max is not None
        x = np.concatenate(([self.min], np.clip(self.bins.edges, self.min, self.max), [self.max]))
        shares = np.concatenate(([0.0], np.cumsum(self.counts) / max(int(self.counts.sum()), 1)))
        return float(np.interp(q, shares, x))

    def merge(self, other: NumericProfile) -> NumericProfile:
        if self.bins != other.bins:
            from watchkeeper.profile._rebin import merge_rebinned

            return merge_rebinned(self, other)
        counts = None
        if self.counts is not None and other.counts is not None:
            counts = self.counts + other.counts
        return self.combine(
            other,
            bins=self.bins,
            counts=counts,
            n_below=self.n_below + other.n_below,
            n_above=self.n_above + other.n_above,
            approximate=max(self.approximate, other.approximate),
        )

    def combine(
        self,
        other: NumericProfile,
        *,
        bins: NumericBins | None,
        counts: IntArray | None,
        n_below: int,
        n_above: int,
        approximate: float,
    ) -> NumericProfile:
        """Both sides' counts, extremes, moments and values, with the histogram given."""
        sums = None
        if self.sums is not None and other.sums is not None:
            sums = self.sums.merge(other.sums)
        return NumericProfile(
            name=self.name,
            n_rows=self.n_rows + other.n_rows,
            n_null=self.n_null + other.n_null,
            n_nan=self.n_nan + other.n_nan,
            n_pos_inf=self.n_pos_inf + other.n_pos_inf,
            n_neg_inf=self.n_neg_inf + other.n_neg_inf,
            n_type_mismatch=self.n_type_mismatch + other.n_type_mismatch,
            first_mismatch=_min_text(self.first_mismatch, other.first_mismatch),
            moments=self.moments.merge(other.moments) if sums is None else sums.moments(),
            min=_extreme(min, self.min, other.min),
            max=_extreme(max, self.max, other.max),
            values=_merge_values(self.values, other.values),
            arrow_types=merge_types(self.arrow_types, other.arrow_types),
            bins=bins,
            counts=counts,
            n_below=n_below,
            n_above=n_above,
            approximate=approximate,
            sums=sums,
        )


def _merge_values(a: FloatArray | None, b: FloatArray | None) -> FloatArray | None:
    if a is None or b is None or a.size + b.size > EXACT_VALUES:
        return None
    merged = np.concatenate((a, b))
    merged.sort(kind="stable")
    return merged


def _extreme(
    pick: Callable[[float, float], float], a: float | None, b: float | None
) -> float | None:
    if a is None or b is None:
        return a if b is None else b
    return float(pick(a, b))


class NumericAccumulator:
    """The mutable state of a numeric column while batches stream through.

    With ``bins`` it counts on those edges; with ``grid=(low, high)`` (a reference's
    exact range, from a first pass) it counts on the grid of
    :mod:`watchkeeper.stats._binning` and :meth:`result` turns the grid into the
    reference's fine edges and exact counts.
    """

    def __init__(
        self,
        name: str,
        *,
        bins: NumericBins | None = None,
        grid: tuple[float, float] | None = None,
    ) -> None:
        self.name = name
        self.bins = bins
        self.grid = None if bins is not None else grid
        self._counts: IntArray | None = None
        if bins is not None:
            self._counts = np.zeros(bins.n_bins, dtype=np.int64)
        self._grid_counts: IntArray | None = None
        self._n = [0, 0, 0, 0, 0, 0, 0, 0]  # rows, null, nan, +inf, -inf, bad, below, above
        self._first_bad: str | None = None
        # The pivot every part of the same data shares: the reference's minimum.
        pivot = bins.low if bins is not None else (grid[0] if grid is not None else 0.0)
        self._sums = ExactSums(pivot)
        self._min: float | None = None
        self._max: float | None = None
        self._types: set[str] = set()
        self._values: list[FloatArray] | None = []

    def update(self, column: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(column, pa.Array):
            column = pa.chunked_array([column])
        self._types.add(str(column.type))
        as_float, n_bad, first_bad = _as_float(column)
        n = self._n
        n[0] += len(column)
        n[1] += as_float.null_count - n_bad
        n[5] += n_bad
        if first_bad is not None:
            self._first_bad = _min_text(self._first_bad, str(first_bad))
        chunks = [c.to_numpy(zero_copy_only=False) for c in as_float.chunks]
        raw = chunks[0] if len(chunks) == 1 else np.concatenate(chunks or [np.empty(0)])
        raw = np.asarray(raw, dtype=np.float64)
        finite_mask = np.isfinite(raw)
        if finite_mask.all():
            finite = raw
        else:
            finite = raw[finite_mask]
            # Arrow turns nulls into NaN on the way to numpy; they are counted as nulls.
            n[2] += int(np.count_nonzero(np.isnan(raw))) - as_float.null_count
            n[3] += int(np.count_nonzero(np.isposinf(raw)))
            n[4] += int(np.count_nonzero(np.isneginf(raw)))
        if finite.size == 0:
            return
        low, high = float(finite.min()), float(finite.max())
        sums = self._sums.merge(ExactSums.of(finite, self._sums.pivot, (low, high)))
        assert sums is not None
        self._sums = sums
        self._min = low if self._min is None else min(self._min, low)
        self._max = high if self._max is None else max(self._max, high)
        if self._values is not None:
            if self._sums.n <= EXACT_VALUES:
                self._values.append(np.array(finite, dtype=np.float64))
            else:
                self._values = None
        if self.bins is not None and self._counts is not None:
            counts, below, above = self.bins.count(finite, (low, high))
            self._counts += counts
            n[6] += below
            n[7] += above
        elif self.grid is not None:
            cells = grid_counts(finite, *self.grid)
            if self._grid_counts is None:
                self._grid_counts = cells
            else:
                self._grid_counts += cells

    def grid_cuts(self) -> npt.NDArray[np.intp] | None:
        """The cut cells of this column's grid (None without one), for segments to share."""
        if self._grid_counts is None:
            return None
        return grid_cuts(self._grid_counts)

    def _histogram(
        self, cuts: npt.NDArray[np.intp] | None
    ) -> tuple[NumericBins | None, IntArray | None]:
        if self.bins is not None and self._counts is not None:
            return self.bins, self._counts.copy()
        if self.grid is None:
            return None, None
        low, high = self.grid
        grid = self._grid_counts
        if grid is None:
            if cuts is None:
                return None, None
            grid = np.zeros(GRID_CELLS, dtype=np.int64)
        edges, counts = edges_from_grid(grid, low, high, cuts=cuts)
        return NumericBins(edges, low, high), counts

    def result(self, cuts: npt.NDArray[np.intp] | None = None) -> NumericProfile:
        """The profile so far; ``cuts`` (the whole data's :meth:`grid_cuts`) puts a
        segment's grid counts on the whole's edges."""
        n = self._n
        values = None
        if self._values is not None:
            values = np.concatenate(self._values) if self._values else np.empty(0)
            values.sort()
        bins, counts = self._histogram(cuts)
        return NumericProfile(
            name=self.name,
            n_rows=n[0],
            n_null=n[1],
            n_nan=n[2],
            n_pos_inf=n[3],
            n_neg_inf=n[4],
            n_type_mismatch=n[5],
            first_mismatch=self._first_bad,
            moments=self._sums.moments(),
            min=self._min,
            max=self._max,
            values=values,
            arrow_types=merge_types(tuple(self._types), ()),
            bins=bins,
            counts=counts,
            n_below=n[6],
            n_above=n[7],
            sums=self._sums,
        )

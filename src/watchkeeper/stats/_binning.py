"""Bins fixed by the reference, chosen by one deterministic rule on every path.

The rule (docs/profiles.md, "Bin edges"): the reference's exact finite ``[low, high]``
is cut into :data:`GRID_CELLS` equal cells; a value's cell is
``floor((v - low) * GRID_CELLS / (high - low))`` clipped to the grid, an IEEE
computation that gives the same integer on every machine, batch and partition. The
exact count of the reference in every cell fixes up to :data:`FINE_BINS` *fine* edges:
the upper boundary of the first cell where the cumulative count reaches ``k / FINE_BINS``
of the total. A policy's ``n_bins`` *coarse* edges are the first fine edges where the
cumulative share reaches ``k / n_bins``. Each edge is the largest float whose cell is at
most the cut cell, so binning by edges (``(-inf, e0], (e0, e1], ..., (e_last, inf)``)
and binning by cells agree value for value: a profile's counts, a re-count on the edges
and the raw report's counts are the same integers, and so are PSI, Jensen-Shannon,
Hellinger and chi-squared. No random sketch is involved.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "FINE_BINS",
    "GRID_CELLS",
    "bin_counts",
    "coarse_starts",
    "edges_from_grid",
    "grid_cells",
    "grid_counts",
    "grid_cuts",
    "quantile_edges",
    "reference_edges",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Equal cells between the reference's exact minimum and maximum.
GRID_CELLS = 1 << 16
#: The most fine edges a reference keeps (each bin near 0.1% of its rows).
FINE_BINS = 1000


def _scale(low: float, high: float) -> float:
    span = high - low
    return GRID_CELLS / span if span > 0 and np.isfinite(span) else 0.0


def grid_cells(values: FloatArray, low: float, high: float) -> npt.NDArray[np.intp]:
    """The grid cell of each finite value, clipped to ``[0, GRID_CELLS - 1]``.

    >>> grid_cells(np.array([0.0, 0.5, 1.0, 7.0]), 0.0, 1.0).tolist()
    [0, 32768, 65535, 65535]
    """
    if np.isfinite(high - low):
        scaled = (values - low) * _scale(low, high)
    else:  # a range wider than the doubles: halves are exact at these magnitudes
        scaled = (values * 0.5 - low * 0.5) * _scale(low * 0.5, high * 0.5)
    np.clip(scaled, 0.0, float(GRID_CELLS - 1), out=scaled)
    return np.floor(scaled, out=scaled).astype(np.intp)


def grid_counts(values: FloatArray, low: float, high: float) -> IntArray:
    """Exact counts of finite ``values`` in every grid cell (they add across batches).

    >>> int(grid_counts(np.arange(10.0), 0.0, 9.0).sum())
    10
    """
    counts = np.bincount(grid_cells(values, low, high), minlength=GRID_CELLS)
    return counts.astype(np.int64, copy=False)


def _keys(values: FloatArray) -> npt.NDArray[np.int64]:
    """Integers in the order of the doubles (adjacent doubles differ by one)."""
    bits = values.view(np.int64)
    return np.where(bits < 0, -(bits & np.int64(0x7FFFFFFFFFFFFFFF)), bits)


def _floats(keys: npt.NDArray[np.int64]) -> FloatArray:
    bits = np.where(keys < 0, (-keys) | np.int64(-0x8000000000000000), keys)
    return bits.astype(np.int64).view(np.float64)


def _upper_edges(cells: npt.NDArray[np.intp], low: float, high: float) -> FloatArray:
    """For each cell ``c`` (below the last), the largest float whose grid cell is at
    most ``c``: a bisection over the doubles between ``low`` (cell 0) and ``high``
    (the last cell), at most 64 steps whatever the scale of the data."""
    below = np.full(cells.size, _keys(np.asarray([low]))[0], dtype=np.int64)
    above = np.full(cells.size, _keys(np.asarray([high]))[0], dtype=np.int64)
    while True:
        open_ = above - 1 > below
        if not open_.any():
            return _floats(below)
        # Halves first: the keys of -x and x differ by up to 2**64, past int64.
        middle = (below >> 1) + (above >> 1) + (below & above & 1)
        fits = grid_cells(_floats(middle), low, high) <= cells
        below = np.where(open_ & fits, middle, below)
        above = np.where(open_ & ~fits, middle, above)


def grid_cuts(grid: IntArray, n_bins: int = FINE_BINS) -> npt.NDArray[np.intp]:
    """The cells whose upper boundaries are the fine edges: the first cell where the
    cumulative count reaches ``k / n_bins`` of the total, for ``k = 1 .. n_bins - 1``.

    >>> grid_cuts(grid_counts(np.arange(4.0), 0.0, 3.0), n_bins=2).tolist()
    [21845]
    """
    total = int(grid.sum())
    if total == 0:
        return np.empty(0, dtype=np.intp)
    cumulative = np.cumsum(grid)
    targets = total * np.arange(1, n_bins) / n_bins
    cuts = np.unique(np.searchsorted(cumulative, targets, side="left"))
    # The last cell holds the maximum: it has no upper edge inside the range.
    return cuts[cuts < GRID_CELLS - 1].astype(np.intp)


def edges_from_grid(
    grid: IntArray,
    low: float,
    high: float,
    n_bins: int = FINE_BINS,
    cuts: npt.NDArray[np.intp] | None = None,
) -> tuple[FloatArray, IntArray]:
    """Fine edges (at most ``n_bins - 1``) from a reference's exact grid counts, and its
    exact counts in the bins they make; ``cuts`` (another grid's :func:`grid_cuts` on
    the same range) imposes that grid's edges instead.

    >>> grid = grid_counts(np.arange(100.0), 0.0, 99.0)
    >>> edges, counts = edges_from_grid(grid, 0.0, 99.0, n_bins=4)
    >>> edges.round(3).tolist(), counts.tolist()
    ([24.001, 49.001, 74.001], [25, 25, 25, 25])
    """
    total = int(grid.sum())
    if _scale(low, high) == 0.0:
        # A constant reference: one edge at the constant, every value at or below it.
        return np.asarray([low], dtype=np.float64), np.asarray([total, 0], dtype=np.int64)
    if cuts is None:
        cuts = grid_cuts(grid, n_bins)
    counts = np.add.reduceat(grid, np.concatenate(([0], cuts + 1))).astype(np.int64)
    return _upper_edges(cuts, low, high), counts


def reference_edges(
    sorted_reference: FloatArray, n_bins: int = FINE_BINS
) -> tuple[FloatArray, IntArray]:
    """:func:`edges_from_grid` for one sorted array of finite values (the raw path).

    >>> reference_edges(np.arange(100.0), n_bins=4)[1].tolist()
    [25, 25, 25, 25]
    """
    if sorted_reference.size == 0:
        return np.empty(0, dtype=np.float64), np.zeros(1, dtype=np.int64)
    low, high = float(sorted_reference[0]), float(sorted_reference[-1])
    return edges_from_grid(grid_counts(sorted_reference, low, high), low, high, n_bins)


def coarse_starts(fine_counts: IntArray, n_bins: int) -> IntArray:
    """Where each of (at most) ``n_bins`` coarse bins starts among the fine bins: at
    the first fine edge where the cumulative share reaches ``k / n_bins``.

    >>> coarse_starts(np.array([10, 10, 10, 10, 0]), 2).tolist()
    [0, 2]
    """
    cumulative = np.cumsum(fine_counts)
    targets = cumulative[-1] * np.arange(1, n_bins) / n_bins
    # The last fine bin is open above: it has no upper edge to cut at.
    cut = np.unique(
        np.clip(np.searchsorted(cumulative, targets, side="left"), 0, fine_counts.size - 2)
    )
    return np.concatenate(([0], cut + 1)).astype(np.int64)


def quantile_edges(sorted_reference: FloatArray, n_bins: int = 10) -> FloatArray:
    """The coarse edges of the rule above for a sorted reference: the fine edges of
    :func:`reference_edges`, then the first where the share reaches ``k / n_bins``.

    >>> quantile_edges(np.arange(1.0, 11.0), n_bins=5).round(3).tolist()
    [2.0, 4.0, 6.0, 8.0]
    >>> quantile_edges(np.full(4, 3.0), n_bins=10).tolist()
    [3.0]
    """
    fine_edges, fine_counts = reference_edges(sorted_reference)
    if fine_edges.size <= 1:
        return fine_edges
    starts = coarse_starts(fine_counts, n_bins)
    return fine_edges[starts[1:] - 1]


def bin_counts(sorted_values: FloatArray, edges: FloatArray) -> IntArray:
    """Counts of ``sorted_values`` in the bins ``(-inf, e0], (e0, e1], ..., (e_last, inf)``.

    ``sorted_values`` must be sorted ascending; that makes this ``O(bins * log n)``.

    >>> bin_counts(np.array([1.0, 2.0, 2.0, 5.0, 9.0]), np.array([2.0, 5.0]))
    array([3, 1, 1])
    """
    positions = np.searchsorted(sorted_values, edges, side="right")
    bounds = np.concatenate(([0], positions, [sorted_values.size]))
    return np.diff(bounds).astype(np.int64, copy=False)

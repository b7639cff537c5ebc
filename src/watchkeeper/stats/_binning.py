"""Bins fixed by the reference, so that binned statistics are exact on profiles.

Numeric columns are binned on the reference's quantiles; the outer bins are open
(``-inf`` and ``+inf``), so current values outside the reference's range land in the
first or last bin instead of being dropped.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["bin_counts", "quantile_edges"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def quantile_edges(sorted_reference: FloatArray, n_bins: int = 10) -> FloatArray:
    """Inner bin edges at the reference's quantiles, duplicates removed.

    The result has at most ``n_bins - 1`` strictly increasing edges; the bins are
    ``(-inf, e0], (e0, e1], ..., (e_last, +inf)``. A constant reference gives one edge,
    hence two bins (at or below the constant, above it).

    >>> quantile_edges(np.arange(1.0, 11.0), n_bins=5)
    array([2.8, 4.6, 6.4, 8.2])
    >>> quantile_edges(np.full(4, 3.0), n_bins=10)
    array([3.])
    """
    if sorted_reference.size == 0:
        return np.empty(0, dtype=np.float64)
    probs = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    edges = np.unique(np.quantile(sorted_reference, probs, method="linear"))
    if edges.size == 0:
        edges = np.asarray([sorted_reference[0]], dtype=np.float64)
    return edges.astype(np.float64, copy=False)


def bin_counts(sorted_values: FloatArray, edges: FloatArray) -> IntArray:
    """Counts of ``sorted_values`` in the bins ``(-inf, e0], (e0, e1], ..., (e_last, inf)``.

    ``sorted_values`` must be sorted ascending; that makes this ``O(bins * log n)``.

    >>> bin_counts(np.array([1.0, 2.0, 2.0, 5.0, 9.0]), np.array([2.0, 5.0]))
    array([3, 1, 1])
    """
    positions = np.searchsorted(sorted_values, edges, side="right")
    bounds = np.concatenate(([0], positions, [sorted_values.size]))
    return np.diff(bounds).astype(np.int64, copy=False)

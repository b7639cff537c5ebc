"""Cutting rows into chunks, and thresholds from the reference chunks.

A chunked measure is computed on consecutive row ranges of the reference and of the
current data. The reference chunks show how much the measure moves when nothing has
changed; the default thresholds are their mean +/- ``k_sigma`` standard deviations
(population standard deviation, ``ddof=0``, as NannyML does), clipped to the range
the measure can take.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from watchkeeper._exceptions import InputError
from watchkeeper.multivariate._results import ChunkValue

__all__ = [
    "DEFAULT_N_CHUNKS",
    "build_chunks",
    "chunk_bounds",
    "resolve_thresholds",
    "sigma_thresholds",
]

DEFAULT_N_CHUNKS = 10
Bounds = tuple[float | None, float | None]


def chunk_bounds(
    n_rows: int, *, chunk_size: int | None = None, n_chunks: int | None = None
) -> list[tuple[int, int]]:
    """Row ranges ``[start, stop)`` of consecutive chunks.

    With ``chunk_size`` a shorter remainder is kept as the last chunk; with ``n_chunks``
    (default 10 when neither is given) the rows are split as evenly as possible.

    >>> chunk_bounds(10, chunk_size=4)
    [(0, 4), (4, 8), (8, 10)]
    >>> chunk_bounds(10, n_chunks=3)
    [(0, 4), (4, 7), (7, 10)]
    """
    if chunk_size is not None and n_chunks is not None:
        raise InputError("give chunk_size or n_chunks, not both")
    if chunk_size is not None:
        if chunk_size < 2:
            raise InputError(f"chunk_size={chunk_size} is too small; give at least 2")
        return [(s, min(s + chunk_size, n_rows)) for s in range(0, n_rows, chunk_size)]
    count = DEFAULT_N_CHUNKS if n_chunks is None else n_chunks
    if count < 1 or count * 2 > n_rows:
        raise InputError(
            f"n_chunks={count} does not fit {n_rows} rows; give 1 to {n_rows // 2} chunks"
        )
    # np.array_split's rule: the first n_rows % count chunks get one extra row.
    sizes = np.full(count, n_rows // count)
    sizes[: n_rows % count] += 1
    edges = np.concatenate([[0], np.cumsum(sizes)])
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]


def sigma_thresholds(
    values: Sequence[float],
    k_sigma: float,
    *,
    lower_limit: float | None = None,
    upper_limit: float | None = None,
) -> Bounds:
    """Mean +/- ``k_sigma`` population standard deviations, clipped to the limits.

    >>> sigma_thresholds([1.0, 2.0, 3.0], 1.0, lower_limit=1.5)
    (1.5, 2.816496580927726)
    """
    array = np.asarray(values, dtype=np.float64)
    mean, std = float(array.mean()), float(array.std())
    lower, upper = mean - k_sigma * std, mean + k_sigma * std
    if lower_limit is not None:
        lower = max(lower, lower_limit)
    if upper_limit is not None:
        upper = min(upper, upper_limit)
    return lower, upper


def resolve_thresholds(
    thresholds: Bounds | None,
    reference_values: Sequence[float],
    k_sigma: float,
    *,
    lower_limit: float | None = None,
    upper_limit: float | None = None,
) -> Bounds:
    """Constant ``thresholds`` when given, else :func:`sigma_thresholds` of the reference.

    >>> resolve_thresholds((None, 0.65), [0.5, 0.5], 3.0)
    (None, 0.65)
    """
    if thresholds is not None:
        lower, upper = thresholds
        if lower is not None and upper is not None and lower > upper:
            raise InputError(f"thresholds={thresholds} has lower above upper; swap them")
        return lower, upper
    if k_sigma < 0:
        raise InputError(f"k_sigma={k_sigma} is negative; give a number of deviations >= 0")
    return sigma_thresholds(
        reference_values, k_sigma, lower_limit=lower_limit, upper_limit=upper_limit
    )


def build_chunks(
    reference: Sequence[tuple[int, int, float, float | None]],
    current: Sequence[tuple[int, int, float, float | None]],
    bounds: Bounds,
    *,
    alert_low: bool = True,
) -> tuple[ChunkValue, ...]:
    """Reference then current chunks with thresholds and alert flags.

    Each input item is ``(start, stop, value, sampling_error)``. ``alert_low=False``
    for measures where only a high value means drift (a classifier's AUC).
    """
    lower, upper = bounds
    out: list[ChunkValue] = []
    for period, items in (("reference", reference), ("current", current)):
        for index, (start, stop, value, error) in enumerate(items):
            too_high = upper is not None and value > upper
            too_low = alert_low and lower is not None and value < lower
            out.append(
                ChunkValue(
                    index, period, start, stop, value, error, lower, upper, too_high or too_low
                )
            )
    return tuple(out)

"""Data reconstruction error after PCA: a larger error is worse.

The reference is standardised (its mean and standard deviation; a constant column is
only centred) and compressed to the fewest principal components that explain
``variance_share`` of its variance (65 % by default, as NannyML). Each row of either
set is projected onto those components and back; its reconstruction error is the
Euclidean distance between the standardised row and its reconstruction. A chunk's
value is the mean error of its rows. When the relations between features change, the
components no longer fit and the error rises, even if no feature drifts on its own.

Thresholds are the mean +/- 3 standard deviations of the reference chunks' values
(lower limit 0), and each chunk carries a sampling error: the standard deviation of
the reference rows' errors over the square root of the chunk's size.

Categorical columns are one-hot encoded and numeric nulls imputed with the reference
mean (rules in ``watchkeeper.multivariate._encode``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError
from watchkeeper.multivariate._chunks import build_chunks, chunk_bounds, resolve_thresholds
from watchkeeper.multivariate._encode import encode_pair
from watchkeeper.multivariate._results import MultivariateDriftResult

__all__ = ["pca_reconstruction_drift", "reconstruction_errors"]

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]


def _fit(reference: Matrix, variance_share: float) -> tuple[Vector, Vector, Matrix, float]:
    mean = reference.mean(axis=0)
    scale = reference.std(axis=0)
    scale[scale == 0] = 1.0
    standard = (reference - mean) / scale
    # The d x d scatter matrix is symmetric positive semi-definite, so its SVD is its
    # eigen-decomposition; working on it keeps memory at O(d^2) for millions of rows.
    _, singular, vt = np.linalg.svd(standard.T @ standard)
    total = float(singular.sum())
    if total <= 0:
        raise InputError("every reference column is constant; PCA has nothing to model")
    share = np.cumsum(singular) / total
    n_components = int(np.searchsorted(share, variance_share - 1e-12) + 1)
    n_components = min(n_components, len(singular))
    return mean, scale, vt[:n_components], float(share[n_components - 1])


def _errors(rows: Matrix, mean: Vector, scale: Vector, components: Matrix) -> Vector:
    standard = (rows - mean) / scale
    reconstructed = (standard @ components.T) @ components
    return np.asarray(np.linalg.norm(standard - reconstructed, axis=1), dtype=np.float64)


def reconstruction_errors(
    reference: Any,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    variance_share: float = 0.65,
) -> tuple[Vector, Vector]:
    """Per-row reconstruction errors of reference and current under the reference PCA.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(500, 2)) @ np.array([[1.0, 0.9], [0.0, 0.3]])
    >>> cur = rng.normal(size=(500, 2))
    >>> r, c = reconstruction_errors(ref, cur)
    >>> bool(c.mean() > 2 * r.mean())
    True
    """
    if not 0 < variance_share <= 1:
        raise InputError(f"variance_share={variance_share} must be in (0, 1]")
    pair = encode_pair(reference, current, columns=columns, categorical=categorical)
    mean, scale, components, _ = _fit(pair.reference, variance_share)
    return (
        _errors(pair.reference, mean, scale, components),
        _errors(pair.current, mean, scale, components),
    )


def pca_reconstruction_drift(
    reference: Any,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    variance_share: float = 0.65,
    chunk_size: int | None = None,
    n_chunks: int | None = None,
    k_sigma: float = 3.0,
    thresholds: tuple[float | None, float | None] | None = None,
) -> MultivariateDriftResult:
    """Mean PCA reconstruction error per chunk, with thresholds from reference chunks.

    ``reference`` and ``current`` are 2-D numpy arrays, or tables/DataFrames with
    ``columns`` (default: all) and ``categorical`` names. Chunks are ``chunk_size`` rows,
    or ``n_chunks`` (default 10) even parts of each set. ``thresholds=(lower, upper)``
    replaces the reference-derived band.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> mix = np.array([[1.0, 0.9, 0.0], [0.0, 0.3, 0.0], [0.0, 0.0, 1.0]])
    >>> ref = rng.normal(size=(2000, 3)) @ mix
    >>> cur = rng.normal(size=(2000, 3)) @ mix
    >>> cur[1000:, 1] = rng.normal(size=1000)  # x1 no longer follows x0
    >>> result = pca_reconstruction_drift(ref, cur, n_chunks=4)
    >>> [c.alert for c in result.current_chunks]
    [False, False, True, True]
    """
    if not 0 < variance_share <= 1:
        raise InputError(f"variance_share={variance_share} must be in (0, 1]")
    pair = encode_pair(reference, current, columns=columns, categorical=categorical)
    mean, scale, components, explained = _fit(pair.reference, variance_share)
    ref_errors = _errors(pair.reference, mean, scale, components)
    cur_errors = _errors(pair.current, mean, scale, components)
    row_std = float(ref_errors.std())

    def summarise(errors: Vector, bounds: list[tuple[int, int]]) -> list[Any]:
        return [(a, b, float(errors[a:b].mean()), row_std / np.sqrt(b - a)) for a, b in bounds]

    ref_items = summarise(
        ref_errors, chunk_bounds(len(ref_errors), chunk_size=chunk_size, n_chunks=n_chunks)
    )
    cur_items = summarise(
        cur_errors, chunk_bounds(len(cur_errors), chunk_size=chunk_size, n_chunks=n_chunks)
    )
    bounds = resolve_thresholds(
        thresholds, [item[2] for item in ref_items], k_sigma, lower_limit=0.0
    )
    return MultivariateDriftResult(
        method="pca_reconstruction",
        chunks=build_chunks(ref_items, cur_items, bounds),
        lower_threshold=bounds[0],
        upper_threshold=bounds[1],
        higher_is_worse=True,
        parameters={
            "n_components": components.shape[0],
            "n_features": components.shape[1],
            "variance_share": variance_share,
            "explained_variance": explained,
            "k_sigma": k_sigma,
        },
    )

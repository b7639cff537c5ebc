"""Model uncertainty descriptors and their drift.

From the predicted class probabilities of each row:

* ``prediction_entropy``: Shannon entropy in nats, ``-sum p log p`` (0 for a certain
  prediction, ``log K`` for a uniform one over ``K`` classes; ``normalize=True`` divides
  by ``log K`` to land in [0, 1]). Higher is more uncertain.
* ``prediction_margin``: the top probability minus the runner-up (1 for a certain
  prediction, 0 for a tie). Lower is more uncertain.

A binary model may give one score column, the probability of the positive class; it
is read as the two probabilities ``[1 - s, s]``.

Probabilities must lie in [0, 1] and each row of a matrix must sum to 1 within
``tolerance`` (default ``1e-3``: generous enough for float32 softmax output and
probabilities rounded to 4 decimals, tight enough to catch raw scores or logits);
otherwise an ``InputError`` names the first bad row. Nothing is renormalised.

``uncertainty_drift`` compares the distributions of both descriptors between a
reference and a current set with the two-sample Kolmogorov-Smirnov test
(``scipy.stats.ks_2samp``, drift when its p-value is below ``alpha``) and the
Wasserstein distance divided by the reference descriptor's standard deviation
(population, ``ddof=0``; when that is 0 the distance is left unscaled).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from watchkeeper._exceptions import InputError
from watchkeeper.multivariate._results import DescriptorDrift, UncertaintyDriftResult

__all__ = [
    "DEFAULT_TOLERANCE",
    "prediction_entropy",
    "prediction_margin",
    "uncertainty_drift",
    "validate_probabilities",
]

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]
DEFAULT_TOLERANCE = 1e-3


def _as_array(scores: Any) -> Matrix:
    if type(scores).__module__.split(".")[0] == "pyarrow" and hasattr(scores, "columns"):
        scores = np.column_stack(
            [np.asarray(c.to_numpy(), dtype=np.float64) for c in scores.columns]
        )
    try:
        array = np.array(scores, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("probabilities must be numbers in [0, 1]") from None
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    return array


def validate_probabilities(scores: Any, *, tolerance: float = DEFAULT_TOLERANCE) -> Matrix:
    """The rows x classes probability matrix, checked; a 1-D score becomes ``[1 - s, s]``.

    >>> validate_probabilities([0.25, 1.0]).tolist()
    [[0.75, 0.25], [0.0, 1.0]]
    >>> validate_probabilities([[0.5, 0.6]])
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.InputError: row 0 of the probabilities sums to 1.1, not 1 ...
    """
    array = _as_array(scores)
    if array.ndim not in (1, 2) or array.size == 0:
        raise InputError(
            f"probabilities have shape {array.shape}; give one score per row (binary) "
            "or a rows x classes matrix"
        )
    flat = array.reshape(len(array), -1)
    bad_value = ~((flat >= 0) & (flat <= 1)).all(axis=1)  # NaN fails both comparisons
    if bad_value.any():
        row = int(np.argmax(bad_value))
        raise InputError(
            f"row {row} of the probabilities has {flat[row].tolist()}, outside [0, 1] or "
            "missing; pass probabilities, not logits or raw scores, and drop missing rows"
        )
    if array.ndim == 1:
        return np.column_stack([1.0 - array, array])
    if array.shape[1] < 2:
        raise InputError("a probability matrix needs at least 2 class columns")
    sums = array.sum(axis=1)
    off = np.abs(sums - 1.0) > tolerance
    if off.any():
        row = int(np.argmax(off))
        raise InputError(
            f"row {row} of the probabilities sums to {round(float(sums[row]), 6)}, not 1 "
            f"(tolerance {tolerance}); apply softmax or normalise the rows"
        )
    return array


def prediction_entropy(
    scores: Any, *, normalize: bool = False, tolerance: float = DEFAULT_TOLERANCE
) -> Vector:
    """Shannon entropy (nats) of each row's predicted distribution; higher is less certain.

    >>> prediction_entropy([[0.5, 0.5], [1.0, 0.0]]).round(4).tolist()
    [0.6931, 0.0]
    >>> prediction_entropy([0.5, 0.9], normalize=True).round(4).tolist()
    [1.0, 0.469]
    """
    probabilities = validate_probabilities(scores, tolerance=tolerance)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(probabilities > 0, probabilities * np.log(probabilities), 0.0)
    entropy = np.asarray(-terms.sum(axis=1), dtype=np.float64)
    if normalize:
        entropy = entropy / np.log(probabilities.shape[1])
    return np.maximum(entropy, 0.0)


def prediction_margin(scores: Any, *, tolerance: float = DEFAULT_TOLERANCE) -> Vector:
    """Top probability minus the runner-up for each row; lower is less certain.

    >>> prediction_margin([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]).round(4).tolist()
    [0.2, 0.7]
    >>> prediction_margin([0.9, 0.5]).round(4).tolist()
    [0.8, 0.0]
    """
    probabilities = validate_probabilities(scores, tolerance=tolerance)
    top_two = np.partition(probabilities, -2, axis=1)[:, -2:]
    return np.asarray(top_two[:, 1] - top_two[:, 0], dtype=np.float64)


def _descriptor_drift(name: str, ref: Vector, cur: Vector, alpha: float) -> DescriptorDrift:
    ks = stats.ks_2samp(ref, cur)
    distance = float(stats.wasserstein_distance(ref, cur))
    spread = float(ref.std())
    return DescriptorDrift(
        name=name,
        ks_statistic=float(ks.statistic),
        ks_p_value=float(ks.pvalue),
        wasserstein_normalized=distance / spread if spread > 0 else distance,
        reference_mean=float(ref.mean()),
        current_mean=float(cur.mean()),
        alpha=alpha,
    )


def uncertainty_drift(
    reference_scores: Any,
    current_scores: Any,
    *,
    alpha: float = 0.05,
    tolerance: float = DEFAULT_TOLERANCE,
) -> UncertaintyDriftResult:
    """Compare entropy and margin between reference and current predictions.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.beta(8, 2, size=2000)  # a confident binary model
    >>> cur = rng.beta(3, 2, size=2000)  # a less confident one
    >>> result = uncertainty_drift(ref, cur)
    >>> result.drifted, round(result.margin.current_mean - result.margin.reference_mean, 2)
    (True, -0.23)
    """
    if not 0 < alpha < 1:
        raise InputError(f"alpha={alpha} must be between 0 and 1")
    ref = validate_probabilities(reference_scores, tolerance=tolerance)
    cur = validate_probabilities(current_scores, tolerance=tolerance)
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"reference has {ref.shape[1]} classes and current has {cur.shape[1]}; "
            "give the same class columns in the same order"
        )
    return UncertaintyDriftResult(
        entropy=_descriptor_drift(
            "entropy", prediction_entropy(ref), prediction_entropy(cur), alpha
        ),
        margin=_descriptor_drift("margin", prediction_margin(ref), prediction_margin(cur), alpha),
        n_reference=len(ref),
        n_current=len(cur),
    )

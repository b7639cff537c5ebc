"""Drift of embeddings the application logs (prompt or response vectors): larger is worse.

Three methods, registered by name in :data:`EMBEDDING_METHODS` with what their
statistic means:

- ``mmd``: maximum mean discrepancy with an RBF kernel, from
  :mod:`watchkeeper.multivariate`: the exact permutation test while both sides together
  hold at most ``exact_max_rows`` rows, random Fourier features (analytic p-value) above;
  standardisation off, since embedding dimensions share one scale;
- ``centroid``: the Euclidean distance between the two mean embeddings, with a seeded
  permutation p-value ``(1 + #{permuted >= observed}) / (1 + n_permutations)``
  (rows shuffled between the sides); the cosine distance between the means is reported
  alongside. Cheap, and blind to changes that keep the mean (a wider spread);
- ``classifier``: the cross-validated ROC AUC of a classifier telling current rows from
  reference rows (:func:`watchkeeper.multivariate.domain_classifier_auc`); 0.5 means
  indistinguishable; drift when it reaches ``auc_threshold`` (no p-value).

Input is a 2-D array (rows are texts), a list of vectors, or an Arrow list column.
Everything random is drawn from ``numpy.random.default_rng(random_state)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from watchkeeper._deprecation import deprecated_property
from watchkeeper._exceptions import InputError, UnknownMethodError

__all__ = [
    "EMBEDDING_METHODS",
    "EmbeddingDriftResult",
    "EmbeddingMethod",
    "as_embedding_matrix",
    "embedding_drift",
]

Matrix = npt.NDArray[np.float64]
RESULT_VERSION = 1
_PERMUTATION_BATCH = 64


@dataclass(frozen=True, kw_only=True)
class EmbeddingDriftResult:
    """Embedding drift: the method's statistic, its p-value (None for ``classifier``)."""

    method: str
    statistic: float
    p_value: float | None
    drifted: bool
    n_reference: int
    n_current: int
    dimensions: int
    details: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    drift_detected = deprecated_property("drifted", "drift_detected")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form for JSON."""
        return {
            "result_type": "embedding_drift",
            "version": RESULT_VERSION,
            "method": self.method,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "drifted": self.drifted,
            "drift_detected": self.drifted,  # the old key, kept while readers move
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "dimensions": self.dimensions,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class EmbeddingMethod:
    """A registered embedding-drift method and how to read its statistic."""

    name: str
    func: Callable[..., EmbeddingDriftResult]
    statistic: str
    has_p_value: bool


def as_embedding_matrix(values: Any, side: str = "embeddings") -> Matrix:
    """``values`` as a finite float64 matrix (rows x dimensions), or an InputError.

    >>> as_embedding_matrix([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if values.null_count:
            raise InputError(f"the {side} hold {values.null_count} missing vectors; drop them")
        values = values.to_pylist()
    try:
        matrix = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"the {side} must be vectors of one length (a 2-D array); some rows differ "
            "in length or hold values that are not numbers"
        ) from None
    if matrix.ndim != 2:
        raise InputError(f"the {side} must be 2-D (rows x dimensions), got {matrix.ndim}-D")
    if len(matrix) < 2 or matrix.shape[1] < 1:
        raise InputError(f"the {side} need at least 2 rows of at least 1 dimension")
    if not np.isfinite(matrix).all():
        raise InputError(f"the {side} hold NaN or infinite values; drop or repair those rows")
    return matrix


def _mmd(
    ref: Matrix,
    cur: Matrix,
    *,
    alpha: float = 0.05,
    exact_max_rows: int = 2_000,
    n_permutations: int = 200,
    random_state: int = 0,
) -> EmbeddingDriftResult:
    from watchkeeper.multivariate import mmd_rff_test, mmd_test

    if len(ref) + len(cur) <= exact_max_rows:
        result = mmd_test(
            ref,
            cur,
            n_permutations=n_permutations,
            standardize=False,
            alpha=alpha,
            random_state=random_state,
        )
    else:
        result = mmd_rff_test(ref, cur, standardize=False, alpha=alpha, random_state=random_state)
    return EmbeddingDriftResult(
        method="mmd",
        statistic=float(result.statistic),
        p_value=float(result.p_value),
        drifted=result.drifted,
        n_reference=len(ref),
        n_current=len(cur),
        dimensions=ref.shape[1],
        details=MappingProxyType(
            {"test": result.method, "bandwidth": float(result.bandwidth), "alpha": alpha}
        ),
    )


def _cosine(a: Matrix, b: Matrix) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return 0.0 if norms == 0.0 else float(1.0 - np.dot(a, b) / norms)


def _centroid(
    ref: Matrix,
    cur: Matrix,
    *,
    alpha: float = 0.05,
    n_permutations: int = 500,
    max_rows: int = 20_000,
    random_state: int = 0,
) -> EmbeddingDriftResult:
    if n_permutations < 1:
        raise InputError(f"n_permutations={n_permutations} must be at least 1")
    rng = np.random.default_rng(random_state)
    m, n = len(ref), len(cur)
    observed = float(np.linalg.norm(ref.mean(axis=0) - cur.mean(axis=0)))
    cosine = _cosine(ref.mean(axis=0), cur.mean(axis=0))
    # The permutation distribution only needs many rows, not all of them: a seeded
    # subsample keeps the cost bounded for millions of logged embeddings.
    sub_ref, sub_cur = (
        side[np.sort(rng.choice(len(side), max_rows, replace=False))]
        if len(side) > max_rows
        else side
        for side in (ref, cur)
    )
    pooled = np.vstack([sub_ref, sub_cur])
    a, b = len(sub_ref), len(sub_cur)
    total = pooled.sum(axis=0)
    sub_observed = float(np.linalg.norm(sub_ref.mean(axis=0) - sub_cur.mean(axis=0)))
    exceed = 0
    done = 0
    while done < n_permutations:
        size = min(_PERMUTATION_BATCH, n_permutations - done)
        member = np.zeros((size, a + b))
        for row in range(size):
            member[row, rng.permutation(a + b)[:a]] = 1.0
        sums = member @ pooled
        gaps = sums / a - (total - sums) / b
        permuted = np.linalg.norm(gaps, axis=1)
        exceed += int(np.sum(permuted >= sub_observed - 1e-12 * max(1.0, sub_observed)))
        done += size
    p_value = (1 + exceed) / (1 + n_permutations)
    return EmbeddingDriftResult(
        method="centroid",
        statistic=observed,
        p_value=p_value,
        drifted=p_value < alpha,
        n_reference=m,
        n_current=n,
        dimensions=ref.shape[1],
        details=MappingProxyType(
            {
                "euclidean": observed,
                "cosine": cosine,
                "alpha": alpha,
                "n_permutations": n_permutations,
            }
        ),
    )


def _classifier(
    ref: Matrix,
    cur: Matrix,
    *,
    auc_threshold: float = 0.6,
    n_folds: int = 3,
    random_state: int = 0,
) -> EmbeddingDriftResult:
    from watchkeeper.multivariate import domain_classifier_auc

    auc = float(domain_classifier_auc(ref, cur, n_folds=n_folds, random_state=random_state))
    return EmbeddingDriftResult(
        method="classifier",
        statistic=auc,
        p_value=None,
        drifted=auc >= auc_threshold,
        n_reference=len(ref),
        n_current=len(cur),
        dimensions=ref.shape[1],
        details=MappingProxyType({"auc_threshold": auc_threshold, "n_folds": n_folds}),
    )


EMBEDDING_METHODS: Mapping[str, EmbeddingMethod] = MappingProxyType(
    {
        "mmd": EmbeddingMethod("mmd", _mmd, "unbiased MMD^2, RBF kernel", True),
        "centroid": EmbeddingMethod(
            "centroid", _centroid, "Euclidean distance between mean embeddings", True
        ),
        "classifier": EmbeddingMethod(
            "classifier", _classifier, "domain classifier ROC AUC (0.5: no drift)", False
        ),
    }
)


def embedding_drift(
    reference: Any, current: Any, *, method: str = "mmd", **options: Any
) -> EmbeddingDriftResult:
    """Compare two sets of embeddings with ``method`` (``mmd``, ``centroid``, ``classifier``).

    ``options`` go to the method: ``alpha``, ``random_state``, and for ``mmd``
    ``exact_max_rows`` and ``n_permutations``, for ``centroid`` ``n_permutations`` and
    ``max_rows``, for ``classifier`` ``auc_threshold`` and ``n_folds``.

    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(300, 8))
    >>> same = embedding_drift(ref, rng.normal(size=(300, 8)), method="centroid")
    >>> moved = embedding_drift(ref, rng.normal(size=(300, 8)) + 0.3, method="centroid")
    >>> same.drifted, moved.drifted, round(moved.statistic, 2)
    (False, True, 0.99)
    """
    spec = EMBEDDING_METHODS.get(method)
    if spec is None:
        raise UnknownMethodError(
            f"no embedding drift method {method!r}; known: {', '.join(EMBEDDING_METHODS)}"
        )
    ref = as_embedding_matrix(reference, "reference embeddings")
    cur = as_embedding_matrix(current, "current embeddings")
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"the reference embeddings have {ref.shape[1]} dimensions and the current "
            f"{cur.shape[1]}; compare embeddings of the same model"
        )
    try:
        return spec.func(ref, cur, **options)
    except TypeError as error:
        if "unexpected keyword" not in str(error):
            raise
        raise InputError(f"method {method!r} does not take that option: {error}") from None

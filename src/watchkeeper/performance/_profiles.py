"""Mergeable performance profiles of a classifier: exact threshold metrics, bounded
ranking metrics.

A :class:`ClassificationProfile` keeps, per class, the confusion matrix at the decision
(``confusion[target, prediction]``) and the histograms of that class's scores among its
positives (rows whose target is the class) and its negatives (all other rows), on fixed
score edges. Merging adds counts, so it is associative and commutative and a profile of
many partitions equals the profile of their rows.

*Exact* from the confusion matrix: accuracy, and per class precision, recall, F1 and
specificity (higher is better; an undefined ratio is 0.0, scikit-learn's
``zero_division=0``). *Bounded* from the histograms: one-vs-rest ROC AUC and average
precision (higher is better). Scores in different bins are ordered by the histogram;
scores in the same bin are not, so each ranking metric is returned as a
:class:`BoundedScore`: ``lower`` counts every within-bin pair as unfavourable, ``upper``
as favourable, and the true value on the raw scores lies in ``[lower, upper]``, whatever
the ties. ``estimate`` is the metric on the binned scores (within-bin pairs as ties). The
bound shrinks as bins narrow; see docs/performance.md, "Performance profiles".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from watchkeeper._exceptions import InputError

__all__ = [
    "DEFAULT_SCORE_BINS",
    "BoundedScore",
    "ClassificationProfile",
    "classification_profile",
    "probability_edges",
]

DEFAULT_SCORE_BINS = 1_000
_Ints = npt.NDArray[np.int64]
_Floats = npt.NDArray[np.float64]


def probability_edges(bins: int = DEFAULT_SCORE_BINS) -> _Floats:
    """``bins`` equal-width bins on [0, 1], the default edges for probabilities.

    >>> probability_edges(4).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if bins < 1:
        raise InputError(f"bins is {bins}; give a whole number >= 1")
    return np.linspace(0.0, 1.0, bins + 1)


@dataclass(frozen=True, kw_only=True)
class BoundedScore:
    """A metric known within a bound: the true value lies in ``[lower, upper]``.

    >>> BoundedScore(estimate=0.8, lower=0.75, upper=0.85).width
    0.09999999999999998
    """

    estimate: float
    lower: float
    upper: float

    @property
    def width(self) -> float:
        """``upper - lower``: how far the estimate may be from the true value, at most."""
        return self.upper - self.lower


def _bin_index(values: _Floats, edges: _Floats) -> npt.NDArray[np.intp]:
    # Bins are [e_i, e_i+1), the last one closed; values outside the edges count in the
    # end bins, which keeps the order between bins (and so the bounds) true.
    index = np.searchsorted(edges, values, side="right") - 1
    return np.clip(index, 0, len(edges) - 2)


@dataclass(frozen=True, eq=False)
class ClassificationProfile:
    """Counts from which a classifier's performance is computed; add two with :meth:`merge`.

    Build one with :func:`classification_profile`. ``confusion[i, j]`` counts rows of
    target ``classes[i]`` predicted ``classes[j]``; ``positives[k]`` and ``negatives[k]``
    are histograms of the score of ``classes[k]`` on ``edges`` among rows whose target is
    (is not) ``classes[k]``.
    """

    classes: tuple[str, ...]
    edges: _Floats
    confusion: _Ints
    positives: _Ints
    negatives: _Ints

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClassificationProfile):
            return NotImplemented
        return (
            self.classes == other.classes
            and np.array_equal(self.edges, other.edges)
            and np.array_equal(self.confusion, other.confusion)
            and np.array_equal(self.positives, other.positives)
            and np.array_equal(self.negatives, other.negatives)
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def n_rows(self) -> int:
        """The number of rows counted."""
        return int(self.confusion.sum())

    @property
    def ranked(self) -> bool:
        """Whether every row's scores are in the histograms (a profile built without
        scores, or merged with one, has ranking metrics undefined)."""
        totals = self.positives.sum(axis=1) + self.negatives.sum(axis=1)
        return bool(np.all(totals == self.n_rows))

    def merge(self, other: ClassificationProfile) -> ClassificationProfile:
        """The profile of both profiles' rows (counts added; same classes and edges)."""
        if self.classes != other.classes or not np.array_equal(self.edges, other.edges):
            raise InputError(
                f"cannot merge performance profiles of classes {list(self.classes)} and "
                f"{list(other.classes)} (or different score edges); build both with the "
                "same classes and edges"
            )
        return ClassificationProfile(
            self.classes,
            self.edges,
            self.confusion + other.confusion,
            self.positives + other.positives,
            self.negatives + other.negatives,
        )

    def _index(self, label: Any) -> int:
        try:
            return self.classes.index(class_key(label))
        except ValueError:
            raise InputError(
                f"class {label!r} is not one of the profile's classes {list(self.classes)}"
            ) from None

    @property
    def accuracy(self) -> float:
        """Share of rows whose prediction equals the target (exact)."""
        total = self.n_rows
        return float(np.trace(self.confusion)) / total if total else 0.0

    def _counts(self, label: Any) -> tuple[int, int, int, int]:
        k = self._index(label)
        tp = int(self.confusion[k, k])
        fp = int(self.confusion[:, k].sum()) - tp
        fn = int(self.confusion[k, :].sum()) - tp
        return tp, fp, fn, self.n_rows - tp - fp - fn

    def precision(self, label: Any) -> float:
        """TP / (TP + FP) for class ``label`` (exact; 0.0 when nothing is predicted)."""
        tp, fp, _, _ = self._counts(label)
        return tp / (tp + fp) if tp + fp else 0.0

    def recall(self, label: Any) -> float:
        """TP / (TP + FN) for class ``label`` (exact; 0.0 without positives)."""
        tp, _, fn, _ = self._counts(label)
        return tp / (tp + fn) if tp + fn else 0.0

    def specificity(self, label: Any) -> float:
        """TN / (TN + FP) for class ``label`` (exact; 0.0 without negatives)."""
        _, fp, _, tn = self._counts(label)
        return tn / (tn + fp) if tn + fp else 0.0

    def f1(self, label: Any) -> float:
        """2 TP / (2 TP + FP + FN) for class ``label`` (exact; 0.0 when undefined)."""
        tp, fp, fn, _ = self._counts(label)
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0

    def roc_auc(self, label: Any) -> BoundedScore:
        """One-vs-rest ROC AUC of class ``label``'s score, within the within-bin bound.

        Between bins, a positive above a negative is a concordant pair; the pairs in one
        bin count 0 (``lower``), 1 (``upper``) or 1/2 (``estimate``). Undefined (no
        positives or no negatives): an :class:`InputError`.
        """
        k = self._index(label)
        pos = self.positives[k].astype(np.float64)
        neg = self.negatives[k].astype(np.float64)
        n_pos, n_neg = float(pos.sum()), float(neg.sum())
        if n_pos == 0 or n_neg == 0:
            raise InputError(
                f"ROC AUC of class {label!r} needs positives and negatives; the profile has "
                f"{int(n_pos)} positives and {int(n_neg)} negatives"
            )
        below = np.cumsum(neg) - neg
        sure = float((pos * below).sum()) / (n_pos * n_neg)
        tied = float((pos * neg).sum()) / (n_pos * n_neg)
        return BoundedScore(estimate=sure + tied / 2, lower=sure, upper=sure + tied)

    def average_precision(self, label: Any) -> BoundedScore:
        """Average precision of class ``label``'s score, within the within-bin bound.

        Scores are read from the highest bin down. A bin with ``a`` positives and ``b``
        negatives below ``T`` true and ``F`` false positives from higher bins credits its
        j-th positive a precision of at least ``(T+j)/(T+j+F+b)`` (negatives first) and at
        most ``(T+a)/(T+a+F)``; ``estimate`` treats the bin as one tied threshold, as
        scikit-learn's ``average_precision_score`` does for tied scores.
        """
        k = self._index(label)
        pos = self.positives[k][::-1].astype(np.float64)
        neg = self.negatives[k][::-1].astype(np.float64)
        n_pos = float(pos.sum())
        if n_pos == 0:
            raise InputError(f"average precision of class {label!r} needs positives; it has 0")
        before_t = np.cumsum(pos) - pos
        before_f = np.cumsum(neg) - neg
        estimate = lower = upper = 0.0
        for a, b, t, f in zip(pos, neg, before_t, before_f, strict=True):
            if a == 0:
                continue
            j = np.arange(1.0, a + 1.0)
            lower += float(((t + j) / (t + j + f + b)).sum())
            upper += float(a * (t + a) / (t + a + f))
            estimate += float(a * (t + a) / (t + a + f + b))
        return BoundedScore(estimate=estimate / n_pos, lower=lower / n_pos, upper=upper / n_pos)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` reads it back."""
        return {
            "kind": "classification",
            "version": 1,
            "classes": list(self.classes),
            "edges": self.edges.tolist(),
            "confusion": self.confusion.tolist(),
            "positives": self.positives.tolist(),
            "negatives": self.negatives.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClassificationProfile:
        """The profile that :meth:`to_dict` wrote."""
        if data.get("kind") != "classification" or data.get("version") != 1:
            raise InputError(
                f"not a version-1 classification performance profile (kind "
                f"{data.get('kind')!r}, version {data.get('version')!r})"
            )
        return cls(
            tuple(data["classes"]),
            np.asarray(data["edges"], dtype=np.float64),
            np.asarray(data["confusion"], dtype=np.int64),
            np.asarray(data["positives"], dtype=np.int64),
            np.asarray(data["negatives"], dtype=np.int64),
        )


def classification_profile(
    target: Sequence[Any] | npt.ArrayLike,
    prediction: Sequence[Any] | npt.ArrayLike,
    scores: npt.ArrayLike | None,
    *,
    classes: Sequence[Any],
    edges: npt.ArrayLike | None = None,
) -> ClassificationProfile:
    """The performance profile of labelled predictions.

    ``classes`` lists every class (labels are compared by :func:`class_key`). ``scores`` has one
    column per class, or for two classes may be one column: the score of ``classes[1]``
    (that of ``classes[0]`` is then ``1 - score``); ``None`` (a model without scores)
    leaves the histograms empty, so the profile is not :attr:`~ClassificationProfile.ranked`
    and only its threshold metrics are defined. ``edges`` are increasing score edges, by
    default :func:`probability_edges` (1,000 bins on [0, 1]).

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 1_000)
    >>> p = np.clip(0.3 * y + 0.7 * rng.random(1_000), 0, 1)
    >>> first = classification_profile(y[:600], (p[:600] > 0.5).astype(int), p[:600],
    ...                                classes=[0, 1])
    >>> whole = first.merge(classification_profile(
    ...     y[600:], (p[600:] > 0.5).astype(int), p[600:], classes=[0, 1]))
    >>> whole.n_rows, round(whole.precision(1), 4), round(whole.recall(1), 4)
    (1000, 0.7233, 0.6816)
    >>> auc = whole.roc_auc(1)
    >>> round(auc.lower, 4), round(auc.upper, 4)
    (0.8138, 0.8148)
    """
    names = tuple(class_key(c) for c in classes)
    if len(names) < 2 or len(set(names)) != len(names):
        raise InputError(f"classes is {list(classes)}; give two or more distinct classes")
    grid = probability_edges() if edges is None else np.asarray(edges, dtype=np.float64)
    if grid.ndim != 1 or len(grid) < 2 or not np.all(np.diff(grid) > 0):
        raise InputError("edges must be two or more strictly increasing numbers")
    lookup = {name: i for i, name in enumerate(names)}
    truth = _codes(target, lookup, "target")
    guess = _codes(prediction, lookup, "prediction")
    if len(truth) != len(guess):
        raise InputError(f"target has {len(truth)} rows but prediction has {len(guess)}")
    k, n_bins = len(names), len(grid) - 1
    confusion = np.bincount(truth * k + guess, minlength=k * k).reshape(k, k).astype(np.int64)
    positives = np.zeros((k, n_bins), dtype=np.int64)
    negatives = np.zeros((k, n_bins), dtype=np.int64)
    if scores is None:
        return ClassificationProfile(names, grid, confusion, positives, negatives)
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim == 1 and len(names) == 2:
        matrix = np.column_stack([1.0 - matrix, matrix])
    if matrix.shape != (len(truth), len(names)):
        raise InputError(
            f"scores have shape {matrix.shape}; give ({len(truth)}, {len(names)}) "
            "(one column per class) or, for two classes, one column"
        )
    if not np.all(np.isfinite(matrix)):
        raise InputError("scores hold NaN or infinite values; drop or fill those rows first")
    for c in range(k):
        where = _bin_index(matrix[:, c], grid)
        is_pos = truth == c
        positives[c] = np.bincount(where[is_pos], minlength=n_bins)
        negatives[c] = np.bincount(where[~is_pos], minlength=n_bins)
    return ClassificationProfile(names, grid, confusion, positives, negatives)


def class_key(value: Any) -> str:
    """How a label is compared with the classes: its text, a whole float as an integer
    (a label column read as ``1.0`` still matches class ``1``).

    >>> class_key(1.0), class_key(1), class_key("yes"), class_key(True)
    ('1', '1', 'yes', 'True')
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _codes(values: Any, lookup: Mapping[str, int], what: str) -> npt.NDArray[np.intp]:
    # Labels repeat: key each distinct value once, then index, instead of per row.
    distinct, inverse = np.unique(np.asarray(values), return_inverse=True)
    keys = [class_key(v) for v in distinct.tolist()]
    unknown = [k for k in keys if k not in lookup]
    if unknown:
        raise InputError(
            f"{what} has {len(unknown)} values that are not classes (first: {unknown[0]!r}); "
            f"the classes are {list(lookup)}"
        )
    codes = np.array([lookup[k] for k in keys], dtype=np.intp)
    return codes[inverse.reshape(-1)]

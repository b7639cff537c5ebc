"""Mergeable per-group counters: the sufficient statistics of every rate-based bias metric.

A live service cannot keep every prediction of a window in memory to recompute
fairness metrics (fairlearn's ``MetricFrame`` needs the raw rows; its issue #655).
It can keep, per group, eight integers: rows, labelled rows, positive labels,
positive predictions and the four cells of the confusion matrix. Every rate in
:mod:`._disparity` and :mod:`._clarify` (selection rate, true and false positive
rates, precision, accuracy, ...) is a ratio of these counts, so a metric computed from
merged counters is *exactly* the metric of the concatenated rows.

:meth:`GroupCounters.merge` is associative and commutative (it adds integers), and
counters of the intersection of all sensitive features give the counters of any
subset of them by :meth:`GroupCounters.marginal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from watchkeeper._exceptions import InputError
from watchkeeper.fairness._inputs import label_masks, resolve_positive_label, sensitive_columns

__all__ = ["GroupCounters", "GroupCounts", "count_groups"]

GroupKey = tuple[str, ...]
# Separates the values of several features in one key while grouping with np.unique.
_SEP = "\x1f"


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


@dataclass(frozen=True)
class GroupCounts:
    """The counts of one group; every rate is a ratio of them (NaN when undefined).

    ``n`` and ``predicted_positive`` count every row; ``labelled`` and
    ``label_positive`` count rows with a label; the confusion cells count rows with
    both a label and a prediction.

    >>> a = GroupCounts(n=4, labelled=4, label_positive=2, predicted_positive=1,
    ...                 tp=1, fp=0, tn=2, fn=1)
    >>> (a.selection_rate, a.true_positive_rate, a.accuracy)
    (0.25, 0.5, 0.75)
    >>> (a + a).n
    8
    """

    n: int = 0
    labelled: int = 0
    label_positive: int = 0
    predicted_positive: int = 0
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def __add__(self, other: GroupCounts) -> GroupCounts:
        return GroupCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def label_negative(self) -> int:
        return self.labelled - self.label_positive

    @property
    def predicted_negative(self) -> int:
        return self.n - self.predicted_positive

    @property
    def selection_rate(self) -> float:
        """Share of rows predicted positive (fairlearn's ``selection_rate``)."""
        return _ratio(self.predicted_positive, self.n)

    @property
    def base_rate(self) -> float:
        """Share of labelled rows whose label is positive."""
        return _ratio(self.label_positive, self.labelled)

    @property
    def true_positive_rate(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def false_positive_rate(self) -> float:
        return _ratio(self.fp, self.fp + self.tn)

    @property
    def true_negative_rate(self) -> float:
        return _ratio(self.tn, self.tn + self.fp)

    @property
    def false_negative_rate(self) -> float:
        return _ratio(self.fn, self.fn + self.tp)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def negative_predictive_value(self) -> float:
        return _ratio(self.tn, self.tn + self.fn)

    @property
    def accuracy(self) -> float:
        return _ratio(self.tp + self.tn, self.tp + self.fp + self.tn + self.fn)

    def to_dict(self) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class GroupCounters:
    """Counts per group of the intersection of ``features``; merge them across windows.

    ``groups`` maps a key (one text value per feature, in ``features`` order) to its
    :class:`GroupCounts`. Build them with :func:`count_groups`.

    >>> left = count_groups([1, 0], [1, 1], sensitive_features={"sex": ["f", "m"]})
    >>> right = count_groups([1], [0], sensitive_features={"sex": ["f"]})
    >>> merged = left.merge(right)
    >>> merged.groups[("f",)].n, merged.groups[("f",)].tp, merged.groups[("f",)].fn
    (2, 1, 1)
    >>> merged.total().n
    3
    """

    features: tuple[str, ...]
    positive_label: Any
    groups: Mapping[GroupKey, GroupCounts]

    def merge(self, other: GroupCounters) -> GroupCounters:
        """The counters of both; associative and commutative."""
        if other.features != self.features:
            raise InputError(
                f"cannot merge counters of features {list(other.features)} into "
                f"{list(self.features)}; count the same sensitive features"
            )
        if other.positive_label != self.positive_label:
            raise InputError(
                f"cannot merge counters with positive label {other.positive_label!r} into "
                f"{self.positive_label!r}; count with the same positive_label"
            )
        merged = dict(self.groups)
        for key, counts in other.groups.items():
            merged[key] = merged[key] + counts if key in merged else counts
        return GroupCounters(self.features, self.positive_label, _frozen(merged))

    def marginal(self, features: str | Sequence[str]) -> GroupCounters:
        """The counters of a subset of the features, summed over the others.

        >>> c = count_groups([1, 0, 1], [1, 1, 0],
        ...                  sensitive_features={"sex": ["f", "m", "f"], "age": ["y", "y", "o"]})
        >>> sorted(c.marginal("age").groups)
        [('o',), ('y',)]
        """
        wanted = (features,) if isinstance(features, str) else tuple(features)
        unknown = [f for f in wanted if f not in self.features]
        if unknown:
            raise InputError(
                f"unknown sensitive feature {unknown[0]!r}; choose among {list(self.features)}"
            )
        positions = [self.features.index(f) for f in wanted]
        summed: dict[GroupKey, GroupCounts] = {}
        for key, counts in self.groups.items():
            sub = tuple(key[i] for i in positions)
            summed[sub] = summed[sub] + counts if sub in summed else counts
        return GroupCounters(wanted, self.positive_label, _frozen(summed))

    def total(self) -> GroupCounts:
        """The counts of all rows together."""
        return sum(self.groups.values(), GroupCounts())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` reads it back."""
        label = self.positive_label
        return {
            "features": list(self.features),
            "positive_label": label.item() if isinstance(label, np.generic) else label,
            "groups": [
                {"group": list(key), **counts.to_dict()} for key, counts in self.groups.items()
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupCounters:
        """Counters written by :meth:`to_dict`."""
        names = [f.name for f in fields(GroupCounts)]
        groups = {
            tuple(str(v) for v in row["group"]): GroupCounts(*(int(row[n]) for n in names))
            for row in data["groups"]
        }
        return cls(tuple(data["features"]), data["positive_label"], _frozen(groups))


def _frozen(groups: Mapping[GroupKey, GroupCounts]) -> Mapping[GroupKey, GroupCounts]:
    return MappingProxyType(dict(sorted(groups.items())))


def count_groups(
    y_true: ArrayLike | None,
    y_pred: ArrayLike | None,
    *,
    sensitive_features: Any,
    positive_label: Any = None,
) -> GroupCounters:
    """Counters per group of the intersection of the sensitive features.

    ``y_true`` may be None (no labels yet) or hold None/NaN for unlabelled rows;
    ``y_pred`` may be None for label-only (pre-training) data. ``positive_label``
    defaults to 1 for 0/1 labels and otherwise to the larger of two labels.

    >>> rng = np.random.default_rng(0)
    >>> c = count_groups(rng.integers(0, 2, 100), rng.integers(0, 2, 100),
    ...                  sensitive_features=rng.choice(["a", "b"], 100))
    >>> {k[0]: (v.n, v.tp) for k, v in c.groups.items()}
    {'a': (48, 11), 'b': (52, 17)}
    """
    truth = None if y_true is None else np.asarray(y_true)
    predicted = None if y_pred is None else np.asarray(y_pred)
    sizes = {a.shape[0] for a in (truth, predicted) if a is not None and a.ndim}
    columns = sensitive_columns(sensitive_features, sizes.pop() if len(sizes) == 1 else None)
    if len(sizes) > 1:
        raise InputError("y_true and y_pred have different lengths; give one of each per row")
    n_rows = next(iter(columns.values())).size
    positive = resolve_positive_label(truth, predicted, positive_label)
    labelled, label_pos = label_masks(truth, positive, n_rows, "y_true")
    has_pred, pred_pos = label_masks(predicted, positive, n_rows, "y_pred")
    if predicted is not None and not has_pred.all():
        raise InputError(
            f"y_pred has {int((~has_pred).sum())} missing predictions; drop those rows or fill them"
        )
    names = tuple(columns)
    joined = columns[names[0]]
    for name in names[1:]:
        joined = np.char.add(np.char.add(joined, _SEP), columns[name])
    keys, codes = np.unique(joined, return_inverse=True)
    k = keys.size

    def per_group(mask: Iterable[bool] | None = None) -> list[int]:
        weights = None if mask is None else np.asarray(mask, dtype=np.float64)
        return [int(v) for v in np.bincount(codes, weights=weights, minlength=k)]

    both = labelled & has_pred
    table = {
        "n": per_group(),
        "labelled": per_group(labelled),
        "label_positive": per_group(label_pos),
        "predicted_positive": per_group(pred_pos),
        "tp": per_group(both & label_pos & pred_pos),
        "fp": per_group(both & ~label_pos & pred_pos),
        "tn": per_group(both & ~label_pos & ~pred_pos),
        "fn": per_group(both & label_pos & ~pred_pos),
    }
    groups = {
        tuple(str(key).split(_SEP)): GroupCounts(**{f: table[f][i] for f in table})
        for i, key in enumerate(keys.tolist())
    }
    return GroupCounters(names, positive, _frozen(groups))

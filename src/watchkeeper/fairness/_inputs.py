"""The boundary of the fairness package: sensitive features, labels, the positive label.

Validated once here; everything inside works on plain numpy arrays.

* Sensitive features may be one array-like (named ``sensitive_feature_0``, as
  fairlearn names it), a pandas Series (its name), a mapping of name to values, a
  pandas DataFrame (its columns) or a 2-D array (``sensitive_feature_i``). Group
  values become text (``str(value)``) so that groups are JSON keys; a missing value
  (None, NaN) is its own group, :data:`MISSING_GROUP`, because a missing sensitive
  attribute is common and hiding those rows would hide their treatment.
* A missing label (None, NaN) marks an unlabelled row: it counts towards the
  prediction rates but not towards any rate that needs the truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import ArrayLike, NDArray

from watchkeeper._exceptions import InputError

__all__ = [
    "MISSING_GROUP",
    "BoolArray",
    "label_masks",
    "resolve_positive_label",
    "sensitive_columns",
]

MISSING_GROUP = "<missing>"
BoolArray = NDArray[np.bool_]


def _present(values: NDArray[Any]) -> BoolArray:
    """True where a value is there (not None, NaN or pandas NA)."""
    if values.dtype.kind == "f":
        present: BoolArray = ~np.isnan(values)
        return present
    if values.dtype.kind in "biuUS":
        return np.ones(values.shape, dtype=bool)
    try:
        nulls = pa.array(values.tolist(), from_pandas=True).is_null()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Mixed types (text and numbers) Arrow will not put in one array.
        return np.array([v is not None and v == v for v in values.tolist()], dtype=bool)
    mask: BoolArray = ~np.asarray(nulls.to_numpy(zero_copy_only=False), dtype=bool)
    return mask


def _as_groups(values: Any, name: str, n_rows: int | None) -> NDArray[np.str_]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InputError(f"sensitive feature {name!r} must be one-dimensional, got {array.shape}")
    if n_rows is not None and array.size != n_rows:
        raise InputError(
            f"sensitive feature {name!r} has {array.size} values for {n_rows} rows; "
            "give one value per row"
        )
    present = _present(array)
    text = np.asarray([str(v) for v in array.tolist()], dtype=np.str_) if array.size else array
    text = np.asarray(text, dtype=np.str_)
    if not present.all():
        text = np.where(present, text, MISSING_GROUP)
    return text


def sensitive_columns(sensitive_features: Any, n_rows: int | None) -> dict[str, NDArray[np.str_]]:
    """Each sensitive feature by name, its group values as text.

    >>> sensitive_columns(["a", "b", None], 3)["sensitive_feature_0"].tolist()
    ['a', 'b', '<missing>']
    >>> list(sensitive_columns({"sex": [1, 2], "age": ["y", "o"]}, 2))
    ['sex', 'age']
    """
    if sensitive_features is None:
        raise InputError("sensitive_features is required; pass one value per row")
    columns: dict[str, Any]
    if isinstance(sensitive_features, Mapping):
        columns = dict(sensitive_features)
    elif hasattr(sensitive_features, "columns") and hasattr(sensitive_features, "__getitem__"):
        columns = {str(c): np.asarray(sensitive_features[c]) for c in sensitive_features.columns}
    elif getattr(sensitive_features, "name", None) is not None and not isinstance(
        sensitive_features, np.ndarray
    ):
        columns = {str(sensitive_features.name): sensitive_features}
    else:
        array = np.asarray(sensitive_features)
        if array.ndim == 2:
            columns = {f"sensitive_feature_{i}": array[:, i] for i in range(array.shape[1])}
        else:
            columns = {"sensitive_feature_0": array}
    if not columns:
        raise InputError("sensitive_features has no columns; pass at least one feature")
    return {str(name): _as_groups(values, str(name), n_rows) for name, values in columns.items()}


def resolve_positive_label(
    y_true: NDArray[Any] | None, y_pred: NDArray[Any] | None, given: Any
) -> Any:
    """The positive label: ``given``, else 1 (or True) for 0/1 labels, else the larger of two.

    >>> resolve_positive_label(np.array([0, 1]), None, None)
    1
    >>> resolve_positive_label(np.array(["no", "yes"]), np.array(["yes", "yes"]), None)
    'yes'
    """
    if given is not None:
        return given
    seen: list[Any] = []
    for values in (y_true, y_pred):
        if values is not None and values.size:
            seen.extend(values[_present(values)].tolist())
    labels = set(seen)
    if labels <= {0, 1}:
        # True == 1 in Python, so this also covers booleans.
        return True if any(isinstance(v, bool | np.bool_) for v in labels) else 1
    if len(labels) == 2:
        return sorted(labels)[1]
    shown = ", ".join(repr(v) for v in sorted(labels, key=str)[:5])
    raise InputError(
        f"cannot tell the positive label among {len(labels)} labels ({shown}); "
        "pass positive_label=..."
    )


def label_masks(
    values: ArrayLike | None, positive: Any, n_rows: int, what: str
) -> tuple[BoolArray, BoolArray]:
    """(present, positive) masks of a label column; all absent when ``values`` is None."""
    if values is None:
        absent = np.zeros(n_rows, dtype=bool)
        return absent, absent
    array = np.asarray(values)
    if array.ndim != 1 or array.size != n_rows:
        raise InputError(f"{what} has shape {array.shape}; give one label per row ({n_rows} rows)")
    present = _present(array)
    equal = np.asarray(array == positive)
    if equal.shape != array.shape:
        # numpy answers a scalar False when the types cannot be compared (text vs 1).
        equal = np.zeros(n_rows, dtype=bool)
    return present, present & equal.astype(bool)

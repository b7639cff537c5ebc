"""Turn the caller's reference and current data into two aligned float matrices.

Every multivariate method compares rows, so each input becomes a matrix with one
column per encoded feature. The rules, shared by all methods:

* A numpy array is used whole: 2-D (rows x features), numbers only; NaN is missing,
  infinities are refused.
* A pyarrow Table, a pandas or polars DataFrame (anything :func:`watchkeeper.io.to_table`
  reads) is used through ``columns`` (default: all of the reference's columns).
  Integer, float, decimal and boolean columns are numeric; text and dictionary
  columns are categorical; ``categorical`` forces columns to be read as categories.
* ``mode="onehot"`` (PCA, MMD): a numeric null or NaN is replaced by the column's
  reference mean; a categorical column becomes one indicator per reference category
  (the ``MAX_ONEHOT_CATEGORIES`` most frequent ones), and a null, rare or unseen
  category sets no indicator.
* ``mode="ordinal"`` (domain classifier): numeric nulls stay NaN (gradient boosting
  routes them natively); categories of both sets get integer codes in order of
  reference frequency, the ``max_categories - 1`` most frequent keep their own code and
  the rest share the last one; a null category stays NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from watchkeeper._exceptions import ColumnError, InputError
from watchkeeper.io import to_table

__all__ = ["MAX_ONEHOT_CATEGORIES", "EncodedPair", "encode_pair"]

Matrix = npt.NDArray[np.float64]
MAX_ONEHOT_CATEGORIES = 50


@dataclass(frozen=True, eq=False)
class EncodedPair:
    """Reference and current as float matrices with the same encoded columns."""

    reference: Matrix
    current: Matrix
    feature_names: tuple[str, ...]
    categorical: tuple[bool, ...]


def encode_pair(
    reference: Any,
    current: Any,
    *,
    columns: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    mode: Literal["onehot", "ordinal"] = "onehot",
    max_categories: int = MAX_ONEHOT_CATEGORIES,
) -> EncodedPair:
    """Encode both inputs with the rules in the module docstring.

    >>> import numpy as np
    >>> pair = encode_pair(np.array([[1.0, np.nan], [3.0, 4.0]]), np.ones((2, 2)))
    >>> pair.reference.tolist(), pair.feature_names
    ([[1.0, 4.0], [3.0, 4.0]], ('x0', 'x1'))
    """
    if isinstance(reference, np.ndarray) or isinstance(current, np.ndarray):
        return _encode_arrays(reference, current, columns, categorical, mode)
    ref_table, cur_table = to_table(reference), to_table(current)
    names = list(ref_table.column_names) if columns is None else list(columns)
    if not names:
        raise InputError("no columns to compare; pass columns=[...] naming numeric features")
    forced = set(categorical or ())
    unknown = forced - set(names)
    if unknown:
        raise InputError(
            f"categorical names {sorted(unknown)} are not among the compared columns; "
            "list them in columns= too"
        )
    ref_parts: list[Matrix] = []
    cur_parts: list[Matrix] = []
    feature_names: list[str] = []
    is_categorical: list[bool] = []
    for name in names:
        ref_col = _column(ref_table, name, "reference")
        cur_col = _column(cur_table, name, "current")
        if name in forced or _is_categorical_type(ref_col.type):
            if mode == "onehot":
                r, c, labels = _onehot(name, ref_col, cur_col, max_categories)
                feature_names.extend(f"{name}={label}" for label in labels)
                is_categorical.extend([True] * len(labels))
            else:
                r, c = _ordinal(ref_col, cur_col, max_categories)
                r, c = r[:, None], c[:, None]
                feature_names.append(name)
                is_categorical.append(True)
        else:
            r, c = _numeric(name, ref_col, "reference"), _numeric(name, cur_col, "current")
            if mode == "onehot":
                r, c = _impute(name, r, c)
            r, c = r[:, None], c[:, None]
            feature_names.append(name)
            is_categorical.append(False)
        ref_parts.append(r)
        cur_parts.append(c)
    pair = EncodedPair(
        reference=np.hstack(ref_parts),
        current=np.hstack(cur_parts),
        feature_names=tuple(feature_names),
        categorical=tuple(is_categorical),
    )
    _check_rows(pair)
    return pair


def _encode_arrays(
    reference: Any,
    current: Any,
    columns: Sequence[str] | None,
    categorical: Sequence[str] | None,
    mode: str,
) -> EncodedPair:
    if columns is not None or categorical:
        raise InputError(
            "columns= and categorical= apply to tables; a numpy array is used whole "
            "(pass a pyarrow Table or DataFrame to choose or encode columns)"
        )
    ref = _as_matrix(reference, "reference")
    cur = _as_matrix(current, "current")
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"reference has {ref.shape[1]} columns and current has {cur.shape[1]}; "
            "give both the same features in the same order"
        )
    names = tuple(f"x{j}" for j in range(ref.shape[1]))
    for j, name in enumerate(names):
        for label, matrix in (("reference", ref), ("current", cur)):
            n_inf = int(np.isinf(matrix[:, j]).sum())
            if n_inf:
                raise ColumnError(
                    name, f"has {n_inf} infinite values in the {label} data", "replace them"
                )
    if mode == "onehot":
        for j, name in enumerate(names):
            ref[:, j], cur[:, j] = _impute(name, ref[:, j], cur[:, j])
    pair = EncodedPair(ref, cur, names, (False,) * len(names))
    _check_rows(pair)
    return pair


def _as_matrix(obj: Any, label: str) -> Matrix:
    if not isinstance(obj, np.ndarray):
        obj = np.asarray(to_table(obj))
    if obj.ndim == 1:
        obj = obj[:, None]
    if obj.ndim != 2:
        raise InputError(f"{label} array has {obj.ndim} dimensions; give rows x features")
    try:
        return np.array(obj, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"{label} array of dtype {obj.dtype} is not numeric; pass a table with "
            "categorical= for text features"
        ) from None


def _check_rows(pair: EncodedPair) -> None:
    for label, matrix in (("reference", pair.reference), ("current", pair.current)):
        if matrix.shape[0] < 2:
            raise InputError(f"{label} data has {matrix.shape[0]} rows; give at least 2")


def _column(table: pa.Table, name: str, label: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise ColumnError(name, f"is missing from the {label} data", "check the column names")
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column


def _is_categorical_type(dtype: pa.DataType) -> bool:
    return bool(pa.types.is_string(dtype) or pa.types.is_large_string(dtype))


def _numeric(name: str, column: pa.ChunkedArray, label: str) -> Matrix:
    dtype = column.type
    if not (
        pa.types.is_integer(dtype)
        or pa.types.is_floating(dtype)
        or pa.types.is_decimal(dtype)
        or pa.types.is_boolean(dtype)
        or pa.types.is_null(dtype)
    ):
        raise ColumnError(
            name,
            f"has type {dtype} in the {label} data, which is neither numeric nor text",
            "drop it from columns= or list it in categorical=",
        )
    values = np.asarray(column.cast(pa.float64()).to_numpy(), dtype=np.float64)
    n_inf = int(np.isinf(values).sum())
    if n_inf:
        raise ColumnError(name, f"has {n_inf} infinite values in the {label} data", "replace them")
    return values


def _impute(name: str, ref: Matrix, cur: Matrix) -> tuple[Matrix, Matrix]:
    present = ~np.isnan(ref)
    if not present.any():
        raise ColumnError(name, "has no values in the reference data", "drop it from columns=")
    mean = float(ref[present].mean())
    return np.where(present, ref, mean), np.where(np.isnan(cur), mean, cur)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_floating(column.type):
        # NaN read as a category is missing, like null.
        column = pc.if_else(pc.is_nan(column), None, column)
    return column if _is_categorical_type(column.type) else column.cast(pa.string())


def _ranked_categories(ref: pa.ChunkedArray) -> list[str]:
    counts = pc.value_counts(pc.drop_null(ref)) if len(ref) else pa.array([])
    pairs = [(item["values"].as_py(), item["counts"].as_py()) for item in counts]
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return [p[0] for p in pairs]


def _codes(column: pa.ChunkedArray, categories: list[str]) -> Matrix:
    index = pc.index_in(column, value_set=pa.array(categories, pa.string()))
    return np.asarray(index.cast(pa.float64()).to_numpy(), dtype=np.float64)


def _onehot(
    name: str, ref: pa.ChunkedArray, cur: pa.ChunkedArray, max_categories: int
) -> tuple[Matrix, Matrix, list[str]]:
    ref, cur = _as_text(ref), _as_text(cur)
    categories = _ranked_categories(ref)[:max_categories]
    if not categories:
        raise ColumnError(name, "has no values in the reference data", "drop it from columns=")
    width = np.arange(len(categories), dtype=np.float64)
    ref_codes, cur_codes = _codes(ref, categories), _codes(cur, categories)
    # NaN codes (null, rare, unseen) compare unequal to every category: no indicator.
    return (
        (ref_codes[:, None] == width).astype(np.float64),
        (cur_codes[:, None] == width).astype(np.float64),
        categories,
    )


def _ordinal(
    ref: pa.ChunkedArray, cur: pa.ChunkedArray, max_categories: int
) -> tuple[Matrix, Matrix]:
    ref, cur = _as_text(ref), _as_text(cur)
    ranked = _ranked_categories(ref)
    seen = set(ranked)
    ranked += sorted({v for v in pc.unique(pc.drop_null(cur)).to_pylist() if v not in seen})
    # Every category of both sets is in ``ranked``, so only nulls come back as NaN,
    # and np.minimum keeps them NaN while folding the rare tail into one code.
    cap = float(max_categories - 1)
    return np.minimum(_codes(ref, ranked), cap), np.minimum(_codes(cur, ranked), cap)

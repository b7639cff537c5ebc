"""The model's input as named columns, and back in the caller's own container.

A model is a callable ``predict(data) -> array``; ``data`` reaches it in the type the
caller gave (numpy 2-D array, pandas or polars DataFrame, pyarrow Table, or a mapping
of column name to values), so the callable never has to convert. Attribution code
works on a list of numpy columns and rebuilds that container for each call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from watchkeeper._exceptions import InputError

__all__ = ["Columns", "as_columns", "predict_rows"]

Predict = Callable[[Any], Any]


@dataclass(frozen=True)
class Columns:
    """Named columns of equal length and a function that rebuilds the caller's container."""

    names: tuple[str, ...]
    values: tuple[NDArray[Any], ...]
    rebuild: Callable[[Sequence[NDArray[Any]]], Any]

    @property
    def n_rows(self) -> int:
        return int(self.values[0].shape[0]) if self.values else 0


def as_columns(data: Any) -> Columns:
    """Split ``data`` into named numpy columns.

    >>> cols = as_columns(np.arange(6.0).reshape(3, 2))
    >>> cols.names, cols.rebuild(cols.values).shape
    (('x0', 'x1'), (3, 2))
    """
    module = type(data).__module__.split(".")[0]
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise InputError(f"data must be a 2-D array (rows x features), got shape {data.shape}")
        names = tuple(f"x{i}" for i in range(data.shape[1]))
        values = tuple(data[:, i] for i in range(data.shape[1]))
        return Columns(names, values, lambda cols: np.column_stack(list(cols)))
    if module == "pandas":
        import pandas as pd

        names = tuple(str(c) for c in data.columns)
        values = tuple(data[c].to_numpy() for c in data.columns)
        original = list(data.columns)
        return Columns(
            names, values, lambda cols: pd.DataFrame(dict(zip(original, cols, strict=True)))
        )
    if module == "polars":
        import polars as pl

        names = tuple(data.columns)
        values = tuple(data.get_column(c).to_numpy() for c in names)
        return Columns(
            names, values, lambda cols: pl.DataFrame(dict(zip(names, cols, strict=True)))
        )
    if module == "pyarrow":
        import pyarrow as pa

        names = tuple(data.column_names)
        values = tuple(data.column(c).to_numpy() for c in names)
        return Columns(names, values, lambda cols: pa.table(dict(zip(names, cols, strict=True))))
    if isinstance(data, Mapping):
        names = tuple(str(k) for k in data)
        values = tuple(np.asarray(v) for v in data.values())
        if len({v.shape[0] for v in values}) > 1:
            raise InputError("the columns of data have different lengths; give one value per row")
        return Columns(names, values, lambda cols: dict(zip(names, cols, strict=True)))
    raise InputError(
        f"cannot use data of type {type(data).__name__}; give a 2-D numpy array, a pandas "
        "or polars DataFrame, a pyarrow Table or a mapping of column to values"
    )


def predict_rows(
    predict: Predict, columns: Columns, values: Sequence[NDArray[Any]]
) -> NDArray[np.float64]:
    """The model's output on ``values`` as floats, one per row (first column if 2-D)."""
    output = np.asarray(predict(columns.rebuild(values)), dtype=np.float64)
    if output.ndim == 2 and output.shape[1] == 1:
        output = output[:, 0]
    expected = values[0].shape[0] if values else 0
    if output.ndim != 1 or output.shape[0] != expected:
        raise InputError(
            f"predict returned shape {output.shape} for {expected} rows; return one number "
            "per row (a probability, a score or a value)"
        )
    return output

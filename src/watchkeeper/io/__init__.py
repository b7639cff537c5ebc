"""Adapters from every supported source to Arrow, and typed column extraction."""

from watchkeeper.io._columns import (
    CategoricalValues,
    ColumnValues,
    NumericValues,
    OtherValues,
    extract_column,
)
from watchkeeper.io._sources import expand_paths, iter_batches, read_table, to_table

__all__ = [
    "CategoricalValues",
    "ColumnValues",
    "NumericValues",
    "OtherValues",
    "expand_paths",
    "extract_column",
    "iter_batches",
    "read_table",
    "to_table",
]

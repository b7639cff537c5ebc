"""Adapters from every supported source to Arrow, and typed column extraction."""

from watchkeeper.io._bounded import (
    DecodeBudget,
    DecodeLimitError,
    MalformedBodyError,
    decompress_bounded,
    read_arrow_ipc,
    read_parquet,
)
from watchkeeper.io._columns import (
    CategoricalValues,
    ColumnValues,
    NumericValues,
    OtherValues,
    extract_column,
)
from watchkeeper.io._remote import is_url
from watchkeeper.io._sources import (
    expand_paths,
    expand_sources,
    iter_batches,
    read_table,
    source_bytes,
    to_table,
)

__all__ = [
    "CategoricalValues",
    "ColumnValues",
    "DecodeBudget",
    "DecodeLimitError",
    "MalformedBodyError",
    "NumericValues",
    "OtherValues",
    "decompress_bounded",
    "expand_paths",
    "expand_sources",
    "extract_column",
    "is_url",
    "iter_batches",
    "read_arrow_ipc",
    "read_parquet",
    "read_table",
    "source_bytes",
    "to_table",
]

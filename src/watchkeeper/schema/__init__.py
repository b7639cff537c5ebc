"""Column kinds and roles, schema inference, and schema files."""

from watchkeeper.schema._infer import infer_schema, parse_overrides
from watchkeeper.schema._model import ColumnKind, ColumnRole, ColumnSpec, Schema
from watchkeeper.schema._yaml import load_schema_file

__all__ = [
    "ColumnKind",
    "ColumnRole",
    "ColumnSpec",
    "Schema",
    "infer_schema",
    "load_schema_file",
    "parse_overrides",
]

"""Reading a schema declaration from a YAML file.

The file holds the same mapping :func:`parse_overrides` accepts::

    columns:
      age: numeric
      plan: {kind: categorical}
    target: churned
    prediction: predicted
    id: customer_id
    ignore: [notes]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from watchkeeper._exceptions import SchemaError
from watchkeeper.schema._infer import parse_overrides

__all__ = ["load_schema_file"]


def load_schema_file(path: str | Path) -> dict[str, Any]:
    """The overrides declared in the YAML file at ``path``, validated."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError(f"schema file {str(path)!r} does not exist") from None
    except UnicodeDecodeError:
        raise SchemaError(f"schema file {str(path)!r} is not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SchemaError(f"schema file {str(path)!r} is not valid YAML{where}: {error}") from None
    if not isinstance(data, dict):
        raise SchemaError(
            f"schema file {str(path)!r} must hold a mapping (columns:, target:, ...), "
            f"not {type(data).__name__}"
        )
    try:
        parse_overrides(data)
    except SchemaError as error:
        raise SchemaError(f"schema file {str(path)!r}: {error}") from None
    return data

"""Reading a schema declaration from a YAML file.

The file holds the same mapping :func:`parse_overrides` accepts::

    columns:
      age: numeric
      plan: {kind: categorical}
    target: churned
    prediction: predicted
    id: customer_id
    ignore: [notes]

It is read by the one YAML reader (:mod:`watchkeeper._yaml`), so an error names the
file and the line (``schema.yaml:3: ...``), as in suites and ``watchkeeper.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from watchkeeper._exceptions import ConfigError, SchemaError
from watchkeeper._yaml import YamlMap, plain, read_document
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
        data = read_document(text, str(path))
    except ConfigError as error:
        raise SchemaError(f"schema file {error}") from None
    if not isinstance(data, YamlMap):
        raise SchemaError(
            f"schema file {str(path)!r} must hold a mapping (columns:, target:, ...), "
            f"not {'a list' if isinstance(data, list) else type(data).__name__}"
        )
    overrides: dict[str, Any] = plain(data)
    try:
        parse_overrides(overrides)
    except SchemaError as error:
        raise SchemaError(f"schema file {str(path)!r}: {error}") from None
    return overrides

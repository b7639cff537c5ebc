"""Schema files are read by the one YAML reader: errors name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper._exceptions import SchemaError
from watchkeeper.schema import load_schema_file


def test_a_repeated_column_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("columns:\n  age: numeric\n  age: categorical\n")
    # yaml.safe_load kept the last silently; the reader says where
    with pytest.raises(SchemaError, match=r"schema.yaml:3: key 'age' is repeated"):
        load_schema_file(path)


def test_a_valid_file_gives_plain_overrides(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("columns:\n  age: numeric\ntarget: churned\nignore: [notes]\n")
    overrides = load_schema_file(path)
    assert overrides == {"columns": {"age": "numeric"}, "target": "churned", "ignore": ["notes"]}
    assert type(overrides["columns"]) is dict and type(overrides["ignore"]) is list

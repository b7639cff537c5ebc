from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper import ColumnKind, ColumnRole, SchemaError, infer_schema
from watchkeeper.schema import Schema, load_schema_file, parse_overrides


def kinds(table: pa.Table, overrides: dict[str, object] | None = None) -> dict[str, str]:
    return {c.name: c.kind.value for c in infer_schema(table, overrides)}


def test_kinds_follow_arrow_types_and_values() -> None:
    n = 200
    table = pa.table(
        {
            "f": np.linspace(0, 1, n),
            "count": np.arange(n),
            "flag": np.arange(n) % 2,
            "ok": pa.array([True, False] * (n // 2)),
            "city": ["oslo", "rome", "lima", "kyiv"] * (n // 4),
            "numbers_as_text": [str(i * 0.5) for i in range(n)],
            "review": ["this product is great and arrived on time, thank you"] * n,
            "when": pa.array(np.arange(n).astype("datetime64[s]")),
            "vec": pa.array([[0.1, 0.2]] * n, pa.list_(pa.float64())),
        }
    )
    assert kinds(table) == {
        "f": "numeric",
        "count": "numeric",
        "flag": "categorical",
        "ok": "boolean",
        "city": "categorical",
        "numbers_as_text": "numeric",
        "review": "text",
        "when": "datetime",
        "vec": "embedding",
    }
    schema = infer_schema(table)
    assert schema["when"].role == ColumnRole.TIMESTAMP


def test_roles_from_conventional_names_and_class_labels() -> None:
    table = pa.table({"id": [1, 2, 3, 4], "target": [0, 1, 2, 1], "prediction": [0, 1, 1, 1]})
    schema = infer_schema(table)
    assert schema["target"].role == ColumnRole.TARGET
    assert schema["target"].kind == ColumnKind.CATEGORICAL
    assert schema["prediction"].role == ColumnRole.PREDICTION
    assert schema["id"].role == ColumnRole.ID
    assert not schema["id"].compared


def test_overrides_from_python_and_yaml(tmp_path: Path) -> None:
    table = pa.table({"zip": [1000, 2000, 3000], "y": [0.1, 0.2, 0.3], "note": ["a", "b", "c"]})
    path = tmp_path / "schema.yaml"
    path.write_text("columns:\n  zip: categorical\ntarget: y\nignore: [note]\n")
    schema = infer_schema(table, load_schema_file(path))
    assert schema["zip"].kind == ColumnKind.CATEGORICAL and schema["zip"].declared
    assert schema["y"].role == ColumnRole.TARGET
    assert schema["note"].role == ColumnRole.IGNORED
    assert Schema.from_dict(schema.to_dict()) == schema


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"columns": {"zip": "numbr"}}, "kinds are"),
        ({"columns": {"zip": {"knd": "numeric"}}}, "unknown keys"),
        ({"columns": {"absent": "numeric"}}, "not in the data"),
        ({"columns": {"zip": 3}}, "use a kind name"),
    ],
)
def test_bad_overrides_name_the_column(overrides: dict[str, object], fragment: str) -> None:
    table = pa.table({"zip": [1, 2]})
    with pytest.raises(SchemaError, match=fragment):
        infer_schema(table, overrides)


def test_bad_yaml_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("columns:\n  a: numeric\n  b: [unclosed\n")
    with pytest.raises(SchemaError, match="line"):
        load_schema_file(path)
    path.write_text("- just\n- a list\n")
    with pytest.raises(SchemaError, match="must hold a mapping"):
        load_schema_file(path)


def test_parse_overrides_shorthands() -> None:
    assert parse_overrides({"scores": ["p1", "p2"], "id": "key"}) == {
        "p1": {"role": "score"},
        "p2": {"role": "score"},
        "key": {"role": "id"},
    }


def test_duplicate_columns_are_rejected() -> None:
    from watchkeeper.schema import ColumnSpec

    with pytest.raises(SchemaError, match="declared twice"):
        Schema([ColumnSpec("a", ColumnKind.NUMERIC), ColumnSpec("a", ColumnKind.NUMERIC)])

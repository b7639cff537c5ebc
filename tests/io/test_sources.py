from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper import InputError
from watchkeeper.io import iter_batches, read_table, to_table


def sample() -> pa.Table:
    return pa.table({"x": [1.0, 2.5, None], "c": ["a", "b", "a"]})


def test_frames_and_tables_become_the_same_arrow_table() -> None:
    expected = sample()
    assert to_table(expected) is expected
    assert to_table(expected.to_batches()[0]).equals(expected)
    assert to_table(pd.DataFrame({"x": [1.0, 2.5, None], "c": ["a", "b", "a"]})).to_pylist() == [
        {"x": 1.0, "c": "a"},
        {"x": 2.5, "c": "b"},
        {"x": None, "c": "a"},
    ]
    assert to_table(pl.DataFrame({"x": [1.0, 2.5, None], "c": ["a", "b", "a"]})).to_pylist() == (
        expected.to_pylist()
    )


def test_pandas_mixed_object_column_becomes_text() -> None:
    frame = pd.DataFrame({"m": [1, "two", 3.5, None]})
    table = to_table(frame)
    assert table.column("m").to_pylist() == ["1", "two", "3.5", None]


def test_files_of_each_format_and_globs(tmp_path: Path) -> None:
    table = sample()
    pq.write_table(table, tmp_path / "part-1.parquet")
    pq.write_table(table, tmp_path / "part-2.parquet")
    (tmp_path / "data.csv").write_text("x,c\n1.0,a\n2.5,b\n,a\n")
    (tmp_path / "data.jsonl").write_text('{"x": 1.0, "c": "a"}\n{"x": 2.5, "c": "b"}\n')
    assert read_table(tmp_path / "part-1.parquet").equals(table)
    assert read_table(str(tmp_path / "part-*.parquet")).num_rows == 6
    assert read_table(tmp_path / "data.csv").column("x").to_pylist() == [1.0, 2.5, None]
    assert read_table(tmp_path / "data.jsonl").num_rows == 2
    batches = list(iter_batches(str(tmp_path / "part-*.parquet"), batch_size=2))
    assert sum(b.num_rows for b in batches) == 6


def test_non_utf8_csv_names_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("city,n\nZürich,1\nMálaga,2\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.csv.*not valid UTF-8.*--encoding"):
        read_table(path)
    assert read_table(path, encoding="latin-1").column("city").to_pylist() == ["Zürich", "Málaga"]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("missing.parquet", None, "does not exist"),
        ("data.xlsx", b"x", "unknown format"),
        ("empty.csv", b"", "empty"),
        ("broken.parquet", b"not parquet at all", "not a readable parquet"),
    ],
)
def test_bad_files_raise_input_errors(
    tmp_path: Path, name: str, content: bytes | None, fragment: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        read_table(path)


def test_unmatched_glob_and_unknown_object() -> None:
    with pytest.raises(InputError, match="no file matches"):
        read_table("/nonexistent/*.parquet")
    with pytest.raises(InputError, match="cannot read data of type"):
        to_table(42)


def test_dict_of_arrays() -> None:
    table = to_table({"x": np.arange(3)})
    assert table.num_rows == 3

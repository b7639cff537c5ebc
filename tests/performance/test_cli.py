"""The performance and estimate sub-commands, end to end on files in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper.cli import _main


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    paths = []
    for name, n in (("ref.parquet", 4000), ("cur.parquet", 2000)):
        p = rng.beta(2, 2, n)
        table = pa.table({"p": p, "pred": (p > 0.5).astype(int), "y": rng.binomial(1, p)})
        pq.write_table(table, tmp_path / name)
        paths.append(tmp_path / name)
    return paths[0], paths[1]


def test_performance_writes_json_and_html(files: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cur = files
    out, page = tmp_path / "out.json", tmp_path / "out.html"
    code = _main.main([
        "performance", str(ref), str(cur), "--target", "y", "--prediction", "pred",
        "--score", "p", "--chunk-size", "500", "--json", str(out), "--html", str(page),
    ])  # fmt: skip
    assert code == 0
    payload = json.loads(out.read_text())
    assert len(payload["metrics"][0]["chunks"]) == 12
    text = page.read_text()
    assert (
        "<svg" in text
        and "<script" not in text
        and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_estimate_json_lists_chunks(files: tuple[Path, Path], tmp_path: Path) -> None:
    ref, cur = files
    out = tmp_path / "est.json"
    code = _main.main([
        "estimate", str(ref), str(cur), "--prediction", "pred", "--score", "p", "--target", "y",
        "--chunk-size", "1000", "--metric", "roc_auc", "--json", str(out),
    ])  # fmt: skip
    assert code == 0
    rows = json.loads(out.read_text())["chunks"]
    assert [(r["index"], r["start"], r["end"]) for r in rows] == [(0, 0, 1000), (1, 1000, 2000)]
    for row in rows:
        assert set(row) >= {"estimated", "sampling_error", "lower_threshold", "upper_threshold",
                            "alert", "realized"}  # fmt: skip
        assert abs(row["estimated"] - row["realized"]) < 0.05


def test_missing_column_exits_2_naming_column_and_file(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ref, cur = files
    code = _main.main(
        ["performance", str(ref), str(cur), "--target", "nope", "--prediction", "pred"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "'nope' is not in the reference data (" in err and "ref.parquet" in err

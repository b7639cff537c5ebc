"""``watchkeeper fairness``: the table, the JSON, the exit code on a four-fifths violation."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from watchkeeper._exceptions import ColumnError
from watchkeeper.cli import _fairness


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    _fairness.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def _write(tmp_path: Path, rate_f: float) -> Path:
    rng = np.random.default_rng(0)
    n = 400
    sex = rng.choice(["f", "m"], n)
    region = rng.choice(["n", "s"], n)
    y = rng.integers(0, 2, n)
    p = (rng.random(n) < np.where(sex == "f", rate_f, 0.5)).astype(int)
    path = tmp_path / "scored.csv"
    pacsv.write_csv(pa.table({"sex": sex, "region": region, "y": y, "p": p}), path)
    return path


def test_prints_groups_and_exits_1_on_violation(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, 0.2)
    out = tmp_path / "fair.json"
    argv = [
        "fairness", str(path), "--target", "y", "--prediction", "p",
        "--sensitive", "sex", "--sensitive", "region", "--n-boot", "20", "--json", str(out),
    ]  # fmt: skip
    assert _run(argv) == 0
    assert _run([*argv, "--fail-on-violation"]) == 1
    printed = capsys.readouterr().out
    assert "four-fifths rule FAILS" in printed and "sex/region" in printed
    payload = json.loads(out.read_text())
    assert payload["disparity"][0]["four_fifths"]["failing_groups"] == [["f"]]
    assert {tuple(g["features"]) for g in payload["frame"]["groups"]} == {
        ("sex",), ("region",), ("sex", "region"),
    }  # fmt: skip


def test_passes_when_fair(tmp_path: Path) -> None:
    path = _write(tmp_path, 0.5)
    argv = ["fairness", str(path), "--target", "y", "--prediction", "p", "--sensitive", "sex",
            "--n-boot", "0", "--positive-label", "1", "--fail-on-violation"]  # fmt: skip
    assert _run(argv) == 0


def test_unknown_column_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, 0.5)
    with pytest.raises(ColumnError, match="'gender' is not in"):
        _run(["fairness", str(path), "--target", "y", "--prediction", "p", "--sensitive", "gender"])

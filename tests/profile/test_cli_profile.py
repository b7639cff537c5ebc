"""The profile and merge sub-commands, run through an argument parser as the CLI does."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper._exceptions import ColumnError, ProfileFormatError
from watchkeeper.cli import _profile
from watchkeeper.profile import Profile


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="watchkeeper")
    _profile.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


@pytest.fixture
def files(rng: np.random.Generator, tmp_path: Path) -> list[Path]:
    paths = []
    for i in range(3):
        table = pa.table({"x": rng.normal(size=2000), "c": rng.choice(["a", "b"], 2000)})
        paths.append(tmp_path / f"day{i}.parquet")
        pq.write_table(table, paths[-1], row_group_size=500)
    return paths


def test_profile_then_merge_equals_profiling_everything(files: list[Path], tmp_path: Path) -> None:
    ref = tmp_path / "ref.wkp"
    assert _run("profile", str(files[0]), "-o", str(ref), "--quiet") == 0
    parts = []
    for i, path in enumerate(files[1:]):
        parts.append(tmp_path / f"part{i}.wkp")
        _run("profile", str(path), "--reference", str(ref), "-o", str(parts[-1]), "--quiet")
    merged, whole = tmp_path / "merged.wkp", tmp_path / "whole.wkp"
    _run("merge", *map(str, parts), "-o", str(merged), "--json", str(tmp_path / "m.json"))
    _run(
        "profile", str(files[1]), str(files[2]), "--reference", str(ref), "-o", str(whole),
        "--batch-size", "300", "--quiet",
    )  # fmt: skip
    a, b = Profile.load(merged), Profile.load(whole)
    assert a.n_rows == b.n_rows == 4000
    assert a["x"].counts.tolist() == b["x"].counts.tolist()  # type: ignore[union-attr]
    assert a["c"].counts == b["c"].counts  # type: ignore[union-attr]
    assert json.loads((tmp_path / "m.json").read_text())["n_rows"] == 4000


def test_segments_and_json(
    files: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "seg.wkp"
    _run(
        "profile",
        str(files[0]),
        "-o",
        str(out),
        "--segment",
        "c",
        "--json",
        str(tmp_path / "s.json"),
    )
    assert "2,000 rows, 2 columns profiled" in capsys.readouterr().out
    assert sorted(Profile.load(out).segments) == [("a",), ("b",)]


def test_merging_two_references_names_the_column(files: list[Path], tmp_path: Path) -> None:
    for i in (0, 1):
        _run("profile", str(files[i]), "-o", str(tmp_path / f"r{i}.wkp"), "--quiet")
    with pytest.raises(ColumnError, match="'x' has different bin edges"):
        _run(
            "merge",
            str(tmp_path / "r0.wkp"),
            str(tmp_path / "r1.wkp"),
            "-o",
            str(tmp_path / "m.wkp"),
        )


def test_a_corrupt_reference_names_the_file(files: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.wkp"
    bad.write_bytes(b"\x89WKP\r\n\x1a\n" + b"\x00" * 30)
    with pytest.raises(ProfileFormatError, match=r"bad\.wkp"):
        _run("profile", str(files[0]), "--reference", str(bad), "-o", str(tmp_path / "o.wkp"))

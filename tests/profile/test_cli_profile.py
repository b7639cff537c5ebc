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
from watchkeeper.drift import DriftPolicy
from watchkeeper.drift._from_profiles import compare_profiles
from watchkeeper.profile import Profile, profile_source


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


def test_independently_made_parts_merge_with_the_whole_files_verdicts(
    rng: np.random.Generator, tmp_path: Path
) -> None:
    # Two halves of one reference file, each profiled on its own (its own edges).
    n = 60_000
    whole = pa.table({"x": rng.gamma(3.0, 2.0, n), "c": rng.choice(["a", "b", "c"], n)})
    halves = [whole.slice(0, n // 2), whole.slice(n // 2)]
    paths = [tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "all.parquet"]
    for table, path in zip([*halves, whole], paths, strict=True):
        pq.write_table(table, path)
    for path in paths:
        _run("profile", str(path), "-o", str(path.with_suffix(".wkp")), "--quiet")
    merged = tmp_path / "merged.wkp"
    _run("merge", str(tmp_path / "a.wkp"), str(tmp_path / "b.wkp"), "-o", str(merged), "--quiet")
    ref_merged, ref_whole = Profile.load(merged), Profile.load(tmp_path / "all.wkp")
    assert ref_merged["x"].approximate > 0  # type: ignore[union-attr]
    assert ref_merged["c"].counts == ref_whole["c"].counts  # type: ignore[union-attr]
    for shift, drifted in ((0.0, False), (3.0, True)):
        cur = {"x": rng.gamma(3.0, 2.0, 20_000) + shift, "c": rng.choice(["a", "b", "c"], 20_000)}
        verdicts = []
        for ref in (ref_merged, ref_whole):
            for method in ("ks", "psi", "jensen_shannon"):
                policy = DriftPolicy.from_options(numeric_method=method)
                result = compare_profiles(ref, profile_source(cur, bins_from=ref), policy)
                verdicts.append(result["x"].drifted)
        assert verdicts == [drifted] * 6


def test_merging_a_numeric_and_a_text_column_names_the_column_and_the_flag(
    tmp_path: Path,
) -> None:
    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0]}), tmp_path / "n.parquet")
    pq.write_table(pa.table({"x": ["p", "q", "r"]}), tmp_path / "t.parquet")
    for name in ("n", "t"):
        _run("profile", str(tmp_path / f"{name}.parquet"), "-o", str(tmp_path / f"{name}.wkp"),
             "--quiet")  # fmt: skip
    with pytest.raises(ColumnError, match=r"column 'x' is numeric .*--reference REF.wkp"):
        _run("merge", str(tmp_path / "n.wkp"), str(tmp_path / "t.wkp"), "-o", str(tmp_path / "m"))


def test_a_corrupt_reference_names_the_file(files: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.wkp"
    bad.write_bytes(b"\x89WKP\r\n\x1a\n" + b"\x00" * 30)
    with pytest.raises(ProfileFormatError, match=r"bad\.wkp"):
        _run("profile", str(files[0]), "--reference", str(bad), "-o", str(tmp_path / "o.wkp"))

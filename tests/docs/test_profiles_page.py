"""The examples of docs/profiles.md run as written.

The first snippet prints its comment; the ``sh`` block runs line by line through bash
with the installed ``watchkeeper``, in a folder holding the files it names (small
seeded parquet and CSV files); a ``.wkp`` it writes has the header the format table
describes, field by field with ``struct``, and a truncated copy fails with the page's
message. The Spark snippet runs in ``local[2]`` (slow) on a folder in place of
``s3://bucket/``.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from tests.docs._pages import block, blocks, commands

from watchkeeper import ProfileFormatError
from watchkeeper.profile import Profile

PAGE = "profiles.md"


def _table(rng: np.random.Generator, n: int, shift: float = 0.0) -> pa.Table:
    return pa.table(
        {
            "x": rng.normal(shift, 1, n),
            "plan": rng.choice(["basic", "pro"], n),
            "country": rng.choice(["fr", "de", "it"], n),
        }
    )


def test_every_block_is_run_here() -> None:
    assert [len(blocks(PAGE, kind)) for kind in ("python", "sh", "")] == [2, 1, 1]


def test_the_snippet_prints_its_comment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # it saves reference.wkp
    code = block(PAGE, "python", "profile_source(")
    exec(code, {})
    shown = code.strip().splitlines()[-1].removeprefix("# ")
    assert capsys.readouterr().out.strip() == shown


def test_the_command_lines_run_and_write_a_wkp_as_described(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    (tmp_path / "reference").mkdir()
    for k in range(2):
        pq.write_table(_table(rng, 3_000), tmp_path / "reference" / f"part-{k}.parquet")
    for name, shift in (("day1", 0.1), ("day2", 0.3), ("a", 0.0), ("b", 0.5)):
        pq.write_table(_table(rng, 2_000, shift), tmp_path / f"{name}.parquet")
    pacsv.write_csv(_table(rng, 2_000), tmp_path / "data.csv")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    for command in commands(block(PAGE, "sh", "watchkeeper profile")):
        done = subprocess.run(
            ["bash", "-c", "set -e\n" + command.text],
            cwd=tmp_path,
            env={**os.environ, "PATH": path},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, (command.text, done.stderr)
    assert (tmp_path / "drift.html").exists() and (tmp_path / "p.json").exists()
    _check_format(tmp_path / "days.wkp")


def _check_format(path: Path) -> None:
    """The header as the page's table gives it (little-endian)."""
    table = block(PAGE, "", "magic     8 bytes")
    raw = path.read_bytes()
    magic = bytes.fromhex(re.search(r"8 bytes\s+([0-9A-F ]+?)\s+\(", table).group(1))  # type: ignore[union-attr]
    assert raw[:8] == magic == b"\x89WKP\r\n\x1a\n"
    version, flags, length, crc = struct.unpack_from("<HHQI", raw, 8)
    assert version == int(re.search(r"format version \((\d+)\)", table).group(1))  # type: ignore[union-attr]
    payload = raw[24:]
    assert len(payload) == length and zlib.crc32(payload) == crc and flags & 1
    inner = zlib.decompress(payload)
    n = struct.unpack_from("<I", inner)[0]
    assert inner[4 : 4 + n].startswith(b"{")
    Profile.load(path)
    # A truncated copy fails with the page's message.
    (path.parent / "ref.wkp").write_bytes(raw[: 24 + 1_024])
    with pytest.raises(ProfileFormatError) as refused:
        Profile.load(path.parent / "ref.wkp")
    shown = re.search(
        r"\(`(ref\.wkp: truncated: .*?)`\)",
        (Path(__file__).resolve().parents[2] / "docs" / PAGE).read_text(encoding="utf-8"),
    )
    assert shown
    expected = re.sub(r"of [\d,]+ payload", f"of {length:,} payload", shown.group(1))
    assert str(refused.value).endswith(expected)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_the_spark_snippet(
    spark: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(6)
    for name, shift in (("reference", 0.0), ("today", 1.0)):
        (tmp_path / name).mkdir()
        pq.write_table(_table(rng, 3_000, shift), tmp_path / name / "part-0.parquet")
    monkeypatch.chdir(tmp_path)
    code = block(PAGE, "python", "SparkSession.builder").replace("s3://bucket/", f"{tmp_path}/")
    exec(code, {})
    assert capsys.readouterr().out.strip() == "['x']"

"""Every bad input to ``watchkeeper report`` ends with exit 2 and one line naming it.

Each case builds its bad input in ``tmp_path`` and runs the real ``main([...])``; the
message must name the thing (file, option) and say what to do, never a traceback.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from watchkeeper.cli import main

GOOD = "a,b,c\n" + "".join(f"{i % 7}.5,{i % 3},x{i % 2}\n" for i in range(60))


def _binary(tmp: Path) -> list[str]:
    (tmp / "binary.csv").write_bytes(np.random.default_rng(0).bytes(4096))
    return ["ok.csv", "binary.csv"]


def _binary_without_nul(tmp: Path) -> list[str]:
    # Three rows of undecodable bytes, no NUL: Arrow reads a non-UTF-8 header.
    junk = bytes(range(128, 256))
    (tmp / "junk.csv").write_bytes(junk + b"\n" + junk + b"\n" + junk + b"\n")
    return ["ok.csv", "junk.csv"]


def _gzipped(tmp: Path) -> list[str]:
    (tmp / "packed.csv").write_bytes(gzip.compress(GOOD.encode()))
    return ["ok.csv", "packed.csv"]


def _latin1(tmp: Path) -> list[str]:
    (tmp / "latin.csv").write_bytes("a,b,c\n1,Zürich,x\n2,Genève,y\n".encode("latin-1"))
    return ["ok.csv", "latin.csv"]


def _empty(tmp: Path) -> list[str]:
    (tmp / "empty.csv").write_bytes(b"")
    return ["ok.csv", "empty.csv"]


def _no_columns(tmp: Path) -> list[str]:
    (tmp / "blank.csv").write_text("\n\n\n", encoding="utf-8")
    return ["ok.csv", "blank.csv"]


def _other_layout(tmp: Path) -> list[str]:
    (tmp / "other.csv").write_text("q,r\n1,2\n3,4\n", encoding="utf-8")
    return ["ok.csv", "other.csv"]


def _other_layout_streamed(tmp: Path) -> list[str]:
    return [*_other_layout(tmp), "--stream"]


def _corrupt_profile(tmp: Path) -> list[str]:
    (tmp / "ref.wkp").write_bytes(b"not a profile at all" * 10)
    return ["ref.wkp", "ok.csv"]


def _truncated_profile(tmp: Path) -> list[str]:
    assert main(["profile", "ok.csv", "-o", "whole.wkp", "--quiet"]) == 0
    (tmp / "cut.wkp").write_bytes((tmp / "whole.wkp").read_bytes()[:200])
    return ["cut.wkp", "ok.csv"]


def _encoding_with_profile(tmp: Path) -> list[str]:
    assert main(["profile", "ok.csv", "-o", "ref.wkp", "--quiet"]) == 0
    return ["ref.wkp", "ok.csv", "--encoding", "latin-1"]


def _folder(tmp: Path) -> list[str]:
    (tmp / "data").mkdir()
    return ["ok.csv", "data"]


def _options(*extra: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        return ["ok.csv", "ok.csv", *extra]

    return build


CASES: dict[str, tuple[Callable[[Path], list[str]], tuple[str, ...]]] = {
    "missing file": (lambda tmp: ["ok.csv", "nope.csv"], ("nope.csv", "does not exist")),
    "empty file": (_empty, ("empty.csv", "empty")),
    "binary file": (_binary, ("binary.csv", "binary")),
    "binary file without NUL bytes": (_binary_without_nul, ("junk.csv", "UTF-8", "--encoding")),
    "gzip named .csv": (_gzipped, ("packed.csv", "binary")),
    "wrong encoding": (_latin1, ("latin.csv", "UTF-8", "--encoding latin-1")),
    "unknown encoding": (_options("--encoding", "klingon"), ("klingon", "--encoding")),
    "no columns": (_no_columns, ("blank.csv", "no columns", "first line")),
    "no shared column": (_other_layout, ("other.csv", "share no column", "one layout")),
    "no shared column, streamed": (_other_layout_streamed, ("other.csv", "no column in common")),
    "unknown extension": (lambda tmp: ["ok.csv", "ok.txt"], ("ok.txt",)),
    "a folder": (_folder, ("data", "folder", "glob")),
    "corrupt profile": (_corrupt_profile, ("ref.wkp", "not a watchkeeper profile")),
    "truncated profile": (_truncated_profile, ("cut.wkp", "truncated")),
    "encoding of a streamed side": (_encoding_with_profile, ("--encoding latin-1", "UTF-8")),
    "unknown method": (_options("--method", "nope"), ("--method", "unknown drift method 'nope'")),
    "method of the wrong kind": (_options("--cat-method", "ks"), ("--cat-method", "categorical")),
    "negative threshold": (_options("--threshold", "-1"), ("--threshold -1", "above 0")),
    "p-value threshold above 1": (_options("--threshold", "7"), ("--threshold 7", "below 1")),
    "negative min-effect": (_options("--min-effect", "-3"), ("--min-effect -3", "0 or more")),
    "drift share above 1": (_options("--drift-share", "2"), ("--drift-share 2", "(0, 1]")),
    "missing schema": (_options("--schema", "none.yaml"), ("none.yaml",)),
    "json into a missing folder": (
        _options("--json", "no/such/dir/r.json"),
        ("--json", "does not exist", "create it"),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_two_with_one_line(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build, fragments = CASES[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    code = main(["report", *build(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("watchkeeper report: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert not (tmp_path / "no").exists()


def test_a_bad_number_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["report", "a.csv", "b.csv", "--threshold", "abc"])
    assert stop.value.code == 2
    assert "--threshold: invalid float value: 'abc'" in capsys.readouterr().err

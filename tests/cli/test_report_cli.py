from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from tests._data import make_frame

from watchkeeper.cli import main
from watchkeeper.report import SCHEMA_VERSION


def test_report_writes_json_and_html_and_exits_zero(
    rng: np.random.Generator,
    write_parquet: Callable[[pa.Table, str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ref = write_parquet(make_frame(rng, 2000), "ref.parquet")
    cur = write_parquet(make_frame(rng, 2000, shift=0.5), "cur.parquet")
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    code = main(["report", str(ref), str(cur), "--json", str(out_json), "--html", str(out_html)])
    assert code == 0
    data = json.loads(out_json.read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert isinstance(data["drift"]["dataset_drift"], bool)
    for item in data["drift"]["columns"]:
        assert {"column", "kind", "method", "statistic", "p_value", "threshold", "drifted"} <= set(
            item
        )
    for finding in data["quality"]["findings"]:
        assert {"column", "check", "severity", "message"} <= set(finding)
    assert "<html" in out_html.read_text().lower()
    printed = capsys.readouterr().out
    assert "features drifted" in printed and str(out_json) in printed


def test_fail_on_drift_exits_one_and_methods_are_chosen(
    rng: np.random.Generator, write_parquet: Callable[[pa.Table, str], Path], tmp_path: Path
) -> None:
    ref = write_parquet(make_frame(rng, 2000), "ref.parquet")
    cur = write_parquet(make_frame(rng, 2000, shift=2.0), "cur.parquet")
    out = tmp_path / "r.json"
    args = ["report", str(ref), str(cur), "--json", str(out), "--quiet"]
    assert main([*args, "--drift-share", "0.2"]) == 0
    assert main([*args, "--drift-share", "0.2", "--fail-on-drift"]) == 1
    assert (
        main([*args, "--method", "psi", "--cat-method", "jensen_shannon", "--threshold", "0.2"])
        == 0
    )
    data = json.loads(out.read_text())
    methods = {c["column"]: (c["method"], c["threshold"]) for c in data["drift"]["columns"]}
    assert methods["a"] == ("psi", 0.2) and methods["c"] == ("jensen_shannon", 0.2)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--method", "nope"], "unknown drift method 'nope'"),
        (["--cat-method", "ks"], "does not apply to categorical"),
        (["--schema", "missing.yaml"], "schema file"),
    ],
)
def test_bad_options_exit_two_with_a_message(
    rng: np.random.Generator,
    write_parquet: Callable[[pa.Table, str], Path],
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    fragment: str,
) -> None:
    ref = write_parquet(make_frame(rng, 100), "ref.parquet")
    assert main(["report", str(ref), str(ref), *extra]) == 2
    assert fragment in capsys.readouterr().err


def test_bad_files_exit_two_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes("a,b\n1,Zürich\n".encode("latin-1"))
    assert main(["report", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "UTF-8" in err
    assert main(["report", str(tmp_path / "nope.parquet"), str(bad)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_empty_current_is_a_finding_not_a_crash(
    rng: np.random.Generator, write_parquet: Callable[[pa.Table, str], Path], tmp_path: Path
) -> None:
    table = make_frame(rng, 500)
    ref = write_parquet(table, "ref.parquet")
    cur = write_parquet(table.slice(0, 0), "cur.parquet")
    out = tmp_path / "r.json"
    assert main(["report", str(ref), str(cur), "--json", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text())
    assert any(f["severity"] == "critical" for f in data["quality"]["findings"])
    assert all(c["statistic"] is None for c in data["drift"]["columns"])


def test_methods_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["methods", "--json"]) == 0
    names = {m["name"] for m in json.loads(capsys.readouterr().out)}
    assert {"ks", "psi", "chisquare", "jensen_shannon", "wasserstein_norm"} <= names


def test_no_command_prints_help_and_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_report_accepts_a_profile_and_streams_on_request(
    rng: np.random.Generator, write_parquet: Callable[[pa.Table, str], Path], tmp_path: Path
) -> None:
    ref = write_parquet(make_frame(rng, 3000), "ref.parquet")
    cur = write_parquet(make_frame(rng, 3000, shift=1.0), "cur.parquet")
    profile = tmp_path / "ref.wkp"
    assert main(["profile", str(ref), "-o", str(profile)]) == 0
    out = tmp_path / "from-profile.json"
    assert main(["report", str(profile), str(cur), "--json", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text())
    a = next(c for c in data["drift"]["columns"] if c["column"] == "a")
    # 3,000 rows per side: the profile keeps the values, so KS is scipy's exact test.
    assert a["comparison"] == "exact"
    assert a["drifted"]
    streamed = tmp_path / "streamed.json"
    assert main(["report", str(ref), str(cur), "--stream", "--json", str(streamed), "--quiet"]) == 0
    drifted = {
        c["column"] for c in json.loads(streamed.read_text())["drift"]["columns"] if c["drifted"]
    }
    assert drifted == {"a", "c"}

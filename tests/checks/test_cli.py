"""``watchkeeper suggest`` then ``watchkeeper check``: exit codes, outputs, error lines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from watchkeeper.cli import _main


def table(rng: np.random.Generator, n: int, shift: float) -> pa.Table:
    x = rng.normal(shift, 1, n)
    return pa.table(
        {
            "x": x,
            "z": rng.normal(shift, 1, n),
            "plan": rng.choice(["a", "b"], n),
            "pred": (x > 0).astype(np.int64),
            "label": (rng.random(n) < (0.5 if shift else 1 / (1 + np.exp(-3 * x)))).astype(
                np.int64
            ),
        }
    )


@pytest.fixture
def files(tmp_path: Path, rng: np.random.Generator) -> dict[str, Path]:
    paths = {
        "reference": tmp_path / "data" / "ref.parquet",
        "same": tmp_path / "data" / "same.parquet",
        "drifted": tmp_path / "data" / "drifted.parquet",
    }
    paths["reference"].parent.mkdir()
    for key, shift in (("reference", 0.0), ("same", 0.0), ("drifted", 2.0)):
        pq.write_table(table(rng, 1500, shift), paths[key])
    return paths


def test_suggest_then_check(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "ci" / "suite.yaml"
    suite.parent.mkdir()
    code = _main.main(
        ["suggest", str(files["reference"]), "-o", str(suite), "--target", "label",
         "--prediction", "pred"]
    )  # fmt: skip
    assert code == 0
    text = suite.read_text(encoding="utf-8")
    assert "reference: ../data/ref.parquet" in text  # relative to the suite file
    assert "performance.accuracy" in text

    assert _main.main(["check", str(suite), str(files["same"])]) == 0
    junit, markdown, report = tmp_path / "j.xml", tmp_path / "s.md", tmp_path / "r.json"
    code = _main.main(
        ["check", str(suite), str(files["drifted"]), "--junit", str(junit),
         "--markdown", str(markdown), "--json", str(report)]
    )  # fmt: skip
    assert code == 1
    out = capsys.readouterr().out
    assert "[FAIL] drift.share_drifted <= 0.2" in out
    assert ET.parse(junit).getroot().find("testsuite/testcase/failure") is not None
    assert markdown.read_text(encoding="utf-8").startswith("### ❌")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["passed"] is False
    assert document["report"]["drift"]["share_drifted"] > 0.3


def test_reference_flag_overrides_the_suite(files: dict[str, Path], tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "reference: nowhere.parquet\nchecks:\n  - metric: drift.share_drifted\n    less: 0.3\n",
        encoding="utf-8",
    )
    args = ["check", str(suite), str(files["same"]), "--quiet"]
    assert _main.main([*args, "--reference", str(files["reference"])]) == 0
    assert _main.main(args) == 2  # the suite's own reference does not exist


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "checks:\n  - metric: drift.share_drifted\n    lesser: 0.3\n",
            "suite.yaml:3: unknown key",
        ),
        ("checks:\n  - metric: drift.share_drifted\n    less: 0.3\n", "no reference data"),
    ],
)
def test_bad_input_exits_2_naming_file_and_line(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    expected: str,
) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(text, encoding="utf-8")
    assert _main.main(["check", str(suite), str(files["same"])]) == 2
    assert expected in capsys.readouterr().err


def test_missing_current_file_exits_2(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text("checks:\n  - metric: dataset.rows\n    greater: 0\n", encoding="utf-8")
    args = ["check", str(suite), str(tmp_path / "missing.parquet")]
    assert _main.main([*args, "--reference", str(files["reference"])]) == 2
    assert "missing.parquet" in capsys.readouterr().err


def _commands(node: object) -> list[str]:
    if isinstance(node, dict):
        return [c for value in node.values() for c in _commands(value)]
    if isinstance(node, list):
        return [c for value in node for c in _commands(value)]
    return [node] if isinstance(node, str) and "watchkeeper check " in node else []


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_example_workflows_parse_and_use_real_options(name: str) -> None:
    yaml = pytest.importorskip("yaml")
    path = Path(__file__).parents[2] / "docs" / "ci" / name
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    (command,) = _commands(workflow)
    argv = command.split()[1:]  # folded YAML: one line of arguments
    args = _main.build_parser().parse_args(argv)
    assert (args.junit, args.markdown) == ("watchkeeper-checks.xml", "watchkeeper-checks.md")
    text = path.read_text(encoding="utf-8")
    assert "watchkeeper-checks.xml" in text.split("junit", 1)[1] or "report_paths" in text

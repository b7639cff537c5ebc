"""The examples of docs/ci-suites.md run as written.

In a folder laid out as the page's (``data/reference.parquet``,
``data/candidate.parquet`` with the columns the suite names: ``age``, ``plan``,
``score``, ``predicted``, ``churned``; ``ci/suite.yaml`` the page's suite), the bash
block runs line by line through bash with the installed ``watchkeeper`` (exit codes as
its comment says); the page's suite runs through ``watchkeeper check``, and the three
mistakes the page names give its three error lines, exit 2. The Python snippet prints
its comment. The MLflow snippet logs to a SQLite tracking store in the folder (skipped without
mlflow).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.docs._pages import block, blocks, commands, watchkeeper

PAGE = "ci-suites.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Reference and candidate data of a churn model, and the page's suite."""
    rng = np.random.default_rng(3)
    (tmp_path / "data").mkdir()
    (tmp_path / "ci").mkdir()
    for name in ("reference", "candidate"):
        age = rng.normal(40, 10, 2_000)
        score = 1 / (1 + np.exp(-(age - 40) / 10))
        table = pa.table(
            {
                "age": age,
                "plan": rng.choice(["basic", "pro", "team"], 2_000),
                "score": score,
                "predicted": (score > 0.5).astype(int),
                "churned": rng.binomial(1, score),
            }
        )
        pq.write_table(table, tmp_path / "data" / f"{name}.parquet")
    (tmp_path / "ci" / "suite.yaml").write_text(block(PAGE, "yaml", "checks:"), encoding="utf-8")
    return tmp_path


def test_every_block_is_run_here() -> None:
    assert [len(blocks(PAGE, kind)) for kind in ("bash", "yaml", "text", "python")] == [1, 1, 1, 2]


def test_the_bash_lines_run_with_the_exit_codes_they_say(project: Path) -> None:
    shell = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    (project / "ci" / "suite.yaml").unlink()  # suggest writes it
    lines = [c.text for c in commands(block(PAGE, "bash", "watchkeeper suggest"))]
    # One script, so that the third line echoes the exit code of the second.
    done = subprocess.run(
        ["bash", "-c", "\n".join(lines)], cwd=project, env=shell, capture_output=True, text=True
    )
    assert done.stdout.splitlines()[-1] == "0", (
        done.stdout + done.stderr
    )  # the suggested suite passes
    assert (project / "checks.xml").read_text().startswith("<?xml")
    assert (project / "checks.md").read_text()


def test_the_page_s_suite_runs(project: Path) -> None:
    done = watchkeeper("check", "ci/suite.yaml", "data/candidate.parquet", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.splitlines()[-1].startswith("churn-model: ")


@pytest.mark.parametrize(
    ("old", "new", "k"),
    [
        ("    above: 0.3 ", "    lesser: 0.3 ", 0),
        ("metric: drift.share_drifted", "metric: drift.shared", 1),
        ("    not_in: [basic, pro, team]", "    less: [basic, pro, team]", 2),
    ],
)
def test_the_mistakes_give_the_page_s_errors(project: Path, old: str, new: str, k: int) -> None:
    suite = project / "ci" / "suite.yaml"
    text = suite.read_text(encoding="utf-8")
    assert old in text
    suite.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = watchkeeper("check", "ci/suite.yaml", "data/candidate.parquet", cwd=project)
    assert done.returncode == 2
    shown = block(PAGE, "text", "unknown key 'lesser'").splitlines()[k]
    assert done.stderr.strip().startswith(shown.removesuffix("..."))


def test_the_python_snippet_prints_its_comment(capsys: pytest.CaptureFixture[str]) -> None:
    code = block(PAGE, "python", "suggest_suite(reference)")
    exec(code, {})
    comment = next(line for line in code.splitlines() if line.startswith("print("))
    assert capsys.readouterr().out.strip() == comment.split("#", 1)[1].strip()


@pytest.mark.slow  # an MLflow tracking store is created and migrated
def test_the_mlflow_snippet_logs_the_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.chdir(project)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{project / 'mlflow.db'}")
    names: dict[str, Any] = {}
    exec(block(PAGE, "python", "log_to_mlflow(result)"), names)
    [run] = mlflow.search_runs(output_format="list")
    assert run.data.metrics["checks/failed"] == names["result"].counts()["failed"]

"""The CI templates in docs/ci/ run as written, on the shipped example data.

Each template expects a suite at ``ci/suite.yaml`` and the candidate data at
``data/candidate.parquet``; the suite here is the one ``watchkeeper suggest`` writes
from the example reference. The job fails on exit 1 (a ``fail`` check failed) and
on 2 (bad input); a candidate equal to the reference must pass.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml
from tests.acceptance._product import ROOT, Installed, ci_commands

TEMPLATES = sorted((ROOT / "docs" / "ci").glob("*.yml"))
OUTPUTS = ("watchkeeper-checks.xml", "watchkeeper-checks.md", "watchkeeper-checks.json")


def test_every_template_calls_watchkeeper() -> None:
    assert TEMPLATES
    for template in TEMPLATES:
        assert ci_commands(yaml.safe_load(template.read_text())), template.name


@pytest.mark.parametrize(
    ("candidate", "exit_code"),
    [("churn-reference.parquet", 0), ("scored/2026-11-02.parquet", 1)],
    ids=["reference-passes", "drifted-fails"],
)
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_ci_template_runs_as_written(
    installed: Installed, workdir: Path, template: Path, candidate: str, exit_code: int
) -> None:
    data = workdir / "examples" / "data"
    (workdir / "ci").mkdir()
    (workdir / "data").mkdir()
    suggested = installed.run(
        ["watchkeeper", "suggest", str(data / "churn-reference.parquet"), "-o", "ci/suite.yaml"],
        workdir,
    )
    assert suggested.returncode == 0, suggested.stderr
    shutil.copy2(data / candidate, workdir / "data" / "candidate.parquet")
    for command in ci_commands(yaml.safe_load(template.read_text())):
        done = installed.run(command, workdir)
        assert done.returncode == exit_code, f"{command}\n{done.stdout}\n{done.stderr}"
    junit = ElementTree.parse(workdir / OUTPUTS[0]).getroot()
    cases = junit.findall(".//testcase")
    assert cases, "the JUnit file has no test case"
    if exit_code == 1:
        assert any(case.find("failure") is not None for case in cases), "no failed case"
    assert (workdir / OUTPUTS[1]).read_text().strip()
    assert json.loads((workdir / OUTPUTS[2]).read_text())

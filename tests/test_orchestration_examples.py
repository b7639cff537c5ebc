"""examples/orchestration: the shared job runs on the example data; the Airflow DAG and
the Prefect flow call it.

Neither Airflow nor Prefect is installed in the test environment (Prefect 3 pins
fastapi and websockets below the server's versions; Airflow pins much more), so their
files are checked by parsing: each imports ``check_batch`` and wires it into a task.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "examples" / "orchestration"
DATA = ROOT / "examples" / "data"


@pytest.fixture
def job() -> Iterator[object]:
    sys.path.insert(0, str(FOLDER))
    try:
        import watchkeeper_job

        yield watchkeeper_job
    finally:
        sys.path.remove(str(FOLDER))
        sys.modules.pop("watchkeeper_job", None)


def test_job_passes_the_reference_and_fails_the_drifted_batch(job: object, tmp_path: Path) -> None:
    reference = str(DATA / "churn-reference.parquet")
    summary = job.check_batch(reference, reference, str(tmp_path / "same"))  # type: ignore[attr-defined]
    assert summary["dataset_drift"] is False and summary["drifted_columns"] == []
    saved = json.loads((tmp_path / "same" / "report.json").read_text(encoding="utf-8"))
    assert saved["drift"]["dataset_drift"] is False
    drifted = str(DATA / "scored" / "2026-11-02.parquet")
    with pytest.raises(job.DatasetDriftError, match="drifted from"):  # type: ignore[attr-defined]
        job.check_batch(reference, drifted, str(tmp_path / "day2"))  # type: ignore[attr-defined]
    assert (tmp_path / "day2" / "report.html").is_file()


def _calls(path: Path) -> tuple[set[str], set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return imported, called


@pytest.mark.parametrize(
    ("name", "decorators"),
    [("airflow_dag.py", {"dag", "task"}), ("prefect_flow.py", {"flow", "task"})],
)
def test_orchestrator_files_wire_the_job(name: str, decorators: set[str]) -> None:
    imported, called = _calls(FOLDER / name)
    assert "check_batch" in imported and "check_batch" in called
    assert decorators <= imported

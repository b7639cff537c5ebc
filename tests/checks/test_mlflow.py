"""MLflow logging against a real MLflow tracking store: a local SQLite file and a local
artifact folder, read back with ``MlflowClient``.

(MLflow 3 refuses its plain-folder store unless ``MLFLOW_ALLOW_FILE_STORE`` is set and
keeps it in maintenance mode; the SQLite store is the local store it recommends.)
"""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from watchkeeper._exceptions import MissingDependency
from watchkeeper.checks import Check, Suite, SuiteResult, log_to_mlflow

EXPECTED_METRICS = {
    "drift/share_drifted": 1.0,
    "drift/n_drifted": 1.0,
    "checks/failed": 1.0,
    "checks/passed": 0.0,
    "check/drift.share_drifted _ 0.3": 0.0,
    "check/x below _0.5_": 0.0,
}


_MLFLOW_ENVIRONMENT = ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID")


@pytest.fixture(scope="module")
def mlflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real mlflow module, tracking to a fresh local store for this module."""
    mlflow = pytest.importorskip("mlflow")
    folder = tmp_path_factory.mktemp("mlflow")
    # set_tracking_uri and set_experiment also write MLFLOW_TRACKING_URI and
    # MLFLOW_EXPERIMENT_ID into os.environ, which every later test and the servers
    # they start would inherit: both are put back as they were.
    saved = {name: os.environ.get(name) for name in _MLFLOW_ENVIRONMENT}
    mlflow.set_tracking_uri(f"sqlite:///{folder / 'mlflow.db'}")
    experiment = mlflow.create_experiment(
        "watchkeeper-tests", artifact_location=(folder / "artifacts").as_uri()
    )
    mlflow.set_experiment(experiment_id=experiment)
    try:
        yield mlflow
    finally:
        mlflow.set_tracking_uri(None)  # no URI of the process's own: the environment's
        mlflow.tracking.fluent._active_experiment_id = None
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _artifact(client: Any, run_id: str, path: str, folder: Path) -> str:
    local = client.download_artifacts(run_id, path, str(folder))
    return Path(local).read_text(encoding="utf-8")


@pytest.fixture
def result(rng: np.random.Generator) -> SuiteResult:
    reference = {"x": rng.normal(0, 1, 500)}
    suite = Suite(
        (
            Check("drift.share_drifted", "less", 0.3),
            Check("quality.column.x.max", "less", 0.5, "warn", name="x below (0.5)"),
        )
    )
    return suite.check(reference, {"x": rng.normal(3, 1, 500)})


def test_logs_artifacts_and_metrics_to_a_new_run(
    mlflow: Any, result: SuiteResult, tmp_path: Path
) -> None:
    assert mlflow.active_run() is None
    run_id = log_to_mlflow(result)
    client = mlflow.MlflowClient()
    run = client.get_run(run_id)
    assert run.data.metrics == EXPECTED_METRICS
    names = {f.path for f in client.list_artifacts(run_id, "watchkeeper")}
    assert names == {
        "watchkeeper/report.json",
        "watchkeeper/report.html",
        "watchkeeper/checks.json",
        "watchkeeper/checks.junit.xml",
    }
    report = json.loads(_artifact(client, run_id, "watchkeeper/report.json", tmp_path))
    assert report["drift"]["share_drifted"] == 1.0
    assert report == json.loads(result.report.to_json())
    checks = json.loads(_artifact(client, run_id, "watchkeeper/checks.json", tmp_path))
    assert checks["passed"] is False
    junit = _artifact(client, run_id, "watchkeeper/checks.junit.xml", tmp_path)
    suite = ET.fromstring(junit.split("\n", 1)[1])
    assert suite.get("failures") == "1" or suite.find(".//failure") is not None
    html = _artifact(client, run_id, "watchkeeper/report.html", tmp_path)
    assert html.lstrip().lower().startswith("<!doctype html")
    assert mlflow.active_run() is None  # the run it started is ended


def test_logs_into_the_active_run(mlflow: Any, result: SuiteResult) -> None:
    client = mlflow.MlflowClient()
    with mlflow.start_run() as run:
        assert log_to_mlflow(result, artifact_path="ci") == run.info.run_id
        assert mlflow.active_run().info.run_id == run.info.run_id  # still open
    names = {f.path for f in client.list_artifacts(run.info.run_id, "ci")}
    assert "ci/checks.json" in names
    assert client.get_run(run.info.run_id).data.metrics == EXPECTED_METRICS


def test_logs_into_a_named_finished_run(mlflow: Any, result: SuiteResult) -> None:
    client = mlflow.MlflowClient()
    with mlflow.start_run() as run:
        mlflow.log_metric("accuracy", 0.91)
    assert log_to_mlflow(report=result.report, run_id=run.info.run_id) == run.info.run_id
    metrics = client.get_run(run.info.run_id).data.metrics
    assert metrics == {"accuracy": 0.91, "drift/share_drifted": 1.0, "drift/n_drifted": 1.0}
    history = client.get_metric_history(run.info.run_id, "drift/n_drifted")
    assert [m.value for m in history] == [1.0]


def test_without_mlflow_says_which_extra(
    result: SuiteResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # makes "import mlflow" fail
    with pytest.raises(MissingDependency, match=r"watchkeeper\[mlflow\]"):
        log_to_mlflow(result)

"""MLflow logging, against a stand-in module that records the calls.

mlflow itself is not installed in the development environment (it would pull in a web
server and pin shared packages); the stand-in has the four functions the logger uses,
with MLflow's signatures, and the test reads back what was logged.
"""

from __future__ import annotations

import json
import sys
import types
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from watchkeeper._exceptions import MissingDependency
from watchkeeper.checks import Check, Suite, SuiteResult, log_to_mlflow


class FakeMlflow(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("mlflow")
        self.texts: dict[str, str] = {}
        self.metrics: dict[str, float] = {}
        self.active: Any = None
        self.started: list[str | None] = []

    def active_run(self) -> Any:
        return self.active

    @contextmanager
    def start_run(self, run_id: str | None = None) -> Iterator[Any]:
        self.started.append(run_id)
        run = types.SimpleNamespace(info=types.SimpleNamespace(run_id=run_id or "new-run"))
        self.active = run
        try:
            yield run
        finally:
            self.active = None

    def log_text(self, text: str, artifact_file: str) -> None:
        self.texts[artifact_file] = text

    def log_metrics(self, metrics: dict[str, float]) -> None:
        assert all(isinstance(v, float) for v in metrics.values())
        self.metrics.update(metrics)


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
    result: SuiteResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeMlflow()
    monkeypatch.setitem(sys.modules, "mlflow", fake)
    run_id = log_to_mlflow(result)
    assert run_id == "new-run"
    assert fake.started == [None]
    assert set(fake.texts) == {
        "watchkeeper/report.json",
        "watchkeeper/report.html",
        "watchkeeper/checks.json",
        "watchkeeper/checks.junit.xml",
    }
    assert json.loads(fake.texts["watchkeeper/report.json"])["drift"]["share_drifted"] == 1.0
    assert json.loads(fake.texts["watchkeeper/checks.json"])["passed"] is False
    ET.fromstring(fake.texts["watchkeeper/checks.junit.xml"].split("\n", 1)[1])
    assert fake.metrics == {
        "drift/share_drifted": 1.0,
        "drift/n_drifted": 1.0,
        "checks/failed": 1.0,
        "checks/passed": 0.0,
        "check/drift.share_drifted _ 0.3": 0.0,
        "check/x below _0.5_": 0.0,
    }


def test_logs_into_the_active_run(result: SuiteResult, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMlflow()
    monkeypatch.setitem(sys.modules, "mlflow", fake)
    with fake.start_run(run_id="abc"):
        assert log_to_mlflow(result, artifact_path="ci") == "abc"
    assert fake.started == ["abc"]  # no second run started
    assert "ci/checks.json" in fake.texts


def test_without_mlflow_says_which_extra(
    result: SuiteResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # makes "import mlflow" fail
    with pytest.raises(MissingDependency, match=r"watchkeeper\[mlflow\]"):
        log_to_mlflow(result)

"""Logging a report and a suite's results to an MLflow run (optional: needs ``mlflow``).

``mlflow-skinny`` (what ``pip install 'watchkeeper[mlflow]'`` installs) is enough: only
the tracking client is used. Tested against a real local tracking store
(``tests/checks/test_mlflow.py``).

Artifacts (under ``artifact_path``): the report as JSON and HTML, the suite's results
as JSON and JUnit XML. Metrics: the drift share and number of drifted features (larger
is worse), the number of failed checks (larger is worse) and one ``check/<name>``
metric per check, 1 when it passed and 0 when it did not.
"""

from __future__ import annotations

import json
import re
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from watchkeeper._exceptions import MissingDependency
from watchkeeper.checks._output import to_junit_xml
from watchkeeper.checks._suite import SuiteResult
from watchkeeper.report import Report

__all__ = ["log_to_mlflow", "mlflow_metric_name"]

# MLflow accepts letters, digits, underscores, dashes, periods, spaces and slashes.
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_\-. /]")


def mlflow_metric_name(text: str) -> str:
    """``text`` with the characters MLflow refuses in a metric name replaced by ``_``.

    >>> mlflow_metric_name("check/age < 3 (warn)")
    'check/age _ 3 _warn_'
    """
    return _NOT_ALLOWED.sub("_", text)


def _import_mlflow() -> Any:
    try:
        import mlflow
    except ImportError:
        raise MissingDependency("mlflow", "mlflow") from None
    return mlflow


def log_to_mlflow(
    result: SuiteResult | None = None,
    *,
    report: Report | None = None,
    run_id: str | None = None,
    artifact_path: str = "watchkeeper",
) -> str:
    """Log ``report`` (default: the suite result's report) and ``result`` to MLflow.

    Logs to the active run, or to ``run_id``, or to a new run when there is neither;
    returns the run's id. Raises :class:`~watchkeeper.MissingDependency` without
    ``mlflow`` (``pip install 'watchkeeper[mlflow]'``).

    >>> import mlflow  # doctest: +SKIP
    >>> with mlflow.start_run():  # doctest: +SKIP
    ...     run_id = log_to_mlflow(suite.check(reference, current))
    """
    mlflow = _import_mlflow()
    report = report if report is not None else (None if result is None else result.report)
    if report is None and result is None:
        raise ValueError("give a suite result, a report or both")
    active = mlflow.active_run()
    context: AbstractContextManager[Any]
    if active is not None and (run_id is None or active.info.run_id == run_id):
        context = nullcontext(active)
    else:
        context = mlflow.start_run(run_id=run_id)
    with context as run:
        metrics: dict[str, float] = {}
        if report is not None:
            mlflow.log_text(report.to_json(), f"{artifact_path}/report.json")
            mlflow.log_text(report.to_html(), f"{artifact_path}/report.html")
            metrics["drift/share_drifted"] = float(report.drift.share_drifted)
            metrics["drift/n_drifted"] = float(report.drift.n_drifted)
        if result is not None:
            mlflow.log_text(json.dumps(result.to_dict(), indent=2), f"{artifact_path}/checks.json")
            mlflow.log_text(to_junit_xml(result), f"{artifact_path}/checks.junit.xml")
            metrics["checks/failed"] = float(len(result.failures))
            metrics["checks/passed"] = 1.0 if result.passed else 0.0
            for item in result.results:
                key = mlflow_metric_name(f"check/{item.check.title}")
                metrics[key] = 1.0 if item.passed else 0.0
        mlflow.log_metrics(metrics)
        return str(run.info.run_id)

"""Suites of checks for CI: conditions on any metric a report produces.

A :class:`Suite` (read from YAML) holds :class:`Check` objects: a metric name such as
``drift.share_drifted``, a condition saying when it fails such as ``above: 0.3`` (the
language monitors share; the older ``less: 0.3`` still reads the same) and a severity
(``fail`` turns the build red, ``warn`` does not). It runs against one report, computed
once, and its :class:`SuiteResult` renders as an exit code, JUnit XML and a Markdown
summary. :func:`suggest_suite` proposes a suite from reference data. See
docs/ci-suites.md.
"""

from watchkeeper._deprecation import renamed_in_module
from watchkeeper.checks._conditions import (
    CONDITIONS,
    ConditionInfo,
    available_conditions,
    get_condition,
    register_condition,
)
from watchkeeper.checks._metrics import (
    Measurements,
    MetricFamily,
    available_metrics,
    metric_value,
    resolve_metric,
)
from watchkeeper.checks._mlflow import log_to_mlflow
from watchkeeper.checks._output import (
    EXIT_FAILED,
    EXIT_PASSED,
    exit_code,
    to_junit_xml,
    to_markdown,
    write_junit,
    write_markdown,
)
from watchkeeper.checks._suggest import suggest_suite
from watchkeeper.checks._suite import Check, CheckResult, CheckSeverity, Suite, SuiteResult

__all__ = [
    "CONDITIONS",
    "EXIT_FAILED",
    "EXIT_PASSED",
    "Check",
    "CheckResult",
    "CheckSeverity",
    "ConditionInfo",
    "Measurements",
    "MetricFamily",
    "Suite",
    "SuiteResult",
    "available_conditions",
    "available_metrics",
    "exit_code",
    "get_condition",
    "log_to_mlflow",
    "metric_value",
    "register_condition",
    "resolve_metric",
    "suggest_suite",
    "to_junit_xml",
    "to_markdown",
    "write_junit",
    "write_markdown",
]


# Old public names, kept as deprecated aliases (CHANGELOG.md, "Unreleased").
__getattr__ = renamed_in_module(__name__, {"Condition": "ConditionInfo"}, globals())

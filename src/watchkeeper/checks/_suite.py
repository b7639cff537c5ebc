"""Suites of checks, read from YAML, run against one report.

A :class:`Check` names a metric (see :mod:`watchkeeper.checks._metrics`), one
condition and a severity: a failed ``fail`` check fails the build, a failed ``warn``
check is reported and nothing more. A check whose metric cannot be read (a column
missing from the data, performance without labels) ends in ``error``, which counts as
failed for its severity. The file format, with every key::

    name: churn-model                # the JUnit test-suite name
    reference: data/reference.parquet   # optional; relative to this file
    schema: {target: churned, prediction: predicted}   # optional, as a schema file
    drift: {threshold: 0.01}         # optional drift policy options
    checks:
      - name: few features drift     # optional; defaults to the metric and condition
        metric: drift.share_drifted
        less: 0.3                    # exactly one condition, by its registered name
        severity: fail               # fail (default) or warn

Errors in the file name the file and the line (``suite.yaml:7: ...``); the file is
read by the one YAML reader (:mod:`watchkeeper._yaml`). A metric may also be named by
its catalogue name (``share_drifted`` for ``drift.share_drifted``; the old
``drift_share`` with a warning), and a condition by the shared language's name
(``above: 0.3``) or the suites' first spelling (``less: 0.3``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from watchkeeper._catalogue import canonical_name, get_metric_spec
from watchkeeper._exceptions import (
    ConfigError,
    InputError,
    SchemaError,
    UnknownMethodError,
    WatchkeeperError,
)
from watchkeeper._numbers import format_number
from watchkeeper._yaml import YamlList, YamlMap, plain, read_document
from watchkeeper.checks._conditions import CONDITIONS, get_condition
from watchkeeper.checks._metrics import Measurements, metric_value, resolve_metric
from watchkeeper.drift import DriftPolicy
from watchkeeper.report import Report
from watchkeeper.schema import parse_overrides

__all__ = ["Check", "CheckResult", "CheckSeverity", "Status", "Suite", "SuiteResult"]

# Whether a failed check fails the build; how bad a finding is, is watchkeeper._severity.
CheckSeverity = Literal["fail", "warn"]
Status = Literal["passed", "failed", "error"]
_SEVERITIES = ("fail", "warn")
_CHECK_KEYS = frozenset({"name", "metric", "severity"})
_SUITE_KEYS = frozenset({"name", "reference", "schema", "drift", "checks", "version"})


def _plain(value: Any) -> Any:
    """A value as YAML and JSON write it: sets as sorted lists, tuples as lists."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value) if math.isfinite(value) else str(value)
    if isinstance(value, frozenset):
        shown = sorted(value)
        return "{" + ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "") + "}"
    return str(value)


@dataclass(frozen=True)
class Check:
    """One metric, one condition, one severity.

    The argument is checked and normalised when the check is made (``between: [0, 1]``
    becomes ``(0.0, 1.0)``); an unknown metric or condition, or a condition that does
    not fit the metric's values, raises :class:`~watchkeeper.InputError`.

    >>> check = Check("drift.share_drifted", "less", 0.3)
    >>> check.title, check.severity
    ('drift.share_drifted < 0.3', 'fail')
    """

    metric: str
    condition: str
    argument: Any
    severity: CheckSeverity = "fail"
    name: str | None = None
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        family, _ = resolve_metric(self.metric)
        condition = get_condition(self.condition)
        if family.value_type not in condition.accepts:
            raise InputError(
                f"condition {self.condition!r} cannot test {self.metric!r}, whose values are "
                f"of type {family.value_type}; conditions for it: "
                + ", ".join(c.name for c in CONDITIONS.values() if family.value_type in c.accepts)
            )
        if condition.needs_reference and not family.has_reference:
            raise InputError(
                f"{self.metric!r} has no reference value (it compares the two sides already); "
                f"use an absolute condition instead of {self.condition!r}"
            )
        if self.severity not in _SEVERITIES:
            raise InputError(f"severity {self.severity!r} is not one of: fail, warn")
        try:
            object.__setattr__(self, "argument", condition.parse(self.argument))
        except ValueError as error:
            raise InputError(f"{self.condition}: {error}") from None

    @property
    def title(self) -> str:
        """The check's name, or the metric and the condition when it has none."""
        if self.name:
            return self.name
        return f"{self.metric} {get_condition(self.condition).explain(self.argument)}"

    @property
    def expectation(self) -> str:
        """The condition in words: ``< 0.3``, ``between 0 and 1``."""
        return get_condition(self.condition).explain(self.argument)

    def evaluate(self, data: Measurements) -> CheckResult:
        """Read the metric (and the reference's value when needed) and test it."""
        condition = get_condition(self.condition)
        reference: Any = None
        try:
            value = metric_value(data, self.metric)
            if condition.needs_reference:
                reference = metric_value(data, self.metric, "reference")
        except WatchkeeperError as error:
            return CheckResult(self, "error", None, None, f"cannot read {self.metric}: {error}")
        held = condition.holds(value, self.argument, reference)
        shown = f"{self.metric} = {_show(value)}"
        if condition.needs_reference:
            shown += f" (reference {_show(reference)})"
        verdict = "as expected" if held else "expected"
        message = f"{shown}; {verdict} {self.expectation}"
        return CheckResult(self, "passed" if held else "failed", value, reference, message)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        out["metric"] = self.metric
        out[self.condition] = _plain(self.argument)
        out["severity"] = self.severity
        return out


@dataclass(frozen=True)
class CheckResult:
    """What one check found: its status, the value read and a sentence saying so."""

    check: Check
    status: Status
    value: Any
    reference_value: Any
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.check.title,
            "metric": self.check.metric,
            "condition": self.check.condition,
            "argument": _plain(self.check.argument),
            "severity": self.check.severity,
            "status": self.status,
            "value": _plain(self.value),
            "reference_value": _plain(self.reference_value),
            "message": self.message,
        }


@dataclass(frozen=True)
class SuiteResult:
    """Every check's result, in the suite's order.

    ``passed`` is true when every ``fail`` check passed; warnings never fail a suite.
    """

    name: str
    results: tuple[CheckResult, ...]
    report: Report | None = field(default=None, compare=False, repr=False)

    @property
    def failures(self) -> list[CheckResult]:
        """``fail`` checks that failed or could not be read."""
        return [r for r in self.results if not r.passed and r.check.severity == "fail"]

    @property
    def warnings(self) -> list[CheckResult]:
        """``warn`` checks that failed or could not be read."""
        return [r for r in self.results if not r.passed and r.check.severity == "warn"]

    @property
    def passed(self) -> bool:
        return not self.failures

    def counts(self) -> dict[str, int]:
        """How many checks passed, failed (``fail`` severity) and warned."""
        n_failed, n_warned = len(self.failures), len(self.warnings)
        return {
            "total": len(self.results),
            "passed": len(self.results) - n_failed - n_warned,
            "failed": n_failed,
            "warnings": n_warned,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.name,
            "passed": self.passed,
            "counts": self.counts(),
            "checks": [r.to_dict() for r in self.results],
        }


@dataclass(frozen=True)
class Suite:
    """A named list of checks, with the reference and schema they are meant for.

    >>> import numpy as np
    >>> rng = np.random.default_rng(5)
    >>> suite = Suite.from_yaml('''
    ... checks:
    ...   - metric: drift.share_drifted
    ...     less: 0.3
    ...   - metric: quality.column.x.max
    ...     less: 3
    ...     severity: warn
    ... ''')
    >>> ref = {"x": rng.normal(0, 1, 1000)}
    >>> result = suite.check(ref, {"x": rng.normal(2, 1, 1000)})
    >>> [(r.status, r.check.severity) for r in result.results]
    [('failed', 'fail'), ('failed', 'warn')]
    >>> result.passed
    False
    """

    checks: tuple[Check, ...]
    name: str = "watchkeeper"
    reference: str | None = None
    schema: Mapping[str, Any] | None = field(default=None, hash=False)
    drift: Mapping[str, Any] | None = field(default=None, hash=False)
    path: Path | None = field(default=None, compare=False)

    @property
    def reference_path(self) -> Path | None:
        """The reference file named by the suite, relative to the suite file."""
        if self.reference is None:
            return None
        path = Path(self.reference)
        if path.is_absolute() or self.path is None:
            return path
        return self.path.parent / path

    def policy(self) -> DriftPolicy | None:
        """The drift policy of the suite's ``drift:`` options, or None for the default."""
        return None if not self.drift else DriftPolicy.from_options(**dict(self.drift))

    def run(self, data: Measurements) -> SuiteResult:
        """Every check on ``data``, which was computed once for all of them."""
        results = tuple(check.evaluate(data) for check in self.checks)
        return SuiteResult(self.name, results, data.report)

    def check(self, reference: Any, current: Any) -> SuiteResult:
        """Compute the report of ``current`` against ``reference`` once, then run."""
        data = Measurements.compute(reference, current, schema=self.schema, policy=self.policy())
        return self.run(data)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.reference is not None:
            out["reference"] = self.reference
        if self.schema:
            out["schema"] = _plain_mapping(self.schema)
        if self.drift:
            out["drift"] = _plain_mapping(self.drift)
        out["checks"] = [check.to_dict() for check in self.checks]
        return out

    def to_yaml(self) -> str:
        """The suite as YAML that :meth:`from_yaml` reads back to an equal suite."""
        text: str = yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)
        return text

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_yaml(), encoding="utf-8")
        return path

    @classmethod
    def from_yaml(cls, text: str, path: str | Path | None = None) -> Suite:
        """A suite from YAML text; errors name ``path`` (or ``<suite>``) and the line."""
        where = str(path) if path is not None else "<suite>"
        return _load(text, where, None if path is None else Path(path))

    @classmethod
    def load(cls, path: str | Path) -> Suite:
        """The suite in the YAML file at ``path``."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("the suite file does not exist", path=str(path)) from None
        except UnicodeDecodeError:
            raise ConfigError("the suite file is not UTF-8 text", path=str(path)) from None
        return cls.from_yaml(text, path)


def _plain_mapping(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): dict(v) if isinstance(v, Mapping) else _plain(v) for k, v in mapping.items()}


# Loading -----------------------------------------------------------------------------
# The file is read by the one YAML reader (watchkeeper._yaml), as watchkeeper.yaml and
# schema files are: every key and item keeps its line for the messages below.


def _check(item: Any, line: int, where: str) -> Check:
    if not isinstance(item, YamlMap):
        raise ConfigError("a check must be a mapping of keys", path=where, line=line)
    conditions = [key for key in item if key in CONDITIONS]
    unknown = [key for key in item if key not in CONDITIONS and key not in _CHECK_KEYS]
    if unknown:
        key = unknown[0]
        raise ConfigError(
            f"unknown key {key!r} in a check; keys are name, metric, severity and one "
            f"condition ({', '.join(CONDITIONS)})",
            path=where,
            line=item.line_of(key),
        )
    if "metric" not in item:
        raise ConfigError("the check has no 'metric'", path=where, line=line)
    if len(conditions) != 1:
        found = ", ".join(conditions) or "none"
        raise ConfigError(
            f"a check needs exactly one condition ({', '.join(CONDITIONS)}); found {found}",
            path=where,
            line=line,
        )
    name = item.get("name")
    severity = item.get("severity", "fail")
    if severity not in _SEVERITIES:
        raise ConfigError(
            f"severity {severity!r} is not one of: fail, warn",
            path=where,
            line=item.line_of("severity"),
        )
    metric = str(item["metric"])
    try:
        resolve_metric(metric)
    except InputError as error:
        # A catalogue name (share_drifted, quality_critical) names its report path.
        where_metric = f"{where}:{item.line_of('metric')}"
        try:
            path_ = get_metric_spec(canonical_name(metric, where=where_metric)).path
        except UnknownMethodError:
            path_ = None
        if path_ is None or "<" in path_:
            raise ConfigError(str(error), path=where, line=item.line_of("metric")) from None
        metric = path_
    condition = conditions[0]
    try:
        return Check(
            metric=metric,
            condition=condition,
            argument=plain(item[condition]),
            severity=severity,
            name=None if name is None else str(name),
            line=line,
        )
    except InputError as error:
        raise ConfigError(str(error), path=where, line=item.line_of(condition)) from None


def _load(text: str, where: str, path: Path | None) -> Suite:
    root = read_document(text, where)
    if root is None:
        raise ConfigError("the suite is empty; add 'checks:'", path=where)
    if not isinstance(root, YamlMap):
        raise ConfigError(
            "the suite must be a mapping of keys", path=where, line=getattr(root, "line", 1)
        )
    for key in root:
        if key not in _SUITE_KEYS:
            raise ConfigError(
                f"unknown key {key!r}; suite keys are {', '.join(sorted(_SUITE_KEYS))}",
                path=where,
                line=root.line_of(key),
            )
    if "checks" not in root:
        raise ConfigError("the suite has no 'checks:' list", path=where, line=root.line)
    items = root["checks"]
    if not isinstance(items, YamlList) or not items:
        raise ConfigError(
            "'checks' must be a list with at least one check",
            path=where,
            line=getattr(items, "line", root.line_of("checks")),
        )
    checks = tuple(_check(item, items.line_of(i), where) for i, item in enumerate(items))
    options = {
        key: plain(root[key]) for key in ("name", "reference", "schema", "drift") if key in root
    }
    for key in ("schema", "drift"):
        if key in options and not isinstance(options[key], Mapping):
            raise ConfigError(f"'{key}' must be a mapping", path=where, line=root.line_of(key))
    if "schema" in options:
        try:
            parse_overrides(options["schema"])
        except SchemaError as error:
            raise ConfigError(f"schema: {error}", path=where, line=root.line_of("schema")) from None
    if "drift" in options:
        try:
            DriftPolicy.from_options(**options["drift"])
        except (InputError, TypeError) as error:
            raise ConfigError(f"drift: {error}", path=where, line=root.line_of("drift")) from None
    return Suite(
        checks=checks,
        name=str(options.get("name") or "watchkeeper"),
        reference=None if options.get("reference") is None else str(options["reference"]),
        schema=options.get("schema"),
        drift=options.get("drift"),
        path=path,
    )

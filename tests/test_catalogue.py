"""The metric catalogue, walked: every consumer knows every metric it should.

Suites (the checks' metric table), monitors (watchkeeper.yaml validation), the
Prometheus exposition, the Prometheus rules and the Grafana panels each read the
catalogue; these tests fail when one of them lacks a metric or names it differently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchkeeper._catalogue import (
    ALIASES,
    DeprecatedNameWarning,
    MetricSpec,
    canonical_name,
    catalogue,
    get_metric_spec,
    prometheus_series,
    service_metrics,
    spellings,
    worse,
)
from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper.checks._metrics import available_metrics, resolve_metric
from watchkeeper.performance import METRICS as PERFORMANCE
from watchkeeper.service._types import Condition, MetricPoint, MonitorSpec
from watchkeeper.service.config import parse_config
from watchkeeper.service.exposition import render_prometheus
from watchkeeper.service.exposition._grafana import grafana_dashboard, panel_metric_names
from watchkeeper.service.exposition._rules import prometheus_rules

T = datetime(2024, 1, 1, tzinfo=UTC)
SERVICE = service_metrics()
TASK_OF_PROBLEM = {problem: task for task, problem in PROBLEM_OF_TASK.items() if problem}


def _ids(specs: list[MetricSpec]) -> list[str]:
    return [spec.name for spec in specs]


def test_names_are_unique_and_well_formed() -> None:
    names = _ids(catalogue())
    assert len(names) == len(set(names))
    for spec in catalogue():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", spec.name), spec.name
        assert spec.direction in ("higher_is_worse", "lower_is_worse", "neutral")
        assert spec.unit and spec.description
        if spec.path is not None:  # a per-feature metric's path names the column
            assert spec.per_feature == ("<column>" in spec.path), spec.name
    paths = [spec.path for spec in catalogue() if spec.path]
    assert len(paths) == len(set(paths))


def test_old_names_are_aliases_of_catalogued_metrics() -> None:
    for old, new in ALIASES.items():
        assert old not in _ids(catalogue())
        assert get_metric_spec(new).name == new
        with pytest.warns(DeprecatedNameWarning, match=f"'{old}' is deprecated"):
            assert canonical_name(old) == new
        assert spellings(old) == spellings(new) and old in spellings(new)
    # drift_share names the policy's threshold only; the observed share is share_drifted
    assert get_metric_spec("share_drifted").path == "drift.share_drifted"


def test_direction_agrees_with_the_performance_registry() -> None:
    for name, metric in PERFORMANCE.items():
        spec = get_metric_spec(name)
        expected = "lower_is_worse" if metric.higher_is_better else "higher_is_worse"
        assert spec.direction == expected, name
        assert spec.path == f"performance.{name}"
    assert get_metric_spec("drift_p_value").direction == "lower_is_worse"
    assert worse("drift_p_value", 0.3, 0.01) == 0.01
    assert worse("accuracy", 0.9, 0.6) == 0.6
    assert worse("drift_score", 0.1, 0.4) == 0.4


# suites -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [s for s in catalogue() if s.path], ids=lambda s: s.name)
def test_suites_know_every_metric_with_a_report_path(spec: MetricSpec) -> None:
    assert spec.path is not None
    name = spec.path.replace("<column>", "age")
    family, argument = resolve_metric(name)
    assert family.pattern == (spec.path if spec.problems == () else "performance.<metric>")
    if spec.per_feature:
        assert argument == "age"


def test_every_suite_metric_is_in_the_catalogue() -> None:
    paths = {spec.path for spec in catalogue() if spec.path}
    for family in available_metrics():
        if family.pattern == "performance.<metric>":
            assert {f"performance.{name}" for name in PERFORMANCE} <= paths
        else:
            assert family.pattern in paths, family.pattern


# monitors ---------------------------------------------------------------------------


def _config(spec: MetricSpec) -> str:
    task = TASK_OF_PROBLEM[spec.problems[0]] if spec.problems else "binary_classification"
    columns = ", columns: [age]" if spec.per_feature else ""
    return (
        "models:\n"
        f"  - {{name: m, task: {task}, schema: {{columns: {{age: numeric}}, target: y}}}}\n"
        "monitors:\n"
        f"  - {{name: x, model: m, metric: {spec.name}{columns}, condition: {{above: 1}}}}\n"
    )


@pytest.mark.parametrize("spec", SERVICE, ids=lambda s: s.name)
def test_monitors_know_every_service_metric(spec: MetricSpec) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a current name raises no deprecation
        config = parse_config(_config(spec))
    assert [m.metric for m in config.monitors] == [spec.name]


def test_report_only_metrics_are_not_monitors() -> None:
    for spec in catalogue():
        if not spec.service:
            with pytest.raises(Exception, match="unknown metric"):
                parse_config(_config(spec))


# Prometheus exposition, rules and Grafana --------------------------------------------


def _exposed() -> dict[str, str]:
    points = [
        MetricPoint("m", "v1", spec.name, 0.5, T, T, feature="age" if spec.per_feature else None)
        for spec in SERVICE
    ]
    text = render_prometheus(points, []).decode()
    return dict(re.findall(r"^# HELP (\S+) (.*)$", text, flags=re.MULTILINE))


def test_the_exposition_writes_every_service_metric_under_its_catalogue_series() -> None:
    exposed = _exposed()
    for spec in SERVICE:
        assert spec.series == prometheus_series(spec.name)
        assert exposed[spec.series] == f"watchkeeper {spec.name}: {spec.description}"
    assert len({spec.series for spec in SERVICE}) == len(SERVICE)


def test_rules_read_the_series_the_exposition_writes() -> None:
    exposed = _exposed()
    monitors = [
        MonitorSpec(f"r-{spec.name}", "m", spec.name, Condition("above", threshold=1.0))
        for spec in SERVICE
    ]
    rules = prometheus_rules(monitors)
    assert not rules.skipped
    exprs = [rule["expr"] for rule in rules.groups[0]["rules"]]
    assert len(exprs) == len(SERVICE)
    for spec, expr in zip(SERVICE, exprs, strict=True):
        assert expr.startswith(f"({spec.series}{{"), expr
        read = set(re.findall(r"\bwatchkeeper_[a-z0-9_]+(?=\{| )", expr))
        assert read <= set(exposed), read - set(exposed)
    # one name per metric, whatever its spelling: the rule of a custom "_total" metric
    # reads what the exposition writes (they once disagreed)
    custom = prometheus_rules([MonitorSpec("r", "m", "retries_total", Condition("above", 1.0))])
    assert custom.groups[0]["rules"][0]["expr"].startswith("(watchkeeper_retries_total_value{")
    text = render_prometheus([MetricPoint("m", "v1", "retries_total", 1.0, T, T)], []).decode()
    assert "watchkeeper_retries_total_value{" in text


def test_grafana_has_a_panel_for_every_service_metric() -> None:
    used = panel_metric_names(grafana_dashboard())
    missing = [spec.name for spec in SERVICE if spec.series not in used]
    assert not missing
    assert used - {spec.series for spec in SERVICE} == {"watchkeeper_alert_firing"}


def test_window_points_are_catalogued_names() -> None:
    import numpy as np

    from watchkeeper.drift import detect_drift
    from watchkeeper.service._points import drift_values, quality_values

    rng = np.random.default_rng(0)
    result = detect_drift(
        {"x": rng.normal(0, 1, 300), "c": rng.choice(["a", "b"], 300)},
        {"x": rng.normal(1, 1, 300), "c": rng.choice(["a", "b"], 300)},
    )
    names = {m for m, _, _ in [*drift_values(result), *quality_values({"critical": 1})]}
    assert names <= set(_ids(SERVICE))


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool is not installed (Debian 'prometheus')"
)
def test_promtool_accepts_a_rule_on_every_service_metric(tmp_path: Path) -> None:
    from watchkeeper.service.exposition import render_rules_yaml

    monitors = [
        MonitorSpec(f"r-{spec.name}", "m", spec.name, Condition("at_least", threshold=1.0))
        for spec in SERVICE
    ]
    path = tmp_path / "rules.yaml"
    path.write_text(render_rules_yaml(prometheus_rules(monitors)), encoding="utf-8")
    done = subprocess.run(
        ["promtool", "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(SERVICE) + 1} rules found" in done.stdout

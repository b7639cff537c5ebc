"""Prometheus rules from monitors: promtool accepts them, and promtool's own rule unit
tests show that they fire when (and only when) the service would."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from watchkeeper.service._types import Condition, MonitorSpec, Severity
from watchkeeper.service.config import load_config
from watchkeeper.service.exposition._rules import (
    prometheus_rules,
    render_rules_yaml,
    rules_from_config,
)

REPO = Path(__file__).resolve().parents[3]
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (apt-get install prometheus)"
)

HOSTILE_MODEL = 'we"ird\\model'
MONITORS = [
    MonitorSpec(
        "drift {{ $x }}",
        HOSTILE_MODEL,
        "drift_score",
        Condition("above", threshold=0.2),
        columns=("a.b", "c|d", "e(f)"),
        min_samples=200,
    ),
    MonitorSpec("acc-low", "m", "accuracy", Condition("below", threshold=0.8), min_samples=0),
    MonitorSpec("missing", "m", "missing_share", Condition("outside", low=0.0, high=0.1)),
    MonitorSpec(
        "auc-drop",
        "m",
        "roc_auc",
        Condition("relative_to_baseline", threshold=0.05, direction="down"),
    ),
    MonitorSpec("rmse-change", "m", "rmse", Condition("relative_to_baseline", threshold=0.1)),
    MonitorSpec(
        "latency",
        "m",
        "latency_p95_ms",
        Condition("sigma_band", k=3.0, direction="up"),
        severity=Severity.CRITICAL,
    ),
    MonitorSpec("errors-band", "m", "error_rate", Condition("sigma_band", k=2.0)),
    MonitorSpec("broken", "m", "error_rate", Condition("above")),
]
BASELINES = {"m": {"v1": {"roc_auc": 0.84, "latency_p95_ms": 40.0, "latency_p95_ms_std": 5.0}}}


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )


def test_every_condition_kind_is_translated_or_listed() -> None:
    rules = prometheus_rules(MONITORS, baselines=BASELINES, windows={"m": timedelta(hours=1)})
    by_monitor = {
        r["labels"]["monitor"]: r["expr"]
        for g in rules.groups
        for r in g["rules"]
        if "monitor" in r["labels"]
    }
    # 0.84 x (1 - 0.05) = 0.798 (by hand); 40 ms + 3 x 5 ms = 55 ms = 0.055 s.
    assert 'watchkeeper_roc_auc{model="m", version="v1"} < 0.798' in by_monitor["auc-drop"]
    assert "watchkeeper_latency_p95_seconds" in by_monitor["latency"]
    assert "> 0.055" in by_monitor["latency"]
    # Without a baseline: the last 30 windows of one hour, ending an hour ago.
    assert (
        'avg_over_time(watchkeeper_rmse{model="m"}[108000s] offset 3600s)'
        in (by_monitor["rmse-change"])
    )
    assert "stddev_over_time" in by_monitor["errors-band"]
    assert 'feature=~"a\\\\.b|c\\\\|d|e\\\\(f\\\\)"' in by_monitor["drift { { $x } }"]
    assert by_monitor["acc-low"] == 'watchkeeper_accuracy{model="m"} < 0.8'
    assert "label_coverage" in by_monitor["auc-drop"]  # performance counts labelled records
    assert [s.split(":")[0] for s in rules.skipped] == ["broken"]


@needs_promtool
def test_promtool_accepts_the_rules(tmp_path: Path) -> None:
    rules = prometheus_rules(MONITORS, baselines=BASELINES)
    path = tmp_path / "rules.yml"
    path.write_text(render_rules_yaml(rules), encoding="utf-8")
    result = _check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    # 7 monitors translated ("broken" has no threshold) + the service's alert state.
    assert "SUCCESS: 8 rules found" in result.stdout


@needs_promtool
def test_promtool_accepts_the_example_config(tmp_path: Path) -> None:
    config = load_config(REPO / "examples" / "watchkeeper.yaml")
    path = tmp_path / "rules.yml"
    path.write_text(render_rules_yaml(rules_from_config(config)), encoding="utf-8")
    result = _check(path)
    assert result.returncode == 0, result.stdout + result.stderr


UNIT_TEST = """
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'watchkeeper_drift_score{model="churn", version="v1", feature="age"}'
        values: '0.1x10 0.3x10'
      - series: 'watchkeeper_drift_score{model="churn", version="v1", feature="age",
          segment="region=eu"}'
        values: '0.3x20'
      - series: 'watchkeeper_window_records{model="churn", version="v1"}'
        values: '500x20'
      - series: 'watchkeeper_window_records{model="churn", version="v1", segment="region=eu"}'
        values: '50x20'
    alert_rule_test:
      - eval_time: 5m
        alertname: WatchkeeperAgeDrift
        exp_alerts: []
      - eval_time: 15m
        alertname: WatchkeeperAgeDrift
        exp_alerts:
          - exp_labels: {severity: warning, monitor: age-drift, model: churn, version: v1,
                         feature: age}
            exp_annotations:
              summary: 'age-drift: drift_score of churn on age is 0.3'
              description: drift_score above
"""


@needs_promtool
def test_rules_fire_only_above_the_threshold_with_enough_records(tmp_path: Path) -> None:
    # 0.1 then 0.3 against 0.2: silent, then firing; the eu segment drifts too but has
    # 50 records, under min_samples=100, so the service would not judge it: neither do we.
    monitor = MonitorSpec(
        "age-drift", "churn", "drift_score", Condition("above", threshold=0.2), columns=("age",)
    )
    (tmp_path / "rules.yml").write_text(
        render_rules_yaml(prometheus_rules([monitor])), encoding="utf-8"
    )
    (tmp_path / "test.yml").write_text(UNIT_TEST, encoding="utf-8")
    assert PROMTOOL is not None
    result = subprocess.run(
        [PROMTOOL, "test", "rules", "test.yml"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", ["above", "below", "at_least", "at_most"])
def test_a_fixed_rule_compares_as_the_condition_language_does(kind: str) -> None:
    """The PromQL comparison fails exactly where watchkeeper._conditions fails, at the
    threshold itself included (a latency in ms against a series in seconds)."""
    import operator

    condition = Condition(kind, threshold=250.0)  # type: ignore[arg-type]
    monitor = MonitorSpec("x", "m", "latency_p95_ms", condition, min_samples=0)
    (rule,) = prometheus_rules([monitor]).groups[0]["rules"]
    series, symbol, threshold = rule["expr"].split(" ")
    assert series == 'watchkeeper_latency_p95_seconds{model="m"}' and threshold == "0.25"
    compare = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}[symbol]
    for milliseconds in (249.0, 250.0, 251.0):
        fired = compare(milliseconds / 1000, float(threshold))
        assert fired == condition.rule().fails(milliseconds), (kind, milliseconds)

"""Prometheus alerting rules from the monitors of ``watchkeeper.yaml``.

For teams whose alerts go through Alertmanager: each monitor becomes one rule (or one
per version, where the version's baseline is a constant), over the series that
``/metrics`` exposes (:mod:`watchkeeper.service.exposition`). A breach is what the
service calls a breach, with these translations:

- ``above`` / ``below`` / ``at_least`` / ``at_most`` / ``outside``: the same comparison,
  thresholds in the exposed unit (latency thresholds in milliseconds become seconds,
  as the series are).
- ``relative_to_baseline`` and ``sigma_band`` with a baseline in the config (``metric``
  or ``metric.feature``, and ``metric_std`` for the band): constant limits, one rule per
  version that has the baseline.
- the same without a baseline: the service compares with the last 30 windows of the
  series; the rule compares with ``avg_over_time`` / ``stddev_over_time`` over 30 window
  lengths ending one window ago. That is an approximation: Prometheus averages samples
  (one per scrape), not windows, and its standard deviation is the population one.
- ``min_samples``: the rule holds only where the window had that many records
  (``watchkeeper_window_records``) or, for performance metrics, labelled records
  (records x ``watchkeeper_label_coverage``).

What cannot be translated (a zero baseline, a missing threshold) is listed in
comments at the top of the file and left out. Series names and units come from the
metric catalogue (:mod:`watchkeeper._catalogue`), as the exposition's do. A rule
fires where the monitor's condition does, whichever way the metric is worse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from watchkeeper._catalogue import PROMETHEUS_PREFIX, prometheus_series, scale_of
from watchkeeper._numbers import format_number
from watchkeeper.service._types import MonitorSpec

__all__ = [
    "HISTORY_WINDOWS",
    "RuleSet",
    "prometheus_rules",
    "render_rules_yaml",
    "rules_from_config",
    "series_name",
]

HISTORY_WINDOWS = 30
_PREFIX = PROMETHEUS_PREFIX
_REGEX_SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$])")


@dataclass(frozen=True)
class RuleSet:
    """Rule groups ready for YAML, and the monitors left out (with why)."""

    groups: list[dict[str, Any]]
    skipped: list[str]


def series_name(metric: str) -> tuple[str, float]:
    """The exposed series of a metric and the factor from its unit to the series' unit.

    Both come from the metric catalogue, as the exposition's do, so a rule always
    reads the series ``/metrics`` writes (``retries_total`` included).

    >>> series_name("latency_p95_ms"), series_name("drift_score")
    (('watchkeeper_latency_p95_seconds', 0.001), ('watchkeeper_drift_score', 1.0))
    >>> series_name("retries_total")[0]
    'watchkeeper_retries_total_value'
    """
    return prometheus_series(metric), scale_of(metric)


def _quote(value: str) -> str:
    """A PromQL string literal.

    >>> print(_quote('a"b\\\\c'))
    "a\\"b\\\\c"
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _selector(series: str, labels: Mapping[str, str], features: Iterable[str] = ()) -> str:
    parts = [f"{k}={_quote(v)}" for k, v in labels.items()]
    chosen = list(features)
    if chosen:
        pattern = "|".join(_REGEX_SPECIAL.sub(r"\\\1", f) for f in chosen)
        parts.append(f"feature=~{_quote(pattern)}")
    return f"{series}{{{', '.join(parts)}}}"


def _alert_name(monitor: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", monitor)
    return "Watchkeeper" + "".join(w[:1].upper() + w[1:] for w in words if w)


def _template_safe(text: str) -> str:
    # Labels and annotations are Go templates: text from the config must not open an action.
    return text.replace("{{", "{ {").replace("}}", "} }")


def _duration(window: timedelta) -> str:
    return f"{int(window.total_seconds())}s"


def _performance() -> frozenset[str]:
    from watchkeeper.performance import METRICS

    return frozenset(METRICS)


def _baseline(
    baseline: Mapping[str, float], monitor: MonitorSpec
) -> tuple[float, float | None] | None:
    # Per-feature baselines would need one rule per feature and version; the plain
    # metric key is what a rule over every monitored feature can use.
    if monitor.metric not in baseline:
        return None
    return baseline[monitor.metric], baseline.get(f"{monitor.metric}_std")


def _limits(
    monitor: MonitorSpec, base: float, spread: float | None
) -> tuple[float | None, float | None] | None:
    c = monitor.condition
    if c.kind == "relative_to_baseline":
        if c.threshold is None or base == 0:
            return None
        delta = abs(base) * c.threshold
        return base - delta, base + delta
    if c.kind == "sigma_band":
        if spread is None:
            return None
        k = 3.0 if c.k is None else c.k
        return base - k * spread, base + k * spread
    return None


def _compare(expr: str, low: float | None, high: float | None, direction: str) -> str:
    tests = []
    if low is not None and direction in ("down", "both"):
        tests.append(f"{expr} < {format_number(low, digits=12)}")
    if high is not None and direction in ("up", "both"):
        tests.append(f"{expr} > {format_number(high, digits=12)}")
    return tests[0] if len(tests) == 1 else " or ".join(f"({t})" for t in tests)


def _fixed(monitor: MonitorSpec, x: str, scale: float) -> str | None:
    c = monitor.condition
    if c.kind == "above" and c.threshold is not None:
        return f"{x} > {format_number(c.threshold * scale, digits=12)}"
    if c.kind == "below" and c.threshold is not None:
        return f"{x} < {format_number(c.threshold * scale, digits=12)}"
    if c.kind == "at_least" and c.threshold is not None:
        return f"{x} >= {format_number(c.threshold * scale, digits=12)}"
    if c.kind == "at_most" and c.threshold is not None:
        return f"{x} <= {format_number(c.threshold * scale, digits=12)}"
    if c.kind == "outside" and (c.low is not None or c.high is not None):
        low = None if c.low is None else c.low * scale
        high = None if c.high is None else c.high * scale
        return _compare(x, low, high, "both")
    return None


def _historical(monitor: MonitorSpec, x: str, window: timedelta) -> str | None:
    c = monitor.condition
    span = f"[{_duration(window * HISTORY_WINDOWS)}] offset {_duration(window)}"
    mean = f"avg_over_time({x}{span})"
    if c.kind == "relative_to_baseline" and c.threshold is not None:
        change = {
            "up": f"({x} - {mean})",
            "down": f"({mean} - {x})",
            "both": f"abs({x} - {mean})",
        }[c.direction]
        return f"{change} / abs({mean}) > {format_number(c.threshold, digits=12)}"
    if c.kind == "sigma_band":
        k = format_number(3.0 if c.k is None else c.k, digits=12)
        sd = f"stddev_over_time({x}{span})"
        tests = {
            "up": [f"{x} > {mean} + {k} * {sd}"],
            "down": [f"{x} < {mean} - {k} * {sd}"],
            "both": [f"{x} > {mean} + {k} * {sd}", f"{x} < {mean} - {k} * {sd}"],
        }[c.direction]
        return tests[0] if len(tests) == 1 else " or ".join(f"({t})" for t in tests)
    return None


def _guard(expr: str, monitor: MonitorSpec, performance: frozenset[str]) -> str:
    if monitor.min_samples <= 0:
        return expr
    records = _PREFIX + "window_records"
    # A performance monitor counts labelled records, as the service does.
    labelled = f"({records} * {_PREFIX}label_coverage)"
    count = labelled if monitor.metric in performance else records
    return f"({expr}) and on(model, version, segment) {count} >= {monitor.min_samples}"


def _rule(monitor: MonitorSpec, expr: str, version: str | None) -> dict[str, Any]:
    where = f" (version {version})" if version else ""
    feature = " on {{ $labels.feature }}" if monitor.columns else ""
    description = monitor.description or f"{monitor.metric} {monitor.condition.kind}"
    return {
        "alert": _alert_name(monitor.name),
        "expr": expr,
        "labels": {"severity": str(monitor.severity), "monitor": _template_safe(monitor.name)},
        "annotations": {
            "summary": _template_safe(f"{monitor.name}: {monitor.metric} of {monitor.model}{where}")
            + feature
            + " is {{ $value }}",
            "description": _template_safe(description),
        },
    }


def prometheus_rules(
    monitors: Iterable[MonitorSpec],
    *,
    baselines: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None,
    windows: Mapping[str, timedelta] | None = None,
    default_window: timedelta = timedelta(hours=1),
) -> RuleSet:
    """Rule groups (one per model) for ``monitors``.

    ``baselines`` maps model -> version -> baseline metrics; ``windows`` model -> its
    window length (for the history of ``relative_to_baseline`` and ``sigma_band``).

    >>> from watchkeeper.service._types import Condition
    >>> rules = prometheus_rules([MonitorSpec("drift", "churn", "share_drifted",
    ...                                       Condition("above", threshold=0.5))])
    >>> print(rules.groups[0]["rules"][0]["expr"])
    (watchkeeper_share_drifted{model="churn"} > 0.5) and on(model, version, segment) \
watchkeeper_window_records >= 100
    """
    performance = _performance()
    grouped: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    for monitor in monitors:
        series, scale = series_name(monitor.metric)
        labels = {"model": monitor.model}
        if monitor.version:
            labels["version"] = monitor.version
        x = _selector(series, labels, monitor.columns)
        rules: list[dict[str, Any]] = []
        fixed = _fixed(monitor, x, scale)
        if fixed is not None:
            rules.append(_rule(monitor, _guard(fixed, monitor, performance), monitor.version))
        elif monitor.condition.kind in ("relative_to_baseline", "sigma_band"):
            versions = (baselines or {}).get(monitor.model, {})
            with_base = {
                v: found
                for v, b in versions.items()
                if (monitor.version in (None, v)) and (found := _baseline(b, monitor)) is not None
            }
            for version, (base, spread) in sorted(with_base.items()):
                limits = _limits(monitor, base * scale, None if spread is None else spread * scale)
                if limits is None:
                    skipped.append(
                        f"{monitor.name} (version {version}): baseline {base} gives no limits "
                        "(zero, or a sigma band without a standard deviation): history used"
                    )
                    continue
                selector = _selector(series, {**labels, "version": version}, monitor.columns)
                expr = _compare(selector, *limits, monitor.condition.direction)
                rules.append(_rule(monitor, _guard(expr, monitor, performance), version))
            if not rules:
                window = (windows or {}).get(monitor.model, default_window)
                historical = _historical(monitor, x, window)
                if historical is not None:
                    rules.append(
                        _rule(monitor, _guard(historical, monitor, performance), monitor.version)
                    )
        if not rules:
            skipped.append(
                f"{monitor.name}: condition {monitor.condition.to_dict()} cannot be written in "
                "PromQL (a threshold is missing)"
            )
            continue
        grouped.setdefault(monitor.model, []).extend(rules)
    groups = [{"name": f"watchkeeper-{model}", "rules": rules} for model, rules in grouped.items()]
    groups.append(
        {
            "name": "watchkeeper-service-alerts",
            "rules": [
                {
                    "alert": "WatchkeeperAlertFiring",
                    "expr": f"{_PREFIX}alert_firing == 1",
                    "labels": {"source": "watchkeeper"},
                    "annotations": {
                        "summary": "watchkeeper alert {{ $labels.monitor }} fires on "
                        "{{ $labels.model }} {{ $labels.version }}",
                        "description": "The service's own alert state, for Alertmanager "
                        "routing; the rules above evaluate the monitors in Prometheus.",
                    },
                }
            ],
        }
    )
    return RuleSet(groups, skipped)


def rules_from_config(config: Any, *, model: str | None = None) -> RuleSet:
    """Rules for the monitors of a loaded :class:`~watchkeeper.service.config.WatchkeeperConfig`."""
    baselines = {
        m.name: {v.name: dict(v.baseline) for v in m.versions if v.baseline} for m in config.models
    }
    windows = {m.name: m.window for m in config.models if m.window is not None}
    default = config.server.window or timedelta(hours=1)
    monitors = [m for m in config.monitors if model is None or m.model == model]
    return prometheus_rules(monitors, baselines=baselines, windows=windows, default_window=default)


def render_rules_yaml(rules: RuleSet, *, source: str = "watchkeeper.yaml") -> str:
    """The rule file's text: a header (with what was left out) and the groups."""
    import yaml

    lines = [
        f"# Prometheus alerting rules generated by 'watchkeeper prometheus rules' from {source}.",
        "# Check with: promtool check rules FILE",
    ]
    lines += [f"# skipped: {why}" for why in rules.skipped]
    body = yaml.safe_dump({"groups": rules.groups}, sort_keys=False, width=1000)
    return "\n".join(lines) + "\n" + body

"""The ``monitors:`` section of ``watchkeeper.yaml``, and the conditions monitors use.

Conditions are the shared language of :mod:`watchkeeper._conditions` (CI suites use it
too); a monitor takes its numeric conditions, and the suites' ``less``, ``greater`` and
``between`` spell three of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from watchkeeper._catalogue import canonical_name
from watchkeeper._conditions import BASELINE_KINDS, parse_condition, spelling_of
from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper._yaml import YamlMap
from watchkeeper.service._types import Condition, MonitorSpec, Severity
from watchkeeper.service.config._checker import _Checker, _suggest, _type_name
from watchkeeper.service.config._model import ModelConfig

__all__ = ["_condition", "_monitors"]

_MONITOR = (
    "name", "model", "metric", "condition", "severity", "columns", "min_samples",
    "cooldown", "channels", "version", "description",
)  # fmt: skip
# The numeric conditions of the shared language (watchkeeper._conditions), then the
# suites' older spellings of three of them (less = at_least, greater = at_most,
# between = outside), accepted here too so one vocabulary serves both files.
_CONDITIONS = (
    "above", "below", "at_least", "at_most", "outside", "relative_to_baseline", "sigma_band",
    "less", "greater", "between",
)  # fmt: skip


def _condition(check: _Checker, value: Any, line: int, what: str) -> Condition | None:
    node = check.mapping(value, line, f"{what}: 'condition'")
    if node is None:
        return None
    kinds = [k for k in node if k in _CONDITIONS]
    for key in node:
        if key not in (*_CONDITIONS, "direction"):
            check.problem(
                node.line_of(key),
                f"{what}: unknown condition {key!r}"
                f"{_suggest(key, _CONDITIONS)} (use one of {', '.join(_CONDITIONS)})",
            )
    if len(kinds) != 1:
        if kinds or all(k in (*_CONDITIONS, "direction") for k in node):
            check.problem(
                node.line,
                f"{what}: a condition has exactly one of "
                f"{', '.join(_CONDITIONS)}; it has {len(kinds)}",
            )
        return None
    name = kinds[0]
    kind = spelling_of(name)
    direction = node.get("direction", "both")
    if direction not in ("up", "down", "both"):
        check.problem(
            node.line_of("direction"),
            f"{what}: direction {direction!r} is not 'up', 'down' or 'both'",
        )
        return None
    if "direction" in node and kind not in BASELINE_KINDS:
        check.problem(
            node.line_of("direction"),
            f"{what}: 'direction' applies only to relative_to_baseline and sigma_band",
        )
        direction = "both"
    if kind == "outside":
        bounds = node[name]
        if isinstance(bounds, list) and len(bounds) == 2:
            low, high = bounds
        elif isinstance(bounds, Mapping) and set(bounds) <= {"low", "high"} and bounds:
            low, high = bounds.get("low"), bounds.get("high")
        else:
            check.problem(
                node.line_of(name),
                f"{what}: '{name}' takes [low, high] or {{low: ..., high: ...}}",
            )
            return None
        if any(
            b is not None and (isinstance(b, bool) or not isinstance(b, int | float))
            for b in (low, high)
        ):
            check.problem(node.line_of(name), f"{what}: the bounds of '{name}' must be numbers")
            return None
        if low is not None and high is not None and low > high:
            check.problem(
                node.line_of(name), f"{what}: '{name}' has low {low} above high {high}; swap them"
            )
            return None
        return Condition.from_rule(parse_condition(name, {"low": low, "high": high}))
    number = check.number(node, name, what)
    if number is None:
        return None
    if kind == "sigma_band" and number <= 0:
        check.problem(node.line_of(name), f"{what}: sigma_band needs k > 0, e.g. 3")
        return None
    if kind == "relative_to_baseline" and number <= 0:
        check.problem(
            node.line_of(name),
            f"{what}: relative_to_baseline is a fraction > 0, e.g. 0.1 for 10%",
        )
        return None
    return Condition.from_rule(parse_condition(name, number, direction=direction))


def _monitors(
    check: _Checker,
    root: YamlMap,
    models: Mapping[str, ModelConfig],
    channels: set[str],
    declared: set[str],
) -> list[MonitorSpec]:
    out = []
    for item, name, what in check.named(root, "monitors", "monitor", _MONITOR):
        ok = name is not None
        model_name = check.text(item, "model", what, required=True)
        model = models.get(model_name or "")
        if model_name is not None and model is None:
            check.declared(item, "model", "model", model_name, declared, what)
            ok = False
        metric = check.text(item, "metric", what, required=True)
        if metric is not None:
            metric = canonical_name(metric, where=f"{check.path}:{item.line_of('metric')}")
        info = check.metrics.get(metric or "")
        if metric is not None and info is None:
            check.problem(
                item.line_of("metric"),
                f"{what}: unknown metric {metric!r}"
                + (
                    _suggest(metric, check.metrics)
                    or " (the metric names are listed in docs/monitors-as-code.md)"
                ),
            )
            ok = False
        if info is not None and model is not None and info.problems:
            problem = PROBLEM_OF_TASK.get(model.task)
            if problem not in info.problems:
                check.problem(
                    item.line_of("metric"),
                    f"{what}: metric {metric!r} does not apply "
                    f"to task {model.task!r} of model {model.name!r}",
                )
                ok = False
        columns = check.names(item, "columns", what)
        if columns and info is not None and not info.per_feature:
            check.problem(
                item.line_of("columns"),
                f"{what}: metric {metric!r} is not per feature; remove 'columns'",
            )
            ok = False
        if columns and model is not None and model.schema.get("features"):
            known = model.schema["features"]
            for column in columns:
                if column not in known:
                    check.problem(
                        item.line_of("columns"),
                        f"{what}: model {model.name!r} has no "
                        f"feature {column!r}{_suggest(column, known)}",
                    )
                    ok = False
        condition = None
        if item.get("condition") is None:
            check.problem(item.line, f"{what}: 'condition' is required, e.g. {{above: 0.2}}")
        else:
            condition = _condition(check, item["condition"], item.line_of("condition"), what)
        severity = check.text(item, "severity", what) or "warning"
        if severity not in {s.value for s in Severity}:
            check.problem(
                item.line_of("severity"),
                f"{what}: unknown severity {severity!r}"
                f"{_suggest(severity, [s.value for s in Severity])} (use info, "
                "warning or critical)",
            )
            ok = False
        min_samples = item.get("min_samples", 100)
        if isinstance(min_samples, bool) or not isinstance(min_samples, int) or min_samples < 0:
            check.problem(
                item.line_of("min_samples"),
                f"{what}: 'min_samples' must be a whole number >= 0, not {_type_name(min_samples)}",
            )
            ok = False
        cooldown = check.duration(item, "cooldown", what, positive=False)
        if "cooldown" in item and cooldown is None:
            ok = False
        wanted = check.names(item, "channels", what)
        for channel in wanted:
            if not check.declared(item, "channels", "channel", channel, channels, what):
                ok = False
        version = check.text(item, "version", what)
        description = check.text(item, "description", what) or ""
        if ok and condition is not None and model_name and metric:
            out.append(MonitorSpec(
                name=str(name), model=model_name, metric=metric, condition=condition,
                severity=Severity(severity), columns=columns, min_samples=int(min_samples),
                cooldown=timedelta(hours=1) if cooldown is None else cooldown,
                channels=wanted, version=version, description=description,
            ))  # fmt: skip
    return out

"""Checking a ``watchkeeper.yaml`` and building its typed form, reporting every error.

Validation does not stop at the first problem: a person fixing a file wants the
whole list, each with its line (``watchkeeper.yaml:42: monitor 'drift': unknown
metric 'drfit_score'; did you mean 'drift_score'?``). Unknown keys, wrong types,
unknown metrics, monitors naming unknown models, columns or channels, invalid
conditions, durations and literal secrets are all reported; :func:`parse_config`
raises :class:`InvalidConfigError` holding every one of them.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from watchkeeper._catalogue import canonical_key, canonical_name
from watchkeeper._conditions import BASELINE_KINDS, parse_condition, spelling_of
from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper.service._types import ChannelSpec, Condition, MonitorSpec, Severity
from watchkeeper.service.config._load import Problem, YamlList, YamlMap, compose_document
from watchkeeper.service.config._model import (
    ModelConfig,
    ScheduleConfig,
    ServerConfig,
    VersionConfig,
    WatchkeeperConfig,
)
from watchkeeper.service.config._registry import (
    CHANNEL_TYPES,
    PROBLEM_OF_TASK,
    SECRET_KEYS,
    TASKS,
    known_metrics,
)

__all__ = ["InvalidConfigError", "load_config", "parse_config", "parse_duration_text"]

_TOP = ("version", "models", "monitors", "channels", "schedules", "server")
_MODEL = ("name", "task", "schema", "reference", "window", "versions", "description")
_VERSION = ("name", "reference", "baseline", "active")
_MONITOR = (
    "name", "model", "metric", "condition", "severity", "columns", "min_samples",
    "cooldown", "channels", "version", "description",
)  # fmt: skip
_CHANNEL = ("name", "type", "settings")
_SCHEDULE = ("name", "model", "reference", "current", "every", "version", "monitors")
_SERVER = ("window", "public_url", "graphite")
_SCHEMA = (
    "columns", "target", "prediction", "scores", "id", "timestamp", "segments", "ignore",
    "classes",
)  # fmt: skip
# The numeric conditions of the shared language (watchkeeper._conditions), then the
# suites' older spellings of three of them (less = at_least, greater = at_most,
# between = outside), accepted here too so one vocabulary serves both files.
_CONDITIONS = (
    "above", "below", "at_least", "at_most", "outside", "relative_to_baseline", "sigma_band",
    "less", "greater", "between",
)  # fmt: skip
_SERVICE_KINDS = ("numeric", "categorical", "boolean", "text")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class InvalidConfigError(ConfigError):
    """A configuration file with one or more problems; ``problems`` lists them all.

    ``str()`` is one ``path:line: message`` per line; ``line`` is the first one's.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
        if self.problems:
            self.path = self.problems[0].path
            self.line = self.problems[0].line


def parse_duration_text(value: Any) -> timedelta:
    """A duration from ``"30s"``, ``"15m"``, ``"1h"``, ``"1d"``, ``"2w"`` or seconds.

    Zero is allowed (a cooldown of ``0`` means none); negative values are not.

    >>> parse_duration_text("1h"), parse_duration_text("30m").total_seconds()
    (datetime.timedelta(seconds=3600), 1800.0)
    >>> parse_duration_text("1d").days
    1
    """
    if isinstance(value, bool):
        raise InputError(f"duration {value!r} is not a duration; write e.g. '30m', '1h', '1d'")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise InputError(f"duration {value!r} must be a finite, non-negative number")
        return timedelta(seconds=float(value))
    match = _DURATION.match(str(value).lower()) if isinstance(value, str) else None
    if match is None:
        raise InputError(
            f"duration {value!r} is not understood; write a number with a unit s, m, h, d "
            "or w, e.g. '30m', '1h', '1d'"
        )
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"{type(value).__name__} {value!r}"


class _Checker:
    """Collects problems while reading the document section by section."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.metrics = known_metrics()

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    # generic readers ---------------------------------------------------------------

    def keys(self, node: YamlMap, allowed: tuple[str, ...], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(
                    node.line_of(key),
                    f"{what}: unknown key {key!r}{_suggest(key, allowed)} "
                    f"(allowed: {', '.join(allowed)})",
                )

    def mapping(self, value: Any, line: int, what: str) -> YamlMap | None:
        if isinstance(value, YamlMap):
            return value
        self.problem(line, f"{what} must be a mapping of keys to values, not {_type_name(value)}")
        return None

    def items(self, node: YamlMap, key: str) -> list[tuple[YamlMap, int]]:
        """The mappings of the list under ``key`` with their lines."""
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, YamlList):
            self.problem(node.line_of(key), f"{key!r} must be a list, not {_type_name(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            checked = self.mapping(item, value.line_of(index), f"item {index + 1} of {key!r}")
            if checked is not None:
                out.append((checked, value.line_of(index)))
        return out

    def text(self, node: YamlMap, key: str, what: str, *, required: bool = False) -> str | None:
        if key not in node or node[key] is None:
            if required:
                self.problem(node.line, f"{what}: {key!r} is required")
            return None
        value = node[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(
                node.line_of(key), f"{what}: {key!r} must be text, not {_type_name(value)}"
            )
            return None
        return str(value)

    def number(self, node: YamlMap, key: str, what: str) -> float | None:
        value = node.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.problem(
                node.line_of(key), f"{what}: {key!r} must be a number, not {_type_name(value)}"
            )
            return None
        return float(value)

    def names(self, node: YamlMap, key: str, what: str) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                node.line_of(key),
                f"{what}: {key!r} must be a list of names, not {_type_name(value)}",
            )
            return ()
        return tuple(value)

    def duration(self, node: YamlMap, key: str, what: str, *, positive: bool) -> timedelta | None:
        if node.get(key) is None:
            return None
        try:
            value = parse_duration_text(node[key])
        except InputError as error:
            self.problem(node.line_of(key), f"{what}: {key!r}: {error}")
            return None
        if positive and value <= timedelta(0):
            self.problem(node.line_of(key), f"{what}: {key!r} must be longer than zero, e.g. '1h'")
            return None
        return value

    def unique(self, nodes: list[tuple[YamlMap, int]], names: list[str | None], what: str) -> None:
        seen: dict[str, int] = {}
        for (node, _), name in zip(nodes, names, strict=True):
            if name is None:
                continue
            if name in seen:
                self.problem(
                    node.line_of("name"),
                    f"{what} {name!r} is declared twice (first at line {seen[name]}); rename one",
                )
            else:
                seen[name] = node.line_of("name")


def _schema(check: _Checker, node: YamlMap, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service-form schema and the normalised column overrides."""
    from watchkeeper._exceptions import SchemaError
    from watchkeeper.schema import ColumnKind, ColumnRole, parse_overrides

    check.keys(node, _SCHEMA, f"{what} schema")
    overrides = {k: v for k, v in node.items() if k in _SCHEMA and k != "classes"}
    columns = node.get("columns")
    before = len(check.problems)
    if isinstance(columns, YamlMap):
        kinds = {k.value for k in ColumnKind}
        roles = {r.value for r in ColumnRole}
        for name, entry in columns.items():
            line = columns.line_of(name)
            spec = {"kind": entry} if isinstance(entry, str) else entry
            if not isinstance(spec, YamlMap | dict):
                check.problem(line, f"{what}: column {name!r} must be a kind or {{kind, role}}")
                continue
            for key, value in spec.items():
                allowed = kinds if key == "kind" else roles if key == "role" else None
                if allowed is None:
                    check.problem(
                        line,
                        f"{what}: column {name!r}: unknown key {key!r}"
                        f"{_suggest(key, ('kind', 'role'))}",
                    )
                elif value not in allowed:
                    check.problem(
                        line,
                        f"{what}: column {name!r}: unknown {key} {value!r}"
                        f"{_suggest(str(value), allowed)} "
                        f"(use one of {', '.join(sorted(allowed))})",
                    )
    normalised: dict[str, Any] = {}
    if len(check.problems) == before:
        # The column checks above give lines; parse_overrides only says what.
        try:
            normalised = parse_overrides(overrides) if overrides else {}
        except SchemaError as error:
            check.problem(node.line, f"{what} schema: {error}")
    features = {
        name: entry["kind"]
        for name, entry in normalised.items()
        if entry.get("role", "feature") == "feature" and entry.get("kind") in _SERVICE_KINDS
    }
    service: dict[str, Any] = {"features": features, "columns": normalised}
    classes = node.get("classes")
    if classes is not None:
        if not isinstance(classes, list) or not classes:
            check.problem(node.line_of("classes"), f"{what}: 'classes' must be a list of labels")
        else:
            service["classes"] = list(classes)
    return service, normalised


def _versions(check: _Checker, node: YamlMap, what: str) -> tuple[VersionConfig, ...]:
    out = []
    items = check.items(node, "versions")
    names = []
    for item, _ in items:
        label = f"{what} version"
        check.keys(item, _VERSION, label)
        name = check.text(item, "name", label, required=True)
        names.append(name)
        baseline: dict[str, float] = {}
        raw = item.get("baseline")
        if raw is not None and check.mapping(raw, item.line_of("baseline"), f"{label} baseline"):
            for key in raw:
                value = check.number(raw, key, f"{label} baseline")
                if value is not None:
                    where = f"{check.path}:{raw.line_of(key)}"
                    baseline[canonical_key(str(key), where=where)] = value
        active = item.get("active", False)
        if not isinstance(active, bool):
            check.problem(item.line_of("active"), f"{label}: 'active' must be true or false")
            active = False
        reference = check.text(item, "reference", label)
        if name is not None:
            out.append(VersionConfig(name, reference, baseline, active))
    check.unique(items, names, f"{what} version")
    if sum(v.active for v in out) > 1:
        check.problem(
            node.line_of("versions"), f"{what}: more than one version is active; mark one"
        )
    return tuple(out)


def _models(check: _Checker, root: YamlMap) -> list[ModelConfig]:
    out = []
    items = check.items(root, "models")
    names = []
    for item, _ in items:
        name = check.text(item, "name", "model", required=True)
        names.append(name)
        what = f"model {name!r}" if name else "model"
        check.keys(item, _MODEL, what)
        task = check.text(item, "task", what, required=True)
        if task is not None and task not in TASKS:
            check.problem(
                item.line_of("task"),
                f"{what}: unknown task {task!r}"
                f"{_suggest(task, TASKS)} (use one of {', '.join(TASKS)})",
            )
            task = None
        schema: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        if item.get("schema") is not None:
            node = check.mapping(item["schema"], item.line_of("schema"), f"{what} schema")
            if node is not None:
                schema, columns = _schema(check, node, what)
        window = check.duration(item, "window", what, positive=True)
        reference = check.text(item, "reference", what)
        description = check.text(item, "description", what) or ""
        versions = _versions(check, item, what)
        if name is not None and task is not None:
            out.append(
                ModelConfig(name, task, schema, columns, reference, window, versions, description)
            )
    check.unique(items, names, "model")
    return out


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


def _channels(check: _Checker, root: YamlMap) -> list[ChannelSpec]:
    out = []
    items = check.items(root, "channels")
    names = []
    for item, _ in items:
        name = check.text(item, "name", "channel", required=True)
        names.append(name)
        what = f"channel {name!r}" if name else "channel"
        check.keys(item, _CHANNEL, what)
        type_ = check.text(item, "type", what, required=True)
        spec = CHANNEL_TYPES.get(type_ or "")
        if type_ is not None and spec is None:
            check.problem(
                item.line_of("type"),
                f"{what}: unknown type {type_!r}"
                f"{_suggest(type_, CHANNEL_TYPES)} (use one of {', '.join(CHANNEL_TYPES)})",
            )
        raw = item.get("settings")
        settings = (
            YamlMap(item.line)
            if raw is None
            else check.mapping(raw, item.line_of("settings"), f"{what}: 'settings'")
        )
        if settings is None or spec is None:
            continue
        ok = True
        for key, value in settings.items():
            line = settings.line_of(key)
            if key in SECRET_KEYS:
                check.problem(
                    line,
                    f"{what}: {key!r} holds a literal secret; never write secrets "
                    f"in the file: put it in an environment variable and name it with "
                    f"'{key}_env: VARIABLE'",
                )
                ok = False
            elif key not in spec.keys:
                check.problem(
                    line,
                    f"{what}: unknown setting {key!r} for type {spec.name}"
                    f"{_suggest(key, spec.keys)} (allowed: {', '.join(spec.keys)})",
                )
                ok = False
            elif key.endswith("_env") and (
                not isinstance(value, str) or not _ENV_NAME.match(value)
            ):
                check.problem(
                    line,
                    f"{what}: {key!r} must name an environment variable "
                    f"(letters, digits, '_'), e.g. WATCHKEEPER_{key[:-4].upper()}; "
                    "not its value",
                )
                ok = False
        for key in spec.required:
            if key not in settings:
                check.problem(
                    settings.line, f"{what}: setting {key!r} is required for type {spec.name}"
                )
                ok = False
        for group in spec.one_of:
            given = [k for k in group if k in settings]
            if len(given) != 1:
                check.problem(
                    settings.line, f"{what}: give exactly one of {' or '.join(map(repr, group))}"
                )
                ok = False
        if ok and name is not None and type_ is not None:
            out.append(ChannelSpec(name, spec.name, dict(settings)))  # type: ignore[arg-type]  # a CHANNEL_TYPES key
    check.unique(items, names, "channel")
    return out


def _monitors(
    check: _Checker,
    root: YamlMap,
    models: Mapping[str, ModelConfig],
    channels: set[str],
    declared: set[str],
) -> list[MonitorSpec]:
    out = []
    items = check.items(root, "monitors")
    names = []
    for item, _ in items:
        name = check.text(item, "name", "monitor", required=True)
        names.append(name)
        what = f"monitor {name!r}" if name else "monitor"
        check.keys(item, _MONITOR, what)
        ok = name is not None
        model_name = check.text(item, "model", what, required=True)
        model = models.get(model_name or "")
        if model_name is not None and model is None:
            if model_name not in declared:
                check.problem(
                    item.line_of("model"),
                    f"{what}: unknown model {model_name!r}"
                    f"; declare it under 'models'{_suggest(model_name, declared)}",
                )
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
            if channel not in channels:
                check.problem(
                    item.line_of("channels"),
                    f"{what}: unknown channel {channel!r}"
                    f"; declare it under 'channels'{_suggest(channel, channels)}",
                )
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
    check.unique(items, names, "monitor")
    return out


def _schedules(
    check: _Checker,
    root: YamlMap,
    models: Mapping[str, ModelConfig],
    monitors: list[MonitorSpec],
    declared: set[str],
) -> list[ScheduleConfig]:
    out = []
    items = check.items(root, "schedules")
    names = []
    for item, _ in items:
        name = check.text(item, "name", "schedule", required=True)
        names.append(name)
        what = f"schedule {name!r}" if name else "schedule"
        check.keys(item, _SCHEDULE, what)
        model_name = check.text(item, "model", what, required=True)
        model = models.get(model_name or "")
        if model_name is not None and model is None and model_name not in declared:
            check.problem(
                item.line_of("model"),
                f"{what}: unknown model {model_name!r}"
                f"; declare it under 'models'{_suggest(model_name, declared)}",
            )
        reference = check.text(item, "reference", what) or (model.reference if model else None)
        if reference is None and model is not None:
            check.problem(
                item.line,
                f"{what}: no 'reference' here nor on model {model.name!r}; give the reference file",
            )
        current = check.text(item, "current", what, required=True)
        every = check.duration(item, "every", what, positive=True)
        if every is None and "every" not in item:
            check.problem(item.line, f"{what}: 'every' is required, e.g. '1d'")
        version = check.text(item, "version", what) or "batch"
        wanted = check.names(item, "monitors", what)
        of_model = {m.name for m in monitors if m.model == model_name}
        for monitor in wanted:
            if monitor not in of_model:
                check.problem(
                    item.line_of("monitors"),
                    f"{what}: model {model_name!r} has no "
                    f"monitor {monitor!r}{_suggest(monitor, of_model)}",
                )
        if name and model and reference and current and every:
            out.append(ScheduleConfig(name, model.name, reference, current, every, version, wanted))
    check.unique(items, names, "schedule")
    return out


def _server(check: _Checker, root: YamlMap) -> ServerConfig:
    if root.get("server") is None:
        return ServerConfig()
    node = check.mapping(root["server"], root.line_of("server"), "'server'")
    if node is None:
        return ServerConfig()
    check.keys(node, _SERVER, "server")
    graphite = check.text(node, "graphite", "server")
    if graphite is not None and not re.match(r"^[^:\s]+:\d{1,5}$", graphite):
        check.problem(
            node.line_of("graphite"),
            f"server: graphite {graphite!r} must be host:port, e.g. graphite.internal:2003",
        )
        graphite = None
    return ServerConfig(
        window=check.duration(node, "window", "server", positive=True),
        public_url=check.text(node, "public_url", "server"),
        graphite=graphite,
    )


def _build(check: _Checker, root: Any, path: str | None) -> WatchkeeperConfig:
    if root is None:
        return WatchkeeperConfig(path=path)
    if not isinstance(root, YamlMap):
        check.problem(
            getattr(root, "line", 1),
            "the file must be a mapping with models:, "
            f"monitors:, channels:, schedules:, not {_type_name(root)}",
        )
        return WatchkeeperConfig(path=path)
    check.keys(root, _TOP, "top level")
    if root.get("version", 1) != 1:
        check.problem(
            root.line_of("version"),
            f"file format version {root['version']!r} is "
            "not supported; this watchkeeper reads version 1",
        )
    # Monitors may name a channel or a model declared with errors: the error is the
    # declaration's, not the reference's, so names of invalid entries still count.
    declared = _declared(check, root, "models")
    channel_names = _declared(check, root, "channels")
    models = _models(check, root)
    by_name = {m.name: m for m in models}
    channels = _channels(check, root)
    monitors = _monitors(check, root, by_name, channel_names, declared)
    schedules = _schedules(check, root, by_name, monitors, declared)
    server = _server(check, root)
    return WatchkeeperConfig(
        tuple(models), tuple(monitors), tuple(channels), tuple(schedules), server, path
    )


def _declared(check: _Checker, root: YamlMap, key: str) -> set[str]:
    """The names under ``key``, valid or not (problems are reported by the section)."""
    saved = list(check.problems)
    items = check.items(root, key)
    check.problems = saved
    return {str(item["name"]) for item, _ in items if item.get("name") is not None}


def parse_config(text: str, path: str = "watchkeeper.yaml") -> WatchkeeperConfig:
    """The configuration in ``text``; raises :class:`InvalidConfigError` listing every error.

    >>> text = '''
    ... models:
    ...   - name: churn
    ...     task: binary_classification
    ... monitors:
    ...   - name: d
    ...     model: churn
    ...     metric: drfit_score
    ...     condition: {above: 0.2}
    ... '''
    >>> try:
    ...     parse_config(text)
    ... except InvalidConfigError as error:
    ...     print(error)
    watchkeeper.yaml:8: monitor 'd': unknown metric 'drfit_score'; did you mean 'drift_score'?
    """
    root, problems = compose_document(text, path)
    check = _Checker(path)
    check.problems.extend(problems)
    config = _build(check, root, path) if root is not None or not problems else None
    if check.problems or config is None:
        ordered = sorted(check.problems, key=lambda p: (p.line is None, p.line or 0))
        raise InvalidConfigError(ordered)
    return config


def load_config(path: str | Path) -> WatchkeeperConfig:
    """The configuration in the file at ``path`` (errors say ``path:line: ...``)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidConfigError(
            [Problem(name, None, "file does not exist; check the path")]
        ) from None
    except UnicodeDecodeError:
        raise InvalidConfigError([Problem(name, None, "file is not UTF-8 text")]) from None
    return parse_config(text, name)

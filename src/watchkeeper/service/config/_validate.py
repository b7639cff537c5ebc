"""Checking a ``watchkeeper.yaml`` and building its typed form, reporting every error.

Validation does not stop at the first problem: a person fixing a file wants the
whole list, each with its line (``watchkeeper.yaml:42: monitor 'drift': unknown
metric 'drfit_score'; did you mean 'drift_score'?``). Unknown keys, wrong types,
unknown metrics, monitors naming unknown models, columns or channels, invalid
conditions, durations and literal secrets are all reported; :func:`parse_config`
raises :class:`InvalidConfigError` holding every one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from watchkeeper._catalogue import canonical_key
from watchkeeper._yaml import Problem, YamlMap, compose_document
from watchkeeper.service._types import ChannelSpec, MonitorSpec
from watchkeeper.service.config._checker import (
    _ENV_NAME,
    InvalidConfigError,
    _Checker,
    _suggest,
    _type_name,
    parse_duration_text,
)
from watchkeeper.service.config._model import (
    ModelConfig,
    ScheduleConfig,
    ServerConfig,
    VersionConfig,
    WatchkeeperConfig,
)
from watchkeeper.service.config._monitors import _monitors
from watchkeeper.service.config._registry import (
    CHANNEL_TYPES,
    SECRET_KEYS,
    TASKS,
)

__all__ = ["InvalidConfigError", "load_config", "parse_config", "parse_duration_text"]

_TOP = ("version", "models", "monitors", "channels", "schedules", "server")
_MODEL = (
    "name", "task", "schema", "reference", "window", "versions", "description", "owner",
    "intended_use", "retention", "monitoring",
)  # fmt: skip
_RETENTION = ("records", "labels", "profiles", "metrics")
_VERSION = ("name", "reference", "baseline", "active")
_CHANNEL = ("name", "type", "settings")
_SCHEDULE = ("name", "model", "reference", "current", "every", "version", "monitors")
_SERVER = ("window", "public_url", "graphite", "retention")
_SCHEMA = (
    "columns", "target", "prediction", "scores", "id", "timestamp", "segments", "ignore",
    "classes", "subject", "sensitive",
)  # fmt: skip
_PII = ("mask", "hash", "drop")
_SERVICE_KINDS = ("numeric", "categorical", "boolean", "text")


def _schema(check: _Checker, node: YamlMap, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service-form schema and the normalised column overrides."""
    from watchkeeper._exceptions import SchemaError
    from watchkeeper.schema import ColumnKind, ColumnRole, parse_overrides

    check.keys(node, _SCHEMA, f"{what} schema")
    overrides = {
        k: v for k, v in node.items() if k in _SCHEMA and k not in ("classes", "sensitive")
    }
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
                allowed = {"kind": kinds, "role": roles, "pii": set(_PII)}.get(key)
                if allowed is None:
                    check.problem(
                        line,
                        f"{what}: column {name!r}: unknown key {key!r}"
                        f"{_suggest(key, ('kind', 'role', 'pii'))}",
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
    sensitive = node.get("sensitive")
    if sensitive is not None:
        if not isinstance(sensitive, list) or not all(isinstance(c, str) for c in sensitive):
            check.problem(node.line_of("sensitive"), f"{what}: 'sensitive' must list columns")
        else:
            service["sensitive"] = list(sensitive)
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


def _monitoring(
    check: _Checker, item: YamlMap, task: str, what: str, schema: dict[str, Any]
) -> None:
    """The model's monitor-kind options (service.kinds), kept in its service schema."""
    from watchkeeper.service.kinds._options import check_monitoring

    line = item.line_of("monitoring")
    node = check.mapping(item["monitoring"], line, f"{what} monitoring")
    if node is None:
        return
    clean, problems = check_monitoring(dict(node.items()), task)
    for problem in problems:
        check.problem(line, f"{what} monitoring: {problem}")
    if clean:
        schema["monitoring"] = clean


def _models(check: _Checker, root: YamlMap) -> list[ModelConfig]:
    out = []
    for item, name, what in check.named(root, "models", "model", _MODEL):
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
        if item.get("monitoring") is not None and task is not None:
            _monitoring(check, item, task, what, schema)
        window = check.duration(item, "window", what, positive=True)
        reference = check.text(item, "reference", what)
        description = check.text(item, "description", what) or ""
        owner = check.text(item, "owner", what) or ""
        retention = _retention(check, item, what)
        intended_use = check.text(item, "intended_use", what) or ""
        versions = _versions(check, item, what)
        if name is not None and task is not None:
            out.append(
                ModelConfig(
                    name,
                    task,
                    schema,
                    columns,
                    reference,
                    window,
                    versions,
                    description,
                    owner=owner,
                    intended_use=intended_use,
                    retention=retention,
                )
            )
    return out


def _retention(check: _Checker, node: YamlMap, what: str) -> dict[str, timedelta]:
    """The periods of ``node``'s ``retention:`` (a model's or the server's)."""
    periods: dict[str, timedelta] = {}
    if node.get("retention") is None:
        return periods
    kept = check.mapping(node["retention"], node.line_of("retention"), f"{what} retention")
    if kept is not None:
        check.keys(kept, _RETENTION, f"{what} retention")
        for key in _RETENTION:
            period = check.duration(kept, key, f"{what} retention", positive=True)
            if period is not None:
                periods[key] = period
    return periods


def _channels(check: _Checker, root: YamlMap) -> list[ChannelSpec]:
    out = []
    for item, name, what in check.named(root, "channels", "channel", _CHANNEL):
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
    return out


def _schedules(
    check: _Checker,
    root: YamlMap,
    models: Mapping[str, ModelConfig],
    monitors: list[MonitorSpec],
    declared: set[str],
) -> list[ScheduleConfig]:
    out = []
    for item, name, what in check.named(root, "schedules", "schedule", _SCHEDULE):
        model_name = check.text(item, "model", what, required=True)
        model = models.get(model_name or "")
        if model_name is not None and model is None:
            check.declared(item, "model", "model", model_name, declared, what)
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
        retention=_retention(check, node, "server"),
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
    if "retention" in root:  # a likely place to look for the server-wide periods: say where
        check.problems = [
            p
            for p in check.problems
            if not p.message.startswith("top level: unknown key 'retention'")
        ]
        check.problem(
            root.line_of("retention"),
            "top level: 'retention' belongs under 'server:' for every model "
            "(server: {retention: {records: 7d}}) or under a model for that model",
        )
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
    if server.retention:  # the server's periods for what a model does not set itself
        models = [replace(m, retention={**server.retention, **m.retention}) for m in models]
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

"""Loading a ``watchkeeper.yaml`` configuration into the store.

The configuration object comes from :mod:`watchkeeper.service.config`; this reads
it by attribute so that either side can grow fields: ``models`` (each with
``name``, ``task``, ``schema``, optional ``window``, ``retention`` (stored with the
model), ``reference`` and ``versions``,
each version with ``name``, optional ``reference`` (a path or an Arrow table; the
model's when absent), ``baseline`` and ``active``), ``server.window`` (the default
window), ``monitors`` (:class:`MonitorSpec`) and ``channels``
(:class:`ChannelSpec`). Applying twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from watchkeeper._exceptions import InputError
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._registry import Registry
from watchkeeper.service._results import ApplyResult
from watchkeeper.service._types import ChannelSpec, MonitorSpec
from watchkeeper.service.notifiers import notifier_types
from watchkeeper.store._repo_retention import store_periods

__all__ = ["apply_config", "read_reference"]


def read_reference(source: Any, base: Path | None = None) -> pa.Table:
    """A reference table from an Arrow table or a parquet/CSV/Arrow/JSONL file path."""
    if isinstance(source, pa.Table):
        return source
    path = Path(str(source))
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.exists():
        raise InputError(f"reference file {str(path)!r} does not exist; fix the path")
    from watchkeeper.io import to_table

    table = to_table(str(path))
    if not isinstance(table, pa.Table):
        raise InputError(f"reference file {str(path)!r} could not be read as a table")
    return table


def _get(thing: Any, name: str, default: Any = None) -> Any:
    if isinstance(thing, Mapping):
        return thing.get(name, default)
    return getattr(thing, name, default)


def apply_config(service: ServiceAPI, registry: Registry, config: Any) -> ApplyResult:
    """Create or update the models, versions, channels and monitors of ``config``
    (through ``service``; the stored rows it updates in place through ``registry``)."""
    store = registry.store
    at = registry.clock()
    base = _get(config, "path")
    base_dir = Path(str(base)).parent if base else None
    models, versions, monitors, channels = [], [], [], []
    for model in _get(config, "models", ()) or ():
        name = _get(model, "name")
        task = _get(model, "task")
        schema = dict(_get(model, "schema") or {})
        window = _get(model, "window") or _get(_get(config, "server"), "window")
        if window is not None and not isinstance(window, timedelta):
            from watchkeeper.service._settings import parse_duration

            window = parse_duration(window)
        existing = store.get_model(name)
        if existing is None:
            service.create_model(name, task, schema, window=window)
        else:
            if existing.task != task:
                from watchkeeper.service._errors import Conflict

                raise Conflict(
                    f"model {name!r} exists with task {existing.task!r}, the file says {task!r}; "
                    "rename the model or keep its task"
                )
            store.update_model(
                name,
                schema=schema,
                window_seconds=None if window is None else int(window.total_seconds()),
            )
            registry.forget()
        stored_model = store.get_model(name)
        if stored_model is not None:  # the file's periods replace the stored ones
            store_periods(store.engine, stored_model.id, dict(_get(model, "retention") or {}))
        models.append(name)
        for version in _get(model, "versions", ()) or ():
            version_name = _get(version, "name")
            reference = _get(version, "reference") or _get(model, "reference")
            table = None if reference is None else read_reference(reference, base_dir)
            model_row = store.get_model(name)
            if model_row is None:  # pragma: no cover - created above
                continue
            stored = store.get_version(model_row.id, version_name)
            baseline = dict(_get(version, "baseline") or {})
            if stored is None:
                service.create_version(name, version_name, reference=table, baseline=baseline)
            else:
                from watchkeeper.service._ingest import table_to_ipc

                store.update_version(
                    stored.id,
                    reference=None if table is None else table_to_ipc(table),
                    baseline=baseline,
                )
            if _get(version, "active", False):
                service.promote(name, version_name)
            versions.append(f"{name}/{version_name}")
    for channel in _get(config, "channels", ()) or ():
        spec = channel if isinstance(channel, ChannelSpec) else ChannelSpec(**dict(channel))
        if spec.type not in notifier_types():
            raise InputError(
                f"channel {spec.name!r} has type {spec.type!r}; use {', '.join(notifier_types())}"
            )
        store.put_channel(spec.name, spec.type, dict(spec.settings), at)
        channels.append(spec.name)
    for monitor in _get(config, "monitors", ()) or ():
        if not isinstance(monitor, MonitorSpec):
            raise InputError(f"monitor {monitor!r} is not a MonitorSpec")
        service.put_monitor(monitor)
        monitors.append(monitor.name)
    return ApplyResult(tuple(models), tuple(versions), tuple(monitors), tuple(channels))

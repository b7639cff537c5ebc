"""The typed form of ``watchkeeper.yaml``: what :func:`load_config` returns.

Monitors and channels use the service's shared types (:class:`MonitorSpec`,
:class:`ChannelSpec`); models, versions, schedules and the server section are
defined here. Paths stay as written; they are relative to the folder of the file
(``path``), which is how :meth:`WatchkeeperConfig.resolve` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from watchkeeper.service._types import ChannelSpec, MonitorSpec

__all__ = [
    "ModelConfig",
    "ScheduleConfig",
    "ServerConfig",
    "VersionConfig",
    "WatchkeeperConfig",
]


@dataclass(frozen=True)
class VersionConfig:
    """A model version: its reference data (a file path) and baseline metric values."""

    name: str
    reference: str | None = None
    baseline: Mapping[str, float] = field(default_factory=dict)
    active: bool = False


@dataclass(frozen=True)
class ModelConfig:
    """A monitored model.

    ``schema`` is in the service's form (``{"features": {name: kind}, "columns":
    {name: {"kind", "role"}}, "classes": [...]}``); ``columns`` is the file's schema
    normalised to ``{name: {"kind": ..., "role": ...}}``, as :func:`watchkeeper.report`
    takes it.
    """

    name: str
    task: str
    schema: Mapping[str, Any] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    reference: str | None = None
    window: timedelta | None = None
    versions: tuple[VersionConfig, ...] = ()
    description: str = ""
    owner: str = ""  # who answers for the model (the model card's owner)
    intended_use: str = ""  # what it is for and not for (the model card)
    # How long each kind of data is kept: records (raw rows and features), labels,
    # profiles (closed windows'), metrics (windows and their points); absent: forever.
    # Holds the server's periods (``server: retention:``) for the kinds the model's own
    # ``retention:`` leaves out; ``records`` absent from both: the server's
    # WATCHKEEPER_RAW_RETENTION (default 7 days).
    retention: Mapping[str, timedelta] = field(default_factory=dict)


@dataclass(frozen=True)
class ScheduleConfig:
    """A scheduled batch monitor: files matching ``current`` against ``reference``.

    It is due at every multiple of ``every`` since 1970-01-01 UTC (``every: 1d``
    runs at midnight UTC, ``1h`` on the hour), like a cron line; ``monitors`` limits
    which of the model's monitors are evaluated (empty: all of them).
    """

    name: str
    model: str
    reference: str
    current: str
    every: timedelta
    version: str = "batch"
    monitors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerConfig:
    """Defaults for the server; the environment (``WATCHKEEPER_*``) takes precedence,
    except for ``retention``: the periods of every model of a server started with the file,
    for the kinds its own ``retention:`` leaves out (they beat
    ``WATCHKEEPER_RAW_RETENTION``)."""

    window: timedelta | None = None
    public_url: str | None = None
    graphite: str | None = None
    retention: Mapping[str, timedelta] = field(default_factory=dict)


@dataclass(frozen=True)
class WatchkeeperConfig:
    """Everything one ``watchkeeper.yaml`` declares.

    >>> config = WatchkeeperConfig(models=(ModelConfig("churn", "binary_classification"),))
    >>> config.model("churn").task
    'binary_classification'
    """

    models: tuple[ModelConfig, ...] = ()
    monitors: tuple[MonitorSpec, ...] = ()
    channels: tuple[ChannelSpec, ...] = ()
    schedules: tuple[ScheduleConfig, ...] = ()
    server: ServerConfig = field(default_factory=ServerConfig)
    path: str | None = None

    def model(self, name: str) -> ModelConfig:
        for model in self.models:
            if model.name == name:
                return model
        raise KeyError(name)

    def schedule(self, name: str) -> ScheduleConfig:
        for schedule in self.schedules:
            if schedule.name == name:
                return schedule
        raise KeyError(name)

    def resolve(self, relative: str) -> Path:
        """A path of the file, relative to the file's folder unless absolute."""
        path = Path(relative)
        if path.is_absolute() or self.path is None:
            return path
        return Path(self.path).parent / path

    def summary(self) -> str:
        """One line: how many of each thing the file declares."""
        return (
            f"{len(self.models)} models, {len(self.monitors)} monitors, "
            f"{len(self.channels)} channels, {len(self.schedules)} schedules"
        )

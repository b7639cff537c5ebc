"""Monitors as code: ``watchkeeper.yaml`` loaded, validated with line numbers, and run.

:func:`load_config` reads a file into a :class:`WatchkeeperConfig` or raises
:class:`InvalidConfigError` listing every error as ``watchkeeper.yaml:LINE: message``;
:func:`run_schedule` runs one scheduled batch monitor over files. The format is
described key by key in docs/monitors-as-code.md.
"""

from watchkeeper._yaml import Problem
from watchkeeper.service.config._model import (
    ModelConfig,
    ScheduleConfig,
    ServerConfig,
    VersionConfig,
    WatchkeeperConfig,
)
from watchkeeper.service.config._registry import CHANNEL_TYPES, TASKS, known_metrics
from watchkeeper.service.config._schedule import ScheduleRun, is_due, last_due, run_schedule
from watchkeeper.service.config._validate import (
    InvalidConfigError,
    load_config,
    parse_config,
    parse_duration_text,
)

__all__ = [
    "CHANNEL_TYPES",
    "TASKS",
    "InvalidConfigError",
    "ModelConfig",
    "Problem",
    "ScheduleConfig",
    "ScheduleRun",
    "ServerConfig",
    "VersionConfig",
    "WatchkeeperConfig",
    "is_due",
    "known_metrics",
    "last_due",
    "load_config",
    "parse_config",
    "parse_duration_text",
    "run_schedule",
]

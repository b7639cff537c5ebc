"""Scheduled batch monitoring of files (SageMaker Model Monitor's "on schedule" mode).

A schedule compares the files matching a glob with the model's reference using
:func:`watchkeeper.report`, turns the report into metric points named as the
service names them (``drift_score`` per feature, ``share_drifted``, ``missing_share``,
``row_count``, realized performance where the files carry the target), and
evaluates the model's monitors on those points, so that a nightly batch job and
the live service raise the same alerts from the same file. For the drift and
error figures larger is worse.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from watchkeeper._exceptions import ConfigError, InputError
from watchkeeper._vocabulary import PROBLEM_OF_TASK
from watchkeeper.service._evaluate import Evaluation, evaluate_monitors
from watchkeeper.service._points import Value, drift_values, performance_values, quality_values
from watchkeeper.service._types import MetricPoint
from watchkeeper.service.config._model import ScheduleConfig, WatchkeeperConfig
from watchkeeper.service.config._registry import known_metrics

if TYPE_CHECKING:
    from watchkeeper.report import Report

__all__ = ["ScheduleRun", "is_due", "last_due", "run_schedule"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def last_due(every: timedelta, now: datetime) -> datetime:
    """The latest time at or before ``now`` at which a schedule of period ``every`` is due.

    Due times are the multiples of ``every`` since 1970-01-01 UTC, as a cron line
    would fire them (``1d``: midnight UTC; ``1h``: on the hour).

    >>> last_due(timedelta(hours=1), datetime(2024, 5, 1, 10, 42, tzinfo=UTC)).isoformat()
    '2024-05-01T10:00:00+00:00'
    """
    if now.tzinfo is None:
        raise InputError(f"time {now.isoformat()} has no time zone; give a UTC time")
    periods = (now - _EPOCH) // every
    return _EPOCH + periods * every


def is_due(schedule: ScheduleConfig, last_run: datetime | None, now: datetime) -> bool:
    """Whether ``schedule`` should run at ``now``, having last run at ``last_run``.

    >>> from datetime import timedelta
    >>> s = ScheduleConfig("nightly", "churn", "ref.parquet", "cur/*.parquet", timedelta(days=1))
    >>> t = datetime(2024, 5, 2, 0, 5, tzinfo=UTC)
    >>> is_due(s, None, t), is_due(s, datetime(2024, 5, 2, 0, 1, tzinfo=UTC), t)
    (True, False)
    """
    return last_run is None or last_run < last_due(schedule.every, now)


@dataclass(frozen=True)
class ScheduleRun:
    """What one run of a scheduled monitor found."""

    schedule: str
    model: str
    version: str
    files: tuple[str, ...]
    window_start: datetime
    window_end: datetime
    report: Report
    points: tuple[MetricPoint, ...]
    evaluations: tuple[Evaluation, ...]

    @property
    def breached(self) -> tuple[Evaluation, ...]:
        """The evaluations in breach: what the service would fire alerts for."""
        return tuple(e for e in self.evaluations if e.breached)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schedule": self.schedule,
            "model": self.model,
            "version": self.version,
            "files": list(self.files),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "points": [p.to_dict() for p in self.points],
            "breached": [
                {
                    "monitor": e.monitor.name,
                    "severity": e.monitor.severity.value,
                    "metric": e.point.metric,
                    "feature": e.point.feature,
                    "value": e.point.value,
                    "message": e.message,
                }
                for e in self.breached
            ],
        }


_Value = Value


def _quality_values(report: Report, current: pa.Table) -> list[_Value]:
    out: list[_Value] = [("row_count", None, float(current.num_rows))]
    if current.num_rows:
        for column in report.drift.columns:
            if column.column in current.column_names:
                share = current.column(column.column).null_count / current.num_rows
                out.append(("missing_share", column.column, float(share)))
    return out + quality_values(report.quality.counts_by_severity())


def _performance_values(
    task: str, roles: Mapping[str, list[str]], classes: Sequence[Any] | None, current: pa.Table
) -> tuple[list[_Value], int]:
    """The task's default performance metrics over the labelled rows of ``current``."""
    problem = PROBLEM_OF_TASK.get(task)
    targets = [c for c in roles.get("target", []) if c in current.column_names]
    if problem is None or not targets:
        return [], 0
    truth_all = current.column(targets[0]).to_pylist()
    rows = [i for i, label in enumerate(truth_all) if label is not None]
    if not rows:
        return [], 0
    truth = [truth_all[i] for i in rows]
    predictions = [c for c in roles.get("prediction", []) if c in current.column_names]
    scores = [c for c in roles.get("score", []) if c in current.column_names]
    y_pred = None
    if predictions:
        values = current.column(predictions[0]).to_pylist()
        y_pred = [values[i] for i in rows]
    y_score = None
    if problem == "binary" and len(scores) == 1:
        values = current.column(scores[0]).to_pylist()
        y_score = np.asarray([values[i] for i in rows], dtype=np.float64)
    elif problem == "multiclass" and scores:
        y_score = np.column_stack([current.column(c).to_numpy()[rows] for c in scores])
    values = performance_values(problem, truth, y_pred, y_score, list(classes) if classes else None)
    return values, len(rows)


def _roles(columns: Mapping[str, Mapping[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, entry in columns.items():
        out.setdefault(entry.get("role", "feature"), []).append(name)
    return out


def run_schedule(config: WatchkeeperConfig, name: str, now: datetime) -> ScheduleRun:
    """Run the schedule called ``name`` once over the files its glob matches now.

    The points cover the window ``[now - every, now]`` of version ``schedule.version``;
    the model's monitors (or the schedule's ``monitors``) are evaluated on them with
    the version's baseline, when the file declares one.
    """
    from watchkeeper.report import report as make_report

    try:
        schedule = config.schedule(name)
    except KeyError:
        known = ", ".join(s.name for s in config.schedules) or "none declared"
        raise ConfigError(f"schedule {name!r} is not in the file (schedules: {known})") from None
    if now.tzinfo is None:
        raise InputError(f"time {now.isoformat()} has no time zone; give a UTC time")
    model = config.model(schedule.model)
    pattern = str(config.resolve(schedule.current))
    files = tuple(sorted(glob.glob(pattern)))
    if not files:
        raise InputError(
            f"schedule {name!r}: no file matches {pattern!r}; check 'current' (paths are "
            "relative to the configuration file's folder)"
        )
    reference = config.resolve(schedule.reference)
    if not reference.exists():
        raise InputError(f"schedule {name!r}: reference file {str(reference)!r} does not exist")
    from watchkeeper.io import to_table

    current = to_table(list(files))
    result = make_report(
        str(reference),
        current,
        schema={"columns": dict(model.columns)} if model.columns else None,
        names=(str(reference), pattern),
    )
    values = drift_values(result.drift) + _quality_values(result, current)
    performance, n_labels = _performance_values(
        model.task, _roles(model.columns), model.schema.get("classes"), current
    )
    values += performance
    start, end = now - schedule.every, now
    points = tuple(
        MetricPoint(model.name, schedule.version, metric, value, start, end, feature)
        for metric, feature, value in values
    )
    monitors = [
        m
        for m in config.monitors
        if m.model == model.name and (not schedule.monitors or m.name in schedule.monitors)
    ]
    chosen = next((v for v in model.versions if v.name == schedule.version), None)
    chosen = chosen or next((v for v in model.versions if v.active), None)
    baseline = {} if chosen is None else dict(chosen.baseline)
    evaluations = evaluate_monitors(
        monitors,
        points,
        n_records=current.num_rows,
        n_labels=n_labels,
        baseline=baseline,
        history=lambda point: (),
        performance_metrics=frozenset(n for n, m in known_metrics().items() if m.problems),
    )
    return ScheduleRun(
        schedule.name,
        model.name,
        schedule.version,
        files,
        start,
        end,
        result,
        points,
        tuple(evaluations),
    )

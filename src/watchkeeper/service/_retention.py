"""Retention runs: a model's data older than its periods removed, and the run audited.

One rule, per model and kind, decided here only (:func:`resolve`): the model's own period
(its ``retention:`` in ``watchkeeper.yaml``, stored with the model when the file is
applied), else the server's (``server: retention:``, ``Settings.retention``: every
model of a server started with the file, API-created ones included), else for
``records`` ``WATCHKEEPER_RAW_RETENTION``, else the default: 7 days for ``records``,
kept for ever for ``labels``, ``profiles`` and ``metrics``. ``records``
is applied by compaction (:mod:`._compaction`: raw rows go, the window's profile and
aggregates stay); ``labels``, ``profiles`` and ``metrics`` as
:mod:`watchkeeper.store._repo_retention` says.

Who runs it: the background loop, every tick, under the leader (audited as ``system``
when it removed something); ``watchkeeper retention run`` by hand (always audited).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from watchkeeper._exceptions import InputError
from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._compaction import compact_raw
from watchkeeper.service._registry import Registry
from watchkeeper.service._settings import DEFAULT_RAW_RETENTION, Settings
from watchkeeper.store._repo_retention import PERIODS, apply_retention, stored_periods
from watchkeeper.store._rows import ModelRow

__all__ = ["PERIODS", "Period", "check", "periods_of", "resolve", "run", "to_apply"]


class Period(NamedTuple):
    """One kind's period (None: kept for ever) and where it came from: ``model``,
    ``server`` (``server: retention:``), ``env`` (``WATCHKEEPER_RAW_RETENTION``) or
    ``default``."""

    period: timedelta | None
    source: str


def resolve(own: Mapping[str, timedelta], settings: Settings) -> dict[str, Period]:
    """Each kind's period: ``own`` (the model's) > the server's > for ``records`` the
    environment's > the default (7 days for ``records``, kept for the rest).

    A file's models hold the server's periods for the kinds they leave out (folded in at
    parse time), so an own period equal to the server's is reported as the server's.
    ``WATCHKEEPER_RAW_RETENTION=7d`` is reported as the default it equals.

    >>> day = timedelta(days=1)
    >>> settings = Settings(raw_retention=None, retention={"labels": 30 * day})
    >>> {k: (p.period and p.period.days, p.source) for k, p in
    ...  resolve({"metrics": 90 * day}, settings).items()}  # doctest: +NORMALIZE_WHITESPACE
    {'records': (None, 'env'), 'labels': (30, 'server'), 'profiles': (None, 'default'),
     'metrics': (90, 'model')}
    """
    server = settings.retention
    out: dict[str, Period] = {}
    for kind in PERIODS:
        if kind in own:
            out[kind] = Period(own[kind], "server" if server.get(kind) == own[kind] else "model")
        elif kind in server:
            out[kind] = Period(server[kind], "server")
        elif kind == "records":
            raw = settings.raw_retention
            out[kind] = Period(raw, "default" if raw == DEFAULT_RAW_RETENTION else "env")
        else:
            out[kind] = Period(None, "default")
    return out


def to_apply(resolved: Mapping[str, Period]) -> dict[str, timedelta]:
    """The periods :func:`run` applies: the kinds that are not kept for ever."""
    return {kind: p.period for kind, p in resolved.items() if p.period is not None}


def periods_of(registry: Registry, model: ModelRow, settings: Settings) -> dict[str, timedelta]:
    """The stored model's periods, resolved against ``settings`` (:func:`resolve`)."""
    return to_apply(resolve(stored_periods(registry.store.engine, model.id), settings))


def check(periods: Mapping[str, timedelta]) -> None:
    """Refuse unknown kinds and periods that are not positive."""
    unknown = sorted(set(periods) - set(PERIODS))
    if unknown:
        raise InputError(f"unknown retention periods {unknown}; use {', '.join(PERIODS)}")
    for kind, period in periods.items():
        if period <= timedelta(0):
            raise InputError(f"retention {kind} is {period}; give a positive period, e.g. '90d'")


def run(
    registry: Registry,
    auditor: Auditor,
    model: str,
    periods: Mapping[str, timedelta],
    *,
    now: datetime,
    actor: Actor | None,
    audit_nothing: bool = True,
    sources: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Apply ``periods`` to ``model`` as of ``now``; the rows removed, per kind. Audited
    (with where each period came from, ``sources``, when given), unless nothing was
    removed and ``audit_nothing`` is false (the loop's quiet ticks)."""
    check(periods)
    row = registry.model(model)
    window = timedelta(microseconds=registry.window_us(row))
    removed = dict.fromkeys(PERIODS, 0)
    if "records" in periods:
        removed["records"] = compact_raw(registry, row, periods["records"], now=now, limit=None)
    rest = {kind: period for kind, period in periods.items() if kind != "records"}
    if rest:
        found = apply_retention(registry.store.engine, row.id, row.name, rest, now, window)
        removed.update((kind, found[kind]) for kind in rest)
    if audit_nothing or any(removed.values()):
        after: dict[str, object] = {
            "now": now,
            "periods_seconds": {k: v.total_seconds() for k, v in sorted(periods.items())},
            "removed": removed,
        }
        if sources is not None:
            after["periods_from"] = {k: sources[k] for k in sorted(periods)}
        auditor.record(actor, "retention.run", f"model:{model}", model=model, after=after)
    return removed

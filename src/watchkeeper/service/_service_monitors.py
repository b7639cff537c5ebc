"""The facade's alert, notification and monitors-as-code methods (:class:`MonitorMethods`).

:class:`~watchkeeper.service.MonitoringService` inherits them; the work is done by
:mod:`._alerting` (acknowledge, silence), :mod:`._delivery` (the notification outbox)
and :mod:`._apply` (``watchkeeper.yaml``), and every change is audited with its diff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from watchkeeper.service import _alerting
from watchkeeper.service._apply import apply_config
from watchkeeper.service._audit import Actor, Auditor, changed
from watchkeeper.service._delivery import DeliveryReport, Sender, deliver_pending
from watchkeeper.service._registry import Registry, aware
from watchkeeper.service._results import AlertInfo, ApplyResult
from watchkeeper.service._specs import monitor_from_dict, monitor_to_dict
from watchkeeper.service._types import MonitorSpec
from watchkeeper.store import Store
from watchkeeper.store._repo_retention import stored_periods

if TYPE_CHECKING:
    from watchkeeper.service._protocol import ServiceAPI

__all__ = ["MonitorMethods"]


class MonitorMethods:
    """Alerts, notifications and monitors, over the facade's store, ``_registry``, ``_audit``."""

    store: Store
    clock: Callable[[], datetime]
    sender: Sender | None
    _registry: Registry
    _audit: Auditor

    def _forget(self) -> None:
        self._registry.forget()

    # alerts and notifications

    def list_alerts(self, *, model: str | None = None, state: str | None = None) -> list[AlertInfo]:
        return _alerting.list_alerts(self.store, model=model, state=state)

    def acknowledge_alert(self, key: str, *, by: str, actor: Actor | None = None) -> AlertInfo:
        """Mark a firing alert as acknowledged: no more held-back firing notifications."""
        old = self.store.get_alert(key)
        info = _alerting.acknowledge_alert(self.store, key, by=by)
        change = {
            "before": {"acknowledged_by": old.acknowledged_by if old else None},
            "after": {"acknowledged_by": by},
        }
        who = actor or Actor(by, by)
        self._audit.record(who, "alert.acknowledge", f"alert:{key}", model=info.model, **change)
        return info

    def silence_alert(
        self, key: str, *, until: datetime, by: str, actor: Actor | None = None
    ) -> AlertInfo:
        """Send nothing about this alert until ``until``; the state is still tracked."""
        old = self.store.get_alert(key)
        info = _alerting.silence_alert(self.store, key, until=aware(until, "until"), by=by)
        change = {
            "before": {"silenced_until": old.silenced_until if old else None},
            "after": {"silenced_until": aware(until, "until"), "by": by},
        }
        who = actor or Actor(by, by)
        self._audit.record(who, "alert.silence", f"alert:{key}", model=info.model, **change)
        return info

    def deliver_notifications(self, *, now: datetime | None = None) -> DeliveryReport:
        """Send the due notifications of the outbox (failures stay queued, with backoff)."""
        moment = aware(now, "now") if now is not None else self.clock()
        return deliver_pending(self.store, moment, sender=self.sender)

    # monitors as code

    def _configured(self) -> dict[str, Any]:
        """What ``apply`` can change, for its audit entry's diff."""
        state: dict[str, Any] = {}
        for m in self.store.list_models():
            names = [v.name for v in self.store.list_versions(m.id)]
            state[f"model:{m.name}"] = {
                "task": m.task,
                "active": m.active_version,
                "versions": names,
            }
            periods = stored_periods(self.store.engine, m.id)
            if periods:  # retention: from the file, applied by the background loop
                state[f"model:{m.name}"]["retention"] = {
                    kind: period.total_seconds() for kind, period in periods.items()
                }
        for spec in self.store.list_monitor_specs():
            state[f"monitor:{spec['name']}"] = spec
        for name, type_, settings in self.store.list_channels():
            state[f"channel:{name}"] = {"type": type_, "settings": settings}
        return state

    def apply_config(self, config: Any, *, actor: Actor | None = None) -> ApplyResult:
        """Load a :class:`watchkeeper.service.config.WatchkeeperConfig` into the store."""
        with self._audit.acting(actor) as who:
            before = self._configured()
            # The facade that inherits this satisfies ServiceAPI (tests/server/test_layers.py).
            result = apply_config(cast("ServiceAPI", self), self._registry, config)
            self._forget()
            old, new = changed(before, self._configured())
            if old or new:  # an apply that changes nothing (each server start) is not news
                target = f"config:{getattr(config, 'path', None) or 'watchkeeper.yaml'}"
                self._audit.record(who, "config.apply", target, before=old, after=new)
        return result

    def put_monitor(self, monitor: MonitorSpec, *, actor: Actor | None = None) -> None:
        """Store (or replace) one monitor."""
        self._registry.model(monitor.model)
        old = next((s for s in self.store.list_monitor_specs() if s["name"] == monitor.name), None)
        spec = monitor_to_dict(monitor)
        self.store.put_monitor(monitor.name, monitor.model, spec, self.clock())
        new = next(s for s in self.store.list_monitor_specs() if s["name"] == monitor.name)
        if old != new:
            action = "monitor.create" if old is None else "monitor.update"
            self._audit.record(actor, action, f"monitor:{monitor.name}", model=monitor.model,
                               before=old, after=new)  # fmt: skip

    def list_monitors(self, model: str | None = None) -> list[MonitorSpec]:
        return [monitor_from_dict(spec) for spec in self.store.list_monitor_specs(model)]

"""The facade's erasure, retention and audit-trail methods (:class:`ComplianceMethods`).

:class:`~watchkeeper.service.MonitoringService` inherits them; the work is done by
:mod:`._erasure` (records by id or subject, windows recomputed), :mod:`._retention`
(data past its period) and the audit repository (the hash-chained trail).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.compliance._audit import AuditEntry, ChainCheck
from watchkeeper.service import _closing, _erasure, _retention
from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._erasure import ErasureResult
from watchkeeper.service._leader import exclusive
from watchkeeper.service._locks import KeyedLocks
from watchkeeper.service._registry import Registry, aware
from watchkeeper.service._results import WindowInfo
from watchkeeper.service._settings import Settings
from watchkeeper.store._repo_retention import stored_periods

__all__ = ["ComplianceMethods"]


class ComplianceMethods:
    """Erasure, retention and the audit trail, over the facade's ``_registry``, ``_audit``."""

    settings: Settings
    clock: Callable[[], datetime]
    _registry: Registry
    _audit: Auditor
    _close_locks: KeyedLocks

    # erasure

    def erase_records(
        self,
        model: str,
        *,
        ids: Sequence[str] = (),
        subject: str | None = None,
        actor: Actor | None = None,
    ) -> ErasureResult:
        """Erase records by id, or every record of one subject (the schema's ``subject``
        column), and recompute the closed windows they were in from what remains."""

        def recompute(row: Any, now: datetime) -> list[WindowInfo]:
            with self._close_locks.lock(row.id), exclusive(self._registry.store, f"close:{row.id}"):
                return _closing.close_due_windows(self._registry, row, now)

        result, request = _erasure.erase(
            self._registry, model, ids=ids, subject=subject,
            pii_key=self.settings.pii_key, recompute=recompute,
        )  # fmt: skip
        self._audit.record(actor, "records.erase", f"model:{model}", model=model, after=request)
        return result

    def apply_retention(
        self,
        model: str,
        periods: Mapping[str, timedelta],
        *,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> dict[str, int]:
        """Delete the model's data older than its retention ``periods`` (``records``,
        ``labels``, ``profiles``, ``metrics``); how many rows of each went. Audited."""
        row = self._registry.model(model)
        with self._close_locks.lock(row.id), exclusive(self._registry.store, f"close:{row.id}"):
            return _retention.run(
                self._registry, self._audit, model, periods,
                now=aware(now, "now") if now is not None else self.clock(), actor=actor,
            )  # fmt: skip

    def use_server_retention(self, periods: Mapping[str, timedelta]) -> None:
        """Make ``periods`` (watchkeeper.yaml's ``server: retention:``) the default of every
        model, for the kinds its own stored periods leave out; ``{}`` removes them."""
        _retention.check(periods)
        self.settings = self.settings.with_(retention=dict(periods))
        self._registry.settings = self.settings  # one settings object for the service

    def retention_periods(
        self, model: str, own: Mapping[str, timedelta] | None = None
    ) -> dict[str, _retention.Period]:
        """Each kind's period for ``model`` and where it comes from (model, server, env,
        default); ``own``: the model's periods (default: those stored with it)."""
        row = self._registry.model(model)
        if own is None:
            own = stored_periods(self._registry.store.engine, row.id)
        return _retention.resolve(own, self.settings)

    def retain(
        self,
        model: str,
        own: Mapping[str, timedelta] | None = None,
        *,
        now: datetime | None = None,
        actor: Actor | None = None,
        audit_nothing: bool = True,
    ) -> tuple[dict[str, _retention.Period], dict[str, int]]:
        """Resolve the model's periods (:meth:`retention_periods`; ``own``: e.g. the
        file's) and apply them; the periods with their sources, and the rows removed per
        kind. Audited with where each period came from (``periods_from``)."""
        row = self._registry.model(model)
        resolved = self.retention_periods(model, own)
        periods = _retention.to_apply(resolved)
        if not periods:
            return resolved, dict.fromkeys(resolved, 0)
        with self._close_locks.lock(row.id), exclusive(self._registry.store, f"close:{row.id}"):
            return resolved, _retention.run(
                self._registry, self._audit, model, periods,
                now=aware(now, "now") if now is not None else self.clock(), actor=actor,
                audit_nothing=audit_nothing,
                sources={kind: p.source for kind, p in resolved.items()},
            )  # fmt: skip

    def run_retention(
        self, model: str, *, now: datetime | None = None, actor: Actor | None = None
    ) -> dict[str, int]:
        """Apply the model's periods (its stored ``retention:``, else the server's
        ``server: retention:``, else for records the raw retention: :mod:`._retention`);
        the background loop's call, audited as ``system`` when it removed something
        (always when ``actor`` is given); ``{}`` when every kind is kept."""
        resolved, removed = self.retain(
            model, now=now, actor=actor, audit_nothing=actor is not None
        )
        return removed if _retention.to_apply(resolved) else {}

    # the audit trail

    def list_audit(
        self,
        *,
        model: str | None = None,
        action: str | None = None,
        actor: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Audit entries matching every filter, newest first (``actor``: key id or name)."""
        if not 1 <= limit <= 1000:
            raise InputError(f"limit is {limit}; give 1 to 1000")
        return self._audit.repository.list_audit(
            model=model, action=action, actor=actor, target=target,
            since=None if since is None else aware(since, "since"),
            until=None if until is None else aware(until, "until"),
            after_seq=after_seq, before_seq=before_seq, limit=limit, newest_first=True,
        )  # fmt: skip

    def verify_audit(self) -> ChainCheck:
        """Walk the audit trail's hash chain; the first broken link, if any."""
        return self._audit.repository.verify_audit()

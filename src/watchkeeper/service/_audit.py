"""The service's side of the audit trail: who is acting, and one entry per state change.

Every state-changing method of the facade takes ``actor`` (an API key's id and name,
given by the server; the CLI names itself). ``None`` means the actor of the call it is
part of (``apply`` creating a model records the apply's actor) or, outside any, the
service itself (``system``). The entries go to :mod:`watchkeeper.store._repo_audit`;
what is recorded for each action is listed in docs/compliance.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from watchkeeper.compliance._audit import Actor, AuditEntry, AuditRepository, record
from watchkeeper.store import Store

__all__ = ["Actor", "Auditor", "changed"]

_CURRENT: ContextVar[Actor | None] = ContextVar("watchkeeper_actor", default=None)


def changed(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entries of two snapshots that differ (a key missing on one side is None).

    >>> changed({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    ({'b': 2, 'c': None}, {'b': 3, 'c': 4})
    """
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


class Auditor:
    """Appends the service's actions to the store's audit trail.

    >>> from datetime import UTC
    >>> auditor = Auditor(Store("sqlite://"), lambda: datetime(2024, 1, 1, tzinfo=UTC))
    >>> auditor.record(None, "key.revoke", "key:key_1").actor_id
    'system'
    >>> with auditor.acting(Actor("key_2", "alice")):
    ...     auditor.record(None, "monitor.update", "monitor:m").actor_name
    'alice'
    """

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.repository = AuditRepository(store.engine)
        self.clock = clock

    def actor(self, actor: Actor | None) -> Actor:
        """``actor``, else the one of the surrounding call, else the service itself."""
        return actor or _CURRENT.get() or Actor.system()

    @contextmanager
    def acting(self, actor: Actor | None) -> Iterator[Actor]:
        """Within the block, calls that name no actor are ``actor``'s."""
        resolved = self.actor(actor)
        token = _CURRENT.set(resolved)
        try:
            yield resolved
        finally:
            _CURRENT.reset(token)

    def record(
        self,
        actor: Actor | None,
        action: str,
        target: str,
        *,
        model: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> AuditEntry:
        return record(
            self.repository, self.actor(actor), action, target,
            model=model, before=before, after=after, at=self.clock(),
        )  # fmt: skip

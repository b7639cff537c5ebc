"""The facade's API-key and dashboard-session methods (:class:`AccessMethods`).

:class:`~watchkeeper.service.MonitoringService` inherits them; the work is done by
:mod:`._keys` (keys, SHA-256 hashed; those verified in the last
``Settings.key_cache_seconds`` remembered) and :mod:`._sessions` (sessions in the store),
and key changes are audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from watchkeeper.service._audit import Actor, Auditor
from watchkeeper.service._keys import ApiKeys
from watchkeeper.service._results import ApiKeyInfo
from watchkeeper.service._sessions import SessionBook, SessionInfo

__all__ = ["AccessMethods"]


class AccessMethods:
    """API keys and dashboard sessions, over the facade's ``_keys``, ``_sessions``, ``_audit``."""

    _keys: ApiKeys
    _sessions: SessionBook
    _audit: Auditor

    # API keys

    def create_api_key(
        self, scopes: Sequence[str], *, name: str = "", actor: Actor | None = None
    ) -> tuple[ApiKeyInfo, str]:
        """A new key with ``scopes``; the plaintext is returned once and never stored."""
        info, plaintext = self._keys.create(scopes, name=name)
        after = {"name": info.name, "scopes": list(info.scopes)}
        self._audit.record(actor, "key.create", f"key:{info.id}", after=after)
        return info, plaintext

    def verify_api_key(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when ``plaintext`` is a valid, unrevoked key; else None.

        Reads the store every time (a key revoked by another process is refused at
        once); a key it accepts is remembered for :meth:`cached_api_key`."""
        return self._keys.verify(plaintext)

    def cached_api_key(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when :meth:`verify_api_key` accepted ``plaintext`` less than
        ``Settings.key_cache_seconds`` ago (one second by default; 0 turns this off) and
        it was not revoked through this service object since; else None, which means
        "call :meth:`verify_api_key`", never "refused".

        No I/O (the server calls it on its event loop). Refusals are never remembered, so
        a key created by another process works at once; a key revoked by another process
        on the same store is still answered here until ``key_cache_seconds`` have passed
        since it was last verified, while :meth:`revoke_api_key` on this object forgets it
        at once. Only SHA-256 digests of keys are kept, never a key.
        """
        return self._keys.recent(plaintext)

    def list_api_keys(self) -> list[ApiKeyInfo]:
        return self._keys.list()

    def revoke_api_key(self, key_id: str, *, actor: Actor | None = None) -> None:
        """Revoke the key ``key_id``: refused at once by this service object (and its
        server); by another process's, within that one's ``key_cache_seconds``."""
        self._keys.revoke(key_id)
        self._audit.record(actor, "key.revoke", f"key:{key_id}", after={"revoked": True})

    # dashboard sessions (:mod:`._sessions`)

    def open_session(self, key_id: str, lifetime: timedelta) -> tuple[SessionInfo, str]:
        return self._sessions.open(key_id, lifetime)

    def find_session(self, token: str) -> SessionInfo | None:
        return self._sessions.find(token)

    def end_session(self, token: str) -> None:
        self._sessions.end(token)

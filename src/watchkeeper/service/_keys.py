"""API keys with scopes: created with a random plaintext shown once, stored as a SHA-256
hash, verified in constant time, revoked by id.

Scopes are ``ingest``, ``read`` and ``admin`` (``admin`` implies the others; the server
decides what each route needs).

A key verified against the store is remembered for ``cache_seconds`` (one second by
default, ``WATCHKEEPER_KEY_CACHE_SECONDS``) by :class:`VerifiedKeys`, so that the server's
gate can let a busy key through without a database read (and without leaving the event
loop). What that costs, and what it does not:

- only positive answers are kept: a key created a moment ago, by this process or
  another, works on its very next request;
- a key revoked through this process (:meth:`ApiKeys.revoke`: the CLI or the service
  facade on this object) is forgotten at once;
- a key revoked by another process on the same store stops working within
  ``cache_seconds``;
- the cache holds SHA-256 digests of keys, never a key, and at most ``cache_size`` of them
  (the oldest verification is dropped first).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from watchkeeper._exceptions import InputError
from watchkeeper._vocabulary import SCOPES
from watchkeeper.service._errors import NotFound
from watchkeeper.service._results import ApiKeyInfo
from watchkeeper.store import Store

__all__ = ["DEFAULT_KEY_CACHE_SECONDS", "KEY_CACHE_SIZE", "SCOPES", "ApiKeys", "VerifiedKeys"]

DEFAULT_KEY_CACHE_SECONDS = 1.0
KEY_CACHE_SIZE = 1024


def _hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class VerifiedKeys:
    """Keys the store accepted in the last ``seconds``, by the SHA-256 digest of the key.

    ``clock`` is monotonic (a wall clock set back would stretch an entry's life). At most
    ``size`` entries; the oldest verification goes first. ``seconds=0`` keeps nothing.
    Thread-safe: the server reads it on the event loop and fills it from worker threads.

    >>> from datetime import UTC, datetime
    >>> now = [0.0]
    >>> cache = VerifiedKeys(1.0, clock=lambda: now[0])
    >>> info = ApiKeyInfo("key_1", "ci", ("read",), datetime(2024, 1, 1, tzinfo=UTC))
    >>> digest = hashlib.sha256(b"wk_example").digest()
    >>> cache.put(digest, info, since=cache.start())
    >>> cache.get(digest) == info
    True
    >>> now[0] = 1.0  # a second after the store said yes: ask it again
    >>> cache.get(digest) is None
    True
    """

    def __init__(
        self,
        seconds: float,
        *,
        size: int = KEY_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._lock = threading.Lock()
        # digest -> (the key's facts, when the store was asked); insertion order is age.
        # Found by the dict's hash and equality: what a timing difference there could tell
        # is how much of a SHA-256 digest an attacker's guess shares, not of a key.
        self._entries: dict[bytes, tuple[ApiKeyInfo, float]] = {}
        # Bumped by every forget(): a verification that began before a revocation in this
        # process must not put the revoked key back after forget() dropped it.
        self._generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    def start(self) -> tuple[int, float]:
        """Taken before the store is read; hand it to :meth:`put` with the answer."""
        with self._lock:
            return self._generation, self.clock()

    def get(self, digest: bytes) -> ApiKeyInfo | None:
        """The facts of a key verified less than ``seconds`` ago, else None (ask the store)."""
        if self.seconds <= 0:
            return None
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            info, asked = entry
            if not 0.0 <= self.clock() - asked < self.seconds:
                del self._entries[digest]
                return None
        return info

    def put(self, digest: bytes, info: ApiKeyInfo, *, since: tuple[int, float]) -> None:
        """Remember that the store accepted ``digest`` at ``since`` (from :meth:`start`)."""
        if self.seconds <= 0:
            return
        generation, asked = since
        with self._lock:
            if generation != self._generation:
                return  # a key was revoked here while the store was read: maybe this one
            self._entries.pop(digest, None)
            while len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]
            self._entries[digest] = (info, asked)

    def forget(self, key_id: str) -> None:
        """Drop the key ``key_id`` (revoked through this process) at once."""
        with self._lock:
            self._generation += 1
            for digest in [d for d, (info, _) in self._entries.items() if info.id == key_id]:
                del self._entries[digest]


class ApiKeys:
    """The API keys of ``store``, with the keys verified in the last ``cache_seconds``
    remembered (:class:`VerifiedKeys`; ``monotonic`` is its clock, 0 seconds turns it off).

    >>> from datetime import UTC, datetime
    >>> keys = ApiKeys(Store("sqlite://"), lambda: datetime(2024, 1, 1, tzinfo=UTC))
    >>> info, plaintext = keys.create(["read"], name="grafana")
    >>> keys.recent(plaintext) is None  # not verified yet
    True
    >>> keys.verify(plaintext).scopes, keys.verify("wk_guess")
    (('read',), None)
    >>> keys.recent(plaintext) == info, keys.recent("wk_guess")
    (True, None)
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        *,
        cache_seconds: float = DEFAULT_KEY_CACHE_SECONDS,
        cache_size: int = KEY_CACHE_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.clock = clock
        self.verified = VerifiedKeys(cache_seconds, size=cache_size, clock=monotonic)

    def create(self, scopes: Sequence[str], *, name: str = "") -> tuple[ApiKeyInfo, str]:
        """A new key with ``scopes``; the plaintext is returned once and never stored."""
        chosen = tuple(dict.fromkeys(scopes))
        if not chosen:
            raise InputError(f"an API key needs at least one scope: {', '.join(SCOPES)}")
        unknown = [s for s in chosen if s not in SCOPES]
        if unknown:
            raise InputError(f"scope {unknown[0]!r} is not known; use {', '.join(SCOPES)}")
        plaintext = "wk_" + secrets.token_urlsafe(32)
        key_id = "key_" + secrets.token_hex(6)
        at = self.clock()
        self.store.insert_api_key(key_id, name, _hash_key(plaintext), chosen, at)
        return ApiKeyInfo(key_id, name, chosen, at), plaintext

    def verify(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when ``plaintext`` is a valid, unrevoked key; else None.

        Always asks the store; a key it accepts is remembered for :meth:`recent`."""
        if not plaintext:
            return None
        digest = hashlib.sha256(plaintext.encode()).digest()
        key_hash = digest.hex()  # what the store keeps (_hash_key)
        since = self.verified.start()
        row = self.store.api_key_by_hash(key_hash)
        if row is None or row.revoked or not hmac.compare_digest(row.key_hash, key_hash):
            return None
        info = ApiKeyInfo(row.id, row.name, row.scopes, row.created_at)
        self.verified.put(digest, info, since=since)
        return info

    def recent(self, plaintext: str) -> ApiKeyInfo | None:
        """The key's facts when :meth:`verify` accepted ``plaintext`` less than
        ``cache_seconds`` ago and it was not revoked through this object since; else None,
        which means "ask :meth:`verify`", not "refused". Reads no store: hashing a key
        takes about a microsecond."""
        if not plaintext or self.verified.seconds <= 0:
            return None
        return self.verified.get(hashlib.sha256(plaintext.encode()).digest())

    def list(self) -> list[ApiKeyInfo]:
        return [
            ApiKeyInfo(r.id, r.name, r.scopes, r.created_at) for r in self.store.list_api_keys()
        ]

    def revoke(self, key_id: str) -> None:
        """Revoke ``key_id`` in the store and forget it here at once (another process that
        verified it within its ``cache_seconds`` still lets it through until they pass)."""
        revoked = self.store.revoke_api_key(key_id, self.clock())
        # Forgotten even when the store had it revoked already (by another process).
        self.verified.forget(key_id)
        if not revoked:
            raise NotFound(f"API key {key_id!r} does not exist or is already revoked")
        self.store.delete_sessions_of_key(key_id)  # its dashboard sessions end with it

"""One lock per key (a model's id): closing one model's windows never waits on another's.

Within a process, a model's windows are closed (and recomputed after an erasure) by
one thread at a time; across processes sharing a PostgreSQL store the advisory lock of
:func:`watchkeeper.service._leader.exclusive` does the same. The locks are created on
first use and kept (one small object per model).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

__all__ = ["KeyedLocks"]


class KeyedLocks:
    """A lock per key, created on first use.

    >>> locks = KeyedLocks()
    >>> locks.lock(1) is locks.lock(1), locks.lock(1) is locks.lock(2)
    (True, False)
    >>> with locks.lock(1):
    ...     locks.lock(2).acquire(blocking=False)
    True
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Hashable, threading.Lock] = {}

    def lock(self, key: Hashable) -> threading.Lock:
        """The lock of ``key`` (the same object every time)."""
        with self._guard:
            found = self._locks.get(key)
            if found is None:
                found = self._locks[key] = threading.Lock()
            return found

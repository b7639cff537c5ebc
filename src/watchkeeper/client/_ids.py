"""Record ids for the hot path: the client's random prefix and a counter in hex, made
4,096 at a time so that a call takes one ready string (``next`` on a list iterator)
instead of formatting one (about 60 ns instead of 140 ns a call).

The ids are the same as ``f"{prefix}{counter:x}"`` for counters 1, 2, 3, ...: block
``b`` holds the counters ``b * 4096`` to ``b * 4096 + 4095``, whose hex is ``b``'s hex
followed by three digits. Blocks come from an ``itertools.count``: two threads that
refill at once take different blocks, so ids stay unique (not always in call order).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

__all__ = ["Ids"]

BLOCK = 4096
_LOW = [f"{low:03x}" for low in range(BLOCK)]


class Ids:
    """Unique ids ``<16 hex digits>-<hex counter>`` (see the module)."""

    def __init__(self) -> None:
        self.prefix = os.urandom(8).hex() + "-"
        self._blocks = itertools.count(0)
        self.current: Iterator[str] = iter(())

    def take(self, n: int) -> list[str]:
        """``n`` ids in a list (for a frame of predictions)."""
        ids = list(itertools.islice(self.current, n))
        while len(ids) < n:
            ids.append(self.refill())
            ids += itertools.islice(self.current, n - len(ids))
        return ids

    def refill(self) -> str:
        """The first id of a new block (the rest wait in :attr:`current`)."""
        block = next(self._blocks)
        if block == 0:
            ids = [f"{self.prefix}{counter:x}" for counter in range(1, BLOCK)]
        else:
            head = f"{self.prefix}{block:x}"
            ids = [head + low for low in _LOW]
        self.current = iter(ids)
        return next(self.current)

"""A progress bar on standard error for long runs; silent when not wanted."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts steps of a named stage and redraws one line on ``stream``.

    Thread-safe, because columns are processed in parallel. Drawing is throttled to ten
    times a second so that a fast run is not slowed by its own progress bar.

    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress(enabled=True, stream=out)
    >>> bar.start("drift", total=2)
    >>> bar.step("a"); bar.step("b"); bar.finish()
    >>> out.getvalue().splitlines()[-1].strip()
    'drift [##############################] 2/2 b'
    """

    def __init__(self, *, enabled: bool = False, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream
        self._lock = threading.Lock()
        self._stage = ""
        self._total = 0
        self._done = 0
        self._last_draw = 0.0

    def start(self, stage: str, total: int) -> None:
        with self._lock:
            self._stage, self._total, self._done = stage, max(total, 1), 0
            self._last_draw = 0.0

    def step(self, label: str = "") -> None:
        if not self.enabled:
            return
        with self._lock:
            self._done += 1
            now = time.monotonic()
            if self._done < self._total and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            self._draw(label)

    def finish(self) -> None:
        if self.enabled:
            (self.stream or sys.stderr).write("\n")

    def _draw(self, label: str) -> None:
        width = 30
        filled = int(width * self._done / self._total)
        bar = "#" * filled + " " * (width - filled)
        line = f"\r{self._stage} [{bar}] {self._done}/{self._total} {label[:40]}"
        stream = self.stream or sys.stderr
        stream.write(line.ljust(100))
        stream.flush()

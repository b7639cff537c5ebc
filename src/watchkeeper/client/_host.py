"""The host process's CPU and memory, as the SDK reports them next to the predictions.

``cpu_percent`` is the process's CPU time (user + system, every thread) over the wall
time since the previous sample, times 100: 200 means two cores busy, as ``top`` and
psutil count it. ``memory_bytes`` is the resident set size. Larger is worse for both.

Read from ``/proc/self/statm`` on Linux; elsewhere psutil when it is installed, else the
peak RSS from :mod:`resource` (a high-water mark, not the current figure, which is the
best the standard library offers there).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["HostSample", "HostSampler", "resident_memory_bytes"]

_STATM = "/proc/self/statm"


@dataclass(frozen=True)
class HostSample:
    """One reading of the process: CPU percent since the previous one, RSS in bytes."""

    cpu_percent: float | None
    memory_bytes: int | None


def resident_memory_bytes() -> int | None:
    """The resident set size of this process in bytes, or None when nothing can tell.

    >>> resident_memory_bytes() > 1_000_000
    True
    """
    try:
        with open(_STATM, "rb") as handle:
            resident_pages = int(handle.read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil  # type: ignore[import-untyped,import-not-found,unused-ignore]  # optional

        return int(psutil.Process().memory_info().rss)
    except Exception:  # (absent or broken psutil: fall through to resource)
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):
        return None
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    return int(peak) if os.uname().sysname == "Darwin" else int(peak) * 1024


class HostSampler:
    """Samples CPU percent (since the previous call) and RSS of the current process.

    The clocks are injectable so that the arithmetic can be checked by hand:

    >>> wall, cpu = iter([0.0, 10.0]), iter([1.0, 6.0])
    >>> sampler = HostSampler(wall=lambda: next(wall), cpu=lambda: next(cpu),
    ...                       memory=lambda: 2048)
    >>> sampler.sample()   # 5 s of CPU over 10 s of wall time
    HostSample(cpu_percent=50.0, memory_bytes=2048)
    """

    def __init__(
        self,
        *,
        wall: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] = time.process_time,
        memory: Callable[[], int | None] = resident_memory_bytes,
    ) -> None:
        self._wall = wall
        self._cpu = cpu
        self._memory = memory
        self._last_wall = wall()
        self._last_cpu = cpu()

    def sample(self) -> HostSample:
        """CPU percent since the previous sample (or construction) and the current RSS."""
        wall, cpu = self._wall(), self._cpu()
        elapsed = wall - self._last_wall
        percent = None
        if elapsed > 0:
            percent = round(max(0.0, 100.0 * (cpu - self._last_cpu) / elapsed), 3)
        self._last_wall, self._last_cpu = wall, cpu
        return HostSample(cpu_percent=percent, memory_bytes=self._memory())

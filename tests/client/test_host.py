"""Host metrics: CPU percent by hand, RSS against /proc/self/status."""

from __future__ import annotations

import sys

import pytest

from watchkeeper.client import HostSample, HostSampler, resident_memory_bytes


def test_cpu_percent_is_cpu_seconds_over_wall_seconds() -> None:
    # 0.5 s then 3 s of CPU over 1 s then 2 s of wall time: 50 %, then 150 % (1.5 cores).
    wall = iter([10.0, 11.0, 13.0])
    cpu = iter([4.0, 4.5, 7.5])
    sampler = HostSampler(wall=lambda: next(wall), cpu=lambda: next(cpu), memory=lambda: 7)
    assert sampler.sample() == HostSample(cpu_percent=50.0, memory_bytes=7)
    assert sampler.sample() == HostSample(cpu_percent=150.0, memory_bytes=7)


def test_no_elapsed_time_gives_no_cpu_figure() -> None:
    sampler = HostSampler(wall=lambda: 1.0, cpu=lambda: 1.0, memory=lambda: None)
    assert sampler.sample() == HostSample(cpu_percent=None, memory_bytes=None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_rss_agrees_with_proc_status() -> None:
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith("VmRSS:"))
    status_bytes = int(line.split()[1]) * 1024
    measured = resident_memory_bytes()
    assert measured is not None
    # Both read the same counter a moment apart; allocations in between move it a little.
    assert measured == pytest.approx(status_bytes, rel=0.05)

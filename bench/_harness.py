"""Shared helpers for the bench scripts: measure a child process, cache a peer's venv, print tables.

Measuring a command
-------------------
`measure(cmd)` starts the command with `subprocess.Popen` and reaps it with `os.wait4`,
which hands back the rusage of that one child. Wall time is `time.perf_counter()` from
just before the spawn to the return of `wait4`, so it covers interpreter start-up and
imports: what a user waits for when they type the command. CPU time (user + system, from
the same `wait4` rusage, descendants included) is reported beside it: on a shared machine
it moves far less than wall time when neighbours compete for the cores.

Peak RSS is taken from two sources and the larger one is reported:

1. `ru_maxrss` from `os.wait4` (kilobytes on Linux). The kernel tracks it exactly, with
   no sampling, and it covers the child *and every descendant the child has waited
   for* (Linux folds a reaped child's high-water mark into its parent's `cmaxrss`).
   That is why a console-script wrapper or a shell in front of the real process is
   measured correctly. We use `wait4` rather than `getrusage(RUSAGE_CHILDREN)` because
   the latter is the maximum over *all* children this process ever reaped, so the
   second measurement in one bench run would inherit the first one's peak.
2. A sampler thread that, every `SAMPLE_SECONDS`, walks the child's process tree through
   `/proc/PID/task/TID/children` and sums `VmRSS` over it. `ru_maxrss` is a maximum
   *per process*, so a peer running several workers at once (multiprocessing, joblib,
   Spark) would be under-reported by (1); the sum catches that. It can miss a peak
   shorter than the sampling interval, which is why (1) stays the primary figure.
   No psutil: reading /proc costs nothing to install and is all we need on Linux.

Both sources count shared pages (the mapped interpreter, shared libraries) in full, as
`ps` and `top` do; the figures are comparable between tools measured the same way.

Peer virtual environments
-------------------------
`ensure_venv(name, requirements)` builds `bench/.venvs/NAME` (git-ignored) with
`python -m venv` and `pip install`, then writes a marker file holding the requirement
list and the installed versions. A later run reuses the venv when the marker's
requirement list matches; delete the folder to pick up a newer release.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
VENVS_DIR = BENCH_DIR / ".venvs"
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
VENV_MARKER = ".bench-ready.json"

# 20 ms: well under the duration of any measured run (the shortest take ~0.5 s), and the
# walk over a handful of /proc files costs far less than that on the shared 2 cores.
SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Measurement:
    """Outcome of one measured command."""

    cmd: tuple[str, ...]
    returncode: int
    wall_seconds: float
    cpu_seconds: float  # user + system time of the child and its reaped descendants
    peak_rss_bytes: int
    maxrss_bytes: int  # ru_maxrss from wait4: largest single process, exact
    sampled_tree_rss_bytes: int  # largest sampled sum over the process tree
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_bytes / 2**20

    def to_json(self) -> dict[str, object]:
        return {
            "cmd": list(self.cmd),
            "returncode": self.returncode,
            "wall_seconds": round(self.wall_seconds, 4),
            "cpu_seconds": round(self.cpu_seconds, 4),
            "peak_rss_bytes": self.peak_rss_bytes,
            "maxrss_bytes": self.maxrss_bytes,
            "sampled_tree_rss_bytes": self.sampled_tree_rss_bytes,
        }

    def tail(self, lines: int = 15) -> str:
        """The last lines of stderr (or stdout), for a failure message."""
        text = self.stderr.strip() or self.stdout.strip()
        return "\n".join(text.splitlines()[-lines:])


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            try:
                with open(f"{task.path}/children") as handle:
                    kids.extend(int(p) for p in handle.read().split())
            except OSError:
                continue
    except OSError:
        pass
    return kids


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree_rss_bytes(root: int) -> int:
    """Sum of VmRSS over `root` and all its live descendants (0 once it is gone)."""
    total = 0
    stack = [root]
    seen: set[int] = set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_bytes(pid)
        stack.extend(_children(pid))
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run `cmd`, wait for it, and return its wall time, peak RSS and output.

    stdout and stderr go to temporary files rather than pipes: reading pipes would need
    a second thread, and a child blocked on a full pipe would be timed while waiting.
    On timeout the child's process group is killed and returncode is -9.
    """
    args = tuple(os.fspath(part) for part in cmd)
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err,
    ):
        start = time.perf_counter()
        proc = subprocess.Popen(
            args,
            cwd=cwd or REPO_DIR,
            env=dict(env) if env is not None else None,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # so a timeout can kill grandchildren too
        )
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        timer: threading.Timer | None = None
        if timeout is not None:
            timer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer is not None:
            timer.cancel()
        sampler.stop()
        # Popen must not try to reap the pid a second time.
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        maxrss = int(usage.ru_maxrss) * 1024  # Linux reports kilobytes
        return Measurement(
            cmd=args,
            returncode=proc.returncode,
            wall_seconds=wall,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_rss_bytes=max(maxrss, sampler.peak),
            maxrss_bytes=maxrss,
            sampled_tree_rss_bytes=sampler.peak,
            stdout=out.read(),
            stderr=err.read(),
        )


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, 9)


# --------------------------------------------------------------------------- venvs


def venv_python(name: str) -> Path:
    return VENVS_DIR / name / "bin" / "python"


def venv_ready(name: str, requirements: Sequence[str]) -> bool:
    """Whether bench/.venvs/NAME was built for exactly these requirements."""
    marker = VENVS_DIR / name / VENV_MARKER
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    return bool(recorded.get("requirements") == list(requirements)) and venv_python(name).exists()


def ensure_venv(name: str, requirements: Sequence[str], *, quiet: bool = True) -> Path:
    """Build (or reuse) bench/.venvs/NAME with `requirements` installed; return its python.

    Raises RuntimeError with pip's last lines when the install fails (no network, a
    wheel missing for this Python), so the caller can report the peer as unavailable.
    """
    path = VENVS_DIR / name
    python = venv_python(name)
    if venv_ready(name, requirements):
        return python
    print(f"[venv] building {path} with {' '.join(requirements)} (once; cached)", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    steps: list[list[str]] = []
    if not python.exists():
        steps.append([sys.executable, "-m", "venv", str(path)])
    quiet_flag = ["--quiet"] if quiet else []
    steps.append([str(python), "-m", "pip", "install", *quiet_flag, "--upgrade", "pip"])
    steps.append([str(python), "-m", "pip", "install", *quiet_flag, *requirements])
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-10:])
            raise RuntimeError(f"{' '.join(step)} failed:\n{tail}")
    freeze = subprocess.run(
        [str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=False
    )
    marker = {
        "requirements": list(requirements),
        "python": sys.version.split()[0],
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "installed": freeze.stdout.split(),
    }
    (path / VENV_MARKER).write_text(json.dumps(marker, indent=2) + "\n")
    return python


def installed_version(name: str, package: str) -> str | None:
    """Version of `package` in bench/.venvs/NAME, read from the marker file."""
    try:
        recorded = json.loads((VENVS_DIR / name / VENV_MARKER).read_text())
    except (OSError, ValueError):
        return None
    prefix = f"{package.lower()}=="
    for line in recorded.get("installed", []):
        if str(line).lower().startswith(prefix):
            return str(line).split("==", 1)[1]
    return None


# --------------------------------------------------------------------------- tables


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def fmt_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def fmt_mib(value_bytes: int | None) -> str:
    return "-" if value_bytes is None else f"{value_bytes / 2**20:.0f}"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Align columns: text left, numbers (and '-', 'x' ratios) right."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def numeric(text: str) -> bool:
        stripped = text.rstrip("x%").replace(".", "", 1).replace("-", "", 1).replace("/", "")
        return stripped.isdigit() or text == "-"

    right = [
        all(numeric(row[i]) for row in cells[1:]) and len(cells) > 1 for i in range(len(headers))
    ]
    lines = []
    for index, row in enumerate(cells):
        parts = [
            cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    print(f"\n{title}")
    print(format_table(headers, rows))


def save_results(prefix: str, payload: Mapping[str, object], *, quick: bool = False) -> Path:
    """Write bench/results/PREFIX-TIMESTAMP.json and PREFIX-latest.json; return the first.

    A ``--quick`` run writes PREFIX-quick-TIMESTAMP.json and PREFIX-quick-latest.json
    instead, with ``"quick": true`` in the payload, so a smoke run never replaces the
    figures of a full run that someone quotes from PREFIX-latest.json.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if quick:
        prefix, payload = f"{prefix}-quick", {"quick": True, **payload}
    text = json.dumps(payload, indent=2, default=str) + "\n"
    path = RESULTS_DIR / f"{prefix}-{stamp}.json"
    path.write_text(text)
    (RESULTS_DIR / f"{prefix}-latest.json").write_text(text)
    return path


def machine_info() -> dict[str, object]:
    """What the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
                break
    except (OSError, ValueError):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 2**20, 1),
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }

"""`make bench`: run every bench/bench_*.py script, in name order, each as its own process.

    python bench/run.py [--quick] [--only NAME ...]

``--quick`` is passed on to every script (each one accepts it and runs smaller sizes).
``--only`` keeps the scripts whose name matches, with or without the ``bench_`` prefix and
the ``.py`` suffix (``--only drift`` runs bench_drift.py); it can be given more than once.
A header is printed before each script and a summary at the end; the exit code is 1 when
any script failed (non-zero exit), 2 when ``--only`` matched nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def discover(only: list[str] | None) -> list[Path]:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if not only:
        return scripts
    wanted = {name.removesuffix(".py").removeprefix("bench_") for name in only}
    return [s for s in scripts if s.stem.removeprefix("bench_") in wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the watchkeeper benchmarks.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only this script (repeatable)"
    )
    args = parser.parse_args(argv)

    scripts = discover(args.only)
    if not scripts:
        available = ", ".join(s.stem for s in sorted(BENCH_DIR.glob("bench_*.py")))
        print(f"no bench script matches {args.only}; available: {available}", file=sys.stderr)
        return 2

    outcomes: list[tuple[str, int, float]] = []
    for script in scripts:
        cmd = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        print(
            f"\n{'=' * 78}\n{script.name}{' --quick' if args.quick else ''}\n{'=' * 78}", flush=True
        )
        start = time.perf_counter()
        # Each script gets the terminal directly, so its progress lines appear as they come.
        code = subprocess.run(cmd, cwd=BENCH_DIR.parent, check=False).returncode
        outcomes.append((script.name, code, time.perf_counter() - start))

    print(f"\n{'=' * 78}\nsummary")
    width = max(len(name) for name, _, _ in outcomes)
    for name, code, seconds in outcomes:
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"  {name:<{width}}  {seconds:8.1f} s  {status}")
    failed = [name for name, code, _ in outcomes if code != 0]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} failed: {', '.join(failed)}")
        return 1
    print(f"all {len(outcomes)} passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

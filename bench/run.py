"""`make bench`: run every bench/bench_*.py script, in name order, each as its own process.

    python bench/run.py [--quick] [--only NAME ...]

``--quick`` is passed on to every script that has a quick mode (its parser takes
``--quick`` and runs smaller sizes) or reads no arguments; a script whose parser does not
know it is skipped and named in the summary (run it alone for its full sizes), so a
quick run stays quick and does not fail on an argument the script does not know.
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


def has_quick_mode(script: Path) -> bool:
    """Whether ``script`` can be given ``--quick``: its parser declares it, or it parses
    no arguments at all (it then ignores the flag and runs as it always does)."""
    source = script.read_text(encoding="utf-8")
    return '"--quick"' in source or (
        "parse_args(" not in source and "parse_known_args(" not in source
    )


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
    skipped: list[str] = []
    for script in scripts:
        if args.quick and not has_quick_mode(script):
            skipped.append(script.name)
            continue
        cmd = [sys.executable, str(script), *(["--quick"] if args.quick else [])]
        print(
            f"\n{'=' * 78}\n{script.name}{' --quick' if args.quick else ''}\n{'=' * 78}", flush=True
        )
        start = time.perf_counter()
        # Each script gets the terminal directly, so its progress lines appear as they come.
        code = subprocess.run(cmd, cwd=BENCH_DIR.parent, check=False).returncode
        outcomes.append((script.name, code, time.perf_counter() - start))

    print(f"\n{'=' * 78}\nsummary")
    width = max(len(name) for name in (*skipped, *(name for name, _, _ in outcomes)))
    for name, code, seconds in outcomes:
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"  {name:<{width}}  {seconds:8.1f} s  {status}")
    for name in skipped:
        print(
            f"  {name:<{width}}  {'-':>8}    skipped: no --quick mode (run it alone: bench/{name})"
        )
    failed = [name for name, code, _ in outcomes if code != 0]
    if failed:
        print(f"{len(failed)} of {len(outcomes)} failed: {', '.join(failed)}")
        return 1
    ran = f"all {len(outcomes)} passed" if outcomes else "none run"
    print(ran + (f", {len(skipped)} skipped" if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What importing the SDK costs a model server's start-up: ``import watchkeeper.client``.

    python bench/bench_sdk_import.py [--quick] [--runs N] [--json OUT]

Each figure is the median over fresh interpreters of ``-X importtime``'s cumulative
time for the module (the interpreter's own start-up left out), and the heavy packages
the import loaded. The target is under 0.3 s with none of scipy, pandas or sklearn.

Peers, measured the same way in the same run: ``import httpx`` (the SDK's one
dependency, a floor) and ``import watchkeeper.report`` (the analysis side, which needs
scipy and pyarrow: what the SDK used to load).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

TARGET_SECONDS = 0.3
HEAVY = ("scipy", "pandas", "sklearn", "pyarrow", "numpy")
MODULES = ("watchkeeper.client", "httpx", "watchkeeper.report")


def measure(module: str) -> tuple[float, list[str]]:
    """Cumulative import time of ``module`` in seconds, and the heavy packages it loaded."""
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    micros = 0
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            micros = int(parts[1])
    return micros / 1e6, json.loads(done.stdout.strip().replace("'", '"'))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--runs", type=int, default=None, help="interpreters per module")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 15)
    results = {}
    for module in MODULES:
        samples = [measure(module) for _ in range(runs)]
        seconds = statistics.median(s for s, _ in samples)
        heavy = samples[-1][1]
        results[module] = {"median_seconds": seconds, "heavy_modules": heavy, "runs": runs}
        print(f"import {module:<20} median {seconds * 1000:7.1f} ms  heavy: {heavy or 'none'}")
    client = results["watchkeeper.client"]
    ok = client["median_seconds"] < TARGET_SECONDS and not {"scipy", "pandas", "sklearn"} & set(
        client["heavy_modules"]
    )
    print(f"target: under {TARGET_SECONDS * 1000:.0f} ms without scipy/pandas/sklearn: {ok}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

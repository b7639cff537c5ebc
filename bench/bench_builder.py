"""ProfileBuilder.update on the SDK profile mode's shape: 8,192-row chunks of 20 float
features counted on a reference's bins.

Three contenders run on the same chunks, interleaved round by round (CPU seconds of this
process, so other load on the machine counts less): the builder as it is now, the
builder at ``--base-rev`` (its ``watchkeeper.profile`` modules loaded from git into a
temporary package), and a peer: ``numpy.histogram`` per column on the same edges plus
``min``/``max``/``sum`` (no exact sums, no counts of NaN/inf), the floor of what numpy
does in one call per statistic. Prints rows/s of each and the ratios.

    .venv/bin/python bench/bench_builder.py [--rounds 7] [--chunks 30] [--base-rev 3a76ad2]
    .venv/bin/python bench/bench_builder.py --quick   # 3 rounds of 10 chunks
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from watchkeeper.profile import Profile, ProfileBuilder, profile_source

ROOT = Path(__file__).resolve().parents[1]
# The profile modules whose old version is loaded side by side with the current one.
_MODULES = ("_builder", "_numeric", "_sums", "_moments", "_categorical")
CHUNK = 8192
FEATURES = 20


def _base_builder(rev: str, into: Path) -> Any:
    package = into / "wk_base_profile"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in _MODULES:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:src/watchkeeper/profile/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for other in _MODULES:
            text = text.replace(f"watchkeeper.profile.{other} ", f"wk_base_profile.{other} ")
        (package / f"{name}.py").write_text(text)
    sys.path.insert(0, str(into))
    return importlib.import_module("wk_base_profile._builder").ProfileBuilder


def _data(chunks: int) -> tuple[Profile, list[pa.Table]]:
    rng = np.random.default_rng(0)
    names = [f"f{i}" for i in range(FEATURES)]
    reference = profile_source({n: rng.normal(i, 1 + i % 3, 50_000) for i, n in enumerate(names)})
    tables = [
        pa.table({n: rng.normal(i + 0.2, 1 + i % 3, CHUNK) for i, n in enumerate(names)})
        for _ in range(chunks)
    ]
    return reference, tables


def _peer(reference: Profile, tables: list[pa.Table]) -> None:
    bins = {
        name: np.concatenate(([-np.inf], b.edges, [np.inf])) for name, b in reference.bins.items()
    }
    for table in tables:
        for name in table.column_names:
            values = table.column(name).to_numpy()
            finite = values[np.isfinite(values)]
            np.histogram(finite, bins=bins[name])
            finite.min(), finite.max(), finite.sum()


def _builder_run(cls: Any, reference: Profile) -> Callable[[list[pa.Table]], None]:
    def run(tables: list[pa.Table]) -> None:
        builder = cls(reference.schema, bins_from=reference)
        for table in tables:
            builder.update(table)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--chunks", type=int, default=30)
    parser.add_argument(
        "--base-rev", default="3a76ad2", help="git revision of the 'before' builder"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, for a smoke run: 3 rounds of 10 chunks"
    )
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.chunks = min(args.rounds, 3), min(args.chunks, 10)
    reference, tables = _data(args.chunks)
    rows = args.chunks * CHUNK
    with tempfile.TemporaryDirectory() as tmp:
        base = _base_builder(args.base_rev, Path(tmp))
        runs: dict[str, Callable[[list[pa.Table]], None]] = {
            "now": _builder_run(ProfileBuilder, reference),
            f"base ({args.base_rev})": _builder_run(base, reference),
            "peer numpy.histogram": lambda t: _peer(reference, t),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for run in runs.values():
            run(tables[:2])  # warm caches (the bins' lookup tables, imports)
        for _ in range(args.rounds):
            for name, run in runs.items():
                start = time.process_time()
                run(tables)
                times[name].append(time.process_time() - start)
    print(
        f"{rows:,} rows x {FEATURES} float features in {CHUNK:,}-row chunks, {args.rounds} rounds"
    )
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, seconds in medians.items():
        print(
            f"{name:24s} {rows / seconds:12,.0f} rows/s (median),"
            f" best {rows / min(times[name]):12,.0f}"
            f"  {seconds / rows / FEATURES * 1e9:6.1f} ns/value"
        )
    now, base, peer = medians.values()
    print(f"now / base speed: {base / now:.2f}x   now / peer speed: {peer / now:.2f}x")


if __name__ == "__main__":
    main()

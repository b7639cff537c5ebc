"""Profiling benchmark: throughput, profile size per column, and out-of-core memory.

On the seeded drift workload (bench/workload.py: 20 float and 5 string columns), each
step runs as its own process (bench/_harness.py measures wall time, CPU time and peak
RSS from outside; the child also reports its own profiling time, imports excluded):

- ``one-pass``: profile the 1M-row current file in one pass, no reference bins (what
  whylogs does): rows per second;
- ``reference``: the two-pass reference profile of the 1M-row reference file (sketch,
  then exact counts on its edges), saved as .wkp; bytes per numeric column serialized;
- ``current``: the current file profiled in one pass on the reference's bins;
- ``report``: ``report_from_profiles`` streaming N rows per side from files (the 1M-row
  files listed N/1M times, so no 3 GB of data is written), peak RSS against 1.5 GiB.
  N is 10M, or 1M with ``--quick``.

whylogs (the peer) is measured by another script (issue 3, item 7); its figure from
this machine, about 61k rows/s on the same workload, is printed for reference.

    python bench/bench_profile.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _harness as h
import workload

FILE_ROWS = 1_000_000
WHYLOGS_ROWS_PER_SECOND = 61_000  # issue 3, measured here with whylogs' own venv
TARGET_RSS_BYTES = int(1.5 * 2**30)
TARGET_COLUMN_BYTES = 30_000
TARGET_OVER_WHYLOGS = 10.0


def _child(kind: str, args: list[str]) -> int:
    """One measured step, in its own process; prints a JSON line of its own figures."""
    from watchkeeper.profile import NumericProfile, Profile, profile_source
    from watchkeeper.report._from_profiles import report_from_profiles

    start, cpu_start = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {}
    if kind == "one-pass":
        profile = profile_source(args[0], bins_from={})
        out["rows"] = profile.n_rows
    elif kind == "reference":
        profile = profile_source(args[0])
        profile.save(args[1])
        out["rows"] = profile.n_rows
        sizes = []
        for name, col in profile.columns.items():
            if isinstance(col, NumericProfile):
                alone = Profile(profile.schema, profile.n_rows, {name: col})
                sizes.append(len(alone.to_bytes()))
        out["numeric_column_bytes"] = sizes
        out["file_bytes"] = Path(args[1]).stat().st_size
    elif kind == "current":
        profile = profile_source(args[0], bins_from=Profile.load(args[1]))
        out["rows"] = profile.n_rows
    elif kind == "report":
        repeat = int(args[2])
        result = report_from_profiles([args[0]] * repeat, [args[1]] * repeat)
        out["rows"] = result.reference.n_rows
        out["drifted"] = result.drift.drifted_columns
    out["seconds"] = time.perf_counter() - start
    # CPU time of every thread of the process: on a shared machine wall time mostly
    # measures the neighbours; CPU time is what the work costs.
    out["cpu"] = time.process_time() - cpu_start
    print(json.dumps(out))
    return 0


def _measure(kind: str, *args: str) -> dict[str, Any]:
    load = os.getloadavg()[0]
    m = h.measure([sys.executable, __file__, "--child", kind, *args], timeout=3600)
    if not m.ok:
        raise RuntimeError(f"{kind} failed:\n{m.tail()}")
    inner = json.loads(m.stdout.strip().splitlines()[-1])
    return {"kind": kind, "load_1min": load, **m.to_json(), **inner}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1M rows per side for the report")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        return _child(options.child[0], options.child[1:])
    folder = workload.ensure_workload(FILE_ROWS)
    ref_file, cur_file = folder / "reference.parquet", folder / "current.parquet"
    report_rows = FILE_ROWS if options.quick else 10 * FILE_ROWS
    with tempfile.TemporaryDirectory() as tmp:
        ref_wkp = Path(tmp) / "reference.wkp"
        runs = [
            _measure("one-pass", str(cur_file)),
            _measure("reference", str(ref_file), str(ref_wkp)),
            _measure("current", str(cur_file), str(ref_wkp)),
            _measure("report", str(ref_file), str(cur_file), str(report_rows // FILE_ROWS)),
        ]
    rows = []
    for run in runs:
        rows.append(
            [
                run["kind"],
                f"{run['rows']:,}",
                f"{run['seconds']:.2f}",
                f"{run['cpu']:.2f}",
                f"{run['rows'] / run['seconds']:,.0f}",
                f"{run['rows'] / run['cpu']:,.0f}",
                h.fmt_seconds(run["wall_seconds"]),
                h.fmt_mib(run["peak_rss_bytes"]),
                f"{run['load_1min']:.1f}",
            ]
        )
    h.print_table(
        "profiling (watchkeeper; profile s and cpu s from the child, imports excluded)",
        [
            "step",
            "rows",
            "profile s",
            "cpu s",
            "rows/s wall",
            "rows/s cpu",
            "wall s",
            "peak MiB",
            "load",
        ],
        rows,
    )
    one_pass = runs[0]["rows"] / runs[0]["seconds"]
    one_pass_cpu = runs[0]["rows"] / runs[0]["cpu"]
    sizes = runs[1]["numeric_column_bytes"]
    report_rss = runs[3]["peak_rss_bytes"]
    summary = {
        "one_pass_rows_per_second": one_pass,
        "one_pass_rows_per_cpu_second": one_pass_cpu,
        "over_whylogs": one_pass / WHYLOGS_ROWS_PER_SECOND,
        "whylogs_rows_per_second_reported": WHYLOGS_ROWS_PER_SECOND,
        "numeric_column_bytes_max": max(sizes),
        "numeric_column_bytes_mean": sum(sizes) / len(sizes),
        "report_rows_per_side": report_rows,
        "report_peak_rss_bytes": report_rss,
    }
    print()
    print(
        f"one-pass: {one_pass:,.0f} rows/s wall, {one_pass_cpu:,.0f} rows per CPU second; "
        f"{summary['over_whylogs']:.1f}x whylogs' {WHYLOGS_ROWS_PER_SECOND:,} rows/s by wall "
        f"time (target {TARGET_OVER_WHYLOGS:.0f}x; load average {runs[0]['load_1min']:.1f} "
        "on this machine's 2 cores)"
    )
    print(
        f"profile size per numeric column: max {max(sizes):,} B, mean "
        f"{summary['numeric_column_bytes_mean']:,.0f} B (target <= {TARGET_COLUMN_BYTES:,})"
    )
    print(
        f"report on {report_rows:,} rows per side: peak RSS {h.fmt_mib(report_rss)} MiB "
        f"(target <= {h.fmt_mib(TARGET_RSS_BYTES)} MiB)"
    )
    path = h.save_results(
        "profile", {"machine": h.machine_info(), "runs": runs, "summary": summary}
    )
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

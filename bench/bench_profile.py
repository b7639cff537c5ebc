"""Profiling benchmark: throughput, flat memory, determinism, against whylogs and the read.

On the seeded drift workload (bench/workload.py: 20 float and 5 string columns), each
step runs as its own process (bench/_harness.py measures wall time, CPU time and peak
RSS of the process tree from outside; the child also reports its own time, imports
excluded, parquet reading included). For each size N (rows per side; default 1M and
10M, ``--sizes 1 10 50`` adds the 50M case), the N rows are the 1M-row files read N/1M
times, streamed on the fly, so no 2.5 GB of parquet is written:

- ``read``: the plain parquet read of N rows in batches (the floor);
- ``one-pass``: profile N current rows in one pass, no reference bins (what whylogs does);
- ``reference``: the two-pass reference profile of N rows (exact ranges, then exact
  counts on the grid that fixes the edges), saved as .wkp; its SHA-256 is printed;
- ``report``: ``report_from_profiles`` on N rows per side.

At 1M, the reference is profiled twice and the two .wkp files must be byte-identical,
and whylogs (latest, in bench/.venvs/whylogs, as bench/bench_whylogs.py installs it)
profiles the same current file in the same kind of process (``--no-whylogs`` skips it).
The targets (issue 14): one pass >= 1M rows/s on 2 cores, reading included; peak RSS of
the reference at 10M within 1.25x of 1M and under 768 MiB; ``report`` on 10M rows per
side under 1 GiB. The load average is printed beside every step: the machine is shared.

    python bench/bench_profile.py [--sizes 1 10 [50]] [--no-whylogs]
    python bench/bench_profile.py --quick   # 1M rows only, whylogs on 100,000

``--quick`` gives whylogs the 100,000-row current file of the same workload (on 1M it
took 80 s under load 5-7, most of a quick run) and saves profile-quick-*.json.
"""

from __future__ import annotations

import argparse
import hashlib
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
QUICK_PEER_ROWS = 100_000
BATCH_ROWS = 65_536
TARGET_ROWS_PER_SECOND = 1_000_000
TARGET_PROFILE_RSS_BYTES = 768 * 2**20
TARGET_RSS_GROWTH = 1.25
TARGET_REPORT_RSS_BYTES = 2**30
WHYLOGS_REQUIREMENTS = ["whylogs", "numpy<2", "pandas<3", "pyarrow<20"]
PEER_SCRIPT = h.BENCH_DIR / "peers" / "whylogs_profile.py"


def _child(kind: str, args: list[str]) -> int:
    """One measured step, in its own process; prints a JSON line of its own figures."""
    import pyarrow.parquet as pq

    from watchkeeper.profile import profile_source
    from watchkeeper.report._from_profiles import report_from_profiles

    repeat = int(args[1])
    start, cpu_start = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {}
    if kind == "read":
        rows = 0
        for _ in range(repeat):
            for batch in pq.ParquetFile(args[0]).iter_batches(BATCH_ROWS, use_threads=False):
                rows += batch.num_rows
        out["rows"] = rows
    elif kind == "one-pass":
        out["rows"] = profile_source([args[0]] * repeat, bins_from={}).n_rows
    elif kind == "reference":
        profile = profile_source([args[0]] * repeat)
        data = profile.to_bytes()
        Path(args[2]).write_bytes(data)
        out["rows"] = profile.n_rows
        out["sha256"] = hashlib.sha256(data).hexdigest()
        out["file_bytes"] = len(data)
    elif kind == "report":
        result = report_from_profiles([args[0]] * repeat, [args[2]] * repeat)
        out["rows"] = result.reference.n_rows
        out["drifted"] = result.drift.drifted_columns
    out["seconds"] = time.perf_counter() - start
    # CPU time of every thread of the process: on a shared machine wall time mostly
    # measures the neighbours; CPU time is what the work costs.
    out["cpu"] = time.process_time() - cpu_start
    print(json.dumps(out))
    return 0


def _measure(label: str, cmd: list[str]) -> dict[str, Any]:
    load = os.getloadavg()[0]
    print(f"[run] {label} ...", flush=True)
    m = h.measure(cmd, timeout=7200)
    if not m.ok:
        raise RuntimeError(f"{label} failed:\n{m.tail()}")
    inner = json.loads(m.stdout.strip().splitlines()[-1])
    return {"label": label, "load_1min": load, **m.to_json(), **inner}


def _wk(kind: str, size: int, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, args[0], str(size), *args[1:]]
    return _measure(f"{kind} {size * FILE_ROWS:,}", cmd)


def _row(run: dict[str, Any]) -> list[str]:
    return [
        run["label"],
        f"{run['seconds']:.1f}",
        f"{run['cpu']:.1f}",
        f"{run['rows'] / run['seconds']:,.0f}",
        f"{run['rows'] / run['cpu']:,.0f}",
        h.fmt_mib(run["peak_rss_bytes"]),
        f"{run['load_1min']:.1f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10], help="millions of rows")
    parser.add_argument("--no-whylogs", action="store_true", help="skip the peer")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes, for a smoke run: 1M rows only, whylogs on 100,000",
    )
    options = parser.parse_args(argv)
    if options.quick:
        # The smallest size keeps every step, the byte-identity check and whylogs at 1M.
        options.sizes = [min(options.sizes)]
    if options.child:
        return _child(options.child[0], options.child[1:])
    folder = workload.ensure_workload(FILE_ROWS)
    ref_file, cur_file = str(folder / "reference.parquet"), str(folder / "current.parquet")
    runs: list[dict[str, Any]] = []
    by_size: dict[int, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(options.sizes):
            wkp = str(Path(tmp) / f"reference-{size}.wkp")
            steps = {
                "read": _wk("read", size, cur_file),
                "one-pass": _wk("one-pass", size, cur_file),
                "reference": _wk("reference", size, ref_file, wkp),
                "report": _wk("report", size, ref_file, cur_file),
            }
            if size == 1:
                steps["reference-again"] = _wk("reference", size, ref_file, wkp + ".again")
            by_size[size] = steps
            runs.extend(steps.values())
        if not options.no_whylogs:
            python = h.ensure_venv("whylogs", WHYLOGS_REQUIREMENTS)
            version = h.installed_version("whylogs", "whylogs")
            peer_rows = QUICK_PEER_ROWS if options.quick else FILE_ROWS
            peer_file = str(workload.ensure_workload(peer_rows) / "current.parquet")
            runs.append(
                _measure(
                    f"whylogs {version} one-pass {peer_rows:,}",
                    [str(python), str(PEER_SCRIPT), str(BATCH_ROWS), peer_file],
                )
            )
    h.print_table(
        "profiling (s and cpu s from the child: reading included, imports excluded)",
        ["step", "s", "cpu s", "rows/s", "rows/cpu s", "peak MiB", "load"],
        [_row(run) for run in runs],
    )
    summary = _summary(by_size, runs)
    print()
    for line in summary["lines"]:
        print(line)
    path = h.save_results(
        "profile",
        {"machine": h.machine_info(), "runs": runs, **summary},
        quick=options.quick,
    )
    print(f"results: {path}")
    return 0


def _summary(
    by_size: dict[int, dict[str, dict[str, Any]]], runs: list[dict[str, Any]]
) -> dict[str, Any]:
    lines = []
    out: dict[str, Any] = {}
    for size, steps in by_size.items():
        one = steps["one-pass"]
        rate = one["rows"] / one["seconds"]
        lines.append(
            f"{size}M rows: one pass {rate:,.0f} rows/s wall, "
            f"{one['rows'] / one['cpu']:,.0f} rows per CPU s (target >= "
            f"{TARGET_ROWS_PER_SECOND:,}; plain read "
            f"{steps['read']['rows'] / steps['read']['seconds']:,.0f} rows/s); reference "
            f"peak {h.fmt_mib(steps['reference']['peak_rss_bytes'])} MiB; report "
            f"{size}M per side peak {h.fmt_mib(steps['report']['peak_rss_bytes'])} MiB "
            f"(target < {h.fmt_mib(TARGET_REPORT_RSS_BYTES)}); load {one['load_1min']:.1f}"
        )
        out[f"one_pass_rows_per_second_{size}m"] = rate
        out[f"reference_peak_rss_{size}m"] = steps["reference"]["peak_rss_bytes"]
        out[f"report_peak_rss_{size}m"] = steps["report"]["peak_rss_bytes"]
    if 1 in by_size:
        first, again = by_size[1]["reference"], by_size[1]["reference-again"]
        same = first["sha256"] == again["sha256"]
        out["byte_identical"] = same
        lines.append(
            f"two reference runs on 1M rows: sha256 {first['sha256'][:16]}... and "
            f"{again['sha256'][:16]}...: {'byte-identical' if same else 'DIFFERENT'}"
        )
        for size in by_size:
            if size != 1:
                growth = out[f"reference_peak_rss_{size}m"] / out["reference_peak_rss_1m"]
                lines.append(
                    f"reference peak RSS {size}M / 1M: {growth:.2f}x (target <= "
                    f"{TARGET_RSS_GROWTH}x and < {h.fmt_mib(TARGET_PROFILE_RSS_BYTES)} MiB)"
                )
    peer = [run for run in runs if run["label"].startswith("whylogs")]
    if peer:
        why = peer[0]
        lines.append(
            f"{why['label']}: {why['rows'] / why['seconds']:,.0f} rows/s wall, "
            f"{why['rows'] / why['cpu']:,.0f} rows per CPU s, peak "
            f"{h.fmt_mib(why['peak_rss_bytes'])} MiB"
        )
    out["lines"] = lines
    return out


if __name__ == "__main__":
    sys.exit(main())

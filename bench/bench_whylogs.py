"""Profiling against whylogs: rows per second, profile size per column, 10M rows per side.

Same files, same script: the seeded drift workload (bench/workload.py: 1M-row parquet
files, 20 float and 5 string columns). Every step runs as its own measured process
(bench/_harness.py: wall time, CPU time, peak RSS of the process tree); the child also
reports its own profiling time, which includes reading the parquet batches but not
interpreter start-up or imports.

- ``wk one-pass``: watchkeeper, one pass without reference bins (what whylogs does);
- ``wk reference``: the two-pass reference profile (sketch, then exact counts on its
  1,000 edges), saved as .wkp;
- ``wk current``: one pass on the reference's bins;
- ``whylogs``: whylogs (latest, in bench/.venvs/whylogs) with its usual API,
  ``why.log(pandas=batch).view()`` per batch of 65,536 rows, views merged;
- ``wk spark``: ``watchkeeper.integrations.spark.profile`` in ``local[2]`` on the same
  rows split into 8 parquet files (Spark reads a file's single row group as one task),
  one pass and a two-pass reference; session start-up timed apart.

The per-side runs read the 1M-row files 10 times (10M rows per side);
``--whylogs-rows 10000000`` runs whylogs on 10M rows too (about 5 minutes of CPU).
``--quick`` runs every step once on the 100,000-row files of the same workload (whylogs
on 1M rows took 66 s under load 5-7; Spark's session start-up, about 30 s, stays).

    python bench/bench_whylogs.py [--quick] [--whylogs-rows N]
    python bench/bench_whylogs.py --quick   # 100,000 rows per step, results whylogs-quick-*.json
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
QUICK_FILE_ROWS = 100_000
BATCH_ROWS = 65_536
# whylogs 1.6 uses np.unicode_ (removed in numpy 2); pyarrow 20+ needs numpy 2.
WHYLOGS_REQUIREMENTS = ["whylogs", "numpy<2", "pandas<3", "pyarrow<20"]
PEER_SCRIPT = h.BENCH_DIR / "peers" / "whylogs_profile.py"
SPARK_FILES = 8
TARGET_OVER_WHYLOGS = 10.0
TARGET_COLUMN_BYTES = 30_000
TARGET_RSS_BYTES = int(1.5 * 2**30)


def _column_sizes(profile: Any) -> dict[str, int]:
    """Bytes of each column's profile serialized alone (header and schema included)."""
    from watchkeeper.profile import Profile

    return {
        name: len(Profile(profile.schema, profile.n_rows, {name: col}).to_bytes())
        for name, col in profile.columns.items()
    }


def _child_watchkeeper(kind: str, args: list[str]) -> dict[str, Any]:
    from watchkeeper.profile import Profile, profile_source

    start, cpu_start = time.perf_counter(), time.process_time()
    repeat = int(args[1])
    if kind == "one-pass":
        profile = profile_source([args[0]] * repeat, bins_from={}, batch_size=BATCH_ROWS)
    elif kind == "reference":
        profile = profile_source([args[0]] * repeat, batch_size=BATCH_ROWS)
        profile.save(args[2])
    else:
        reference = Profile.load(args[2])
        profile = profile_source([args[0]] * repeat, bins_from=reference, batch_size=BATCH_ROWS)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "rows": profile.n_rows,
        "seconds": seconds,
        "cpu": cpu,
        "column_bytes": _column_sizes(profile),
        "profile_bytes": len(profile.to_bytes()),
    }


def _count_rows(batches: Any) -> Any:
    """Spark's floor: hand every Arrow batch to Python and only count its rows."""
    import pyarrow as pa

    n = sum(batch.num_rows for batch in batches)
    yield pa.RecordBatch.from_pydict({"rows": [n]})


def _child_spark(args: list[str]) -> dict[str, Any]:
    import pyarrow.parquet as pq

    folder = Path(args[1])
    table = pq.read_table(args[0])
    step = -(-table.num_rows // SPARK_FILES)
    for index in range(SPARK_FILES):
        pq.write_table(table.slice(index * step, step), folder / f"part-{index}.parquet")
    del table
    start = time.perf_counter()
    from pyspark.sql import SparkSession

    from watchkeeper.integrations.spark import profile

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("watchkeeper-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.parquet(str(folder))
    partitions = df.rdd.getNumPartitions()
    startup = time.perf_counter() - start
    out: dict[str, Any] = {"startup_seconds": startup, "partitions": partitions}
    # Twice: the first run also starts and warms the Python workers.
    for kind in ("count-cold", "count"):
        began = time.perf_counter()
        counted = sum(row[0] for row in df.mapInArrow(_count_rows, "rows long").collect())
        out[kind] = {"rows": counted, "seconds": time.perf_counter() - began}
    for kind, bins in (("one-pass", {}), ("reference", None)):
        began = time.perf_counter()
        result = profile(df, bins_from=bins)
        out[kind] = {"rows": result.n_rows, "seconds": time.perf_counter() - began}
    spark.stop()
    return out


def _child(kind: str, args: list[str]) -> int:
    out = _child_spark(args) if kind == "spark" else _child_watchkeeper(kind, args)
    print(json.dumps(out))
    return 0


def _measure(label: str, cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    load = os.getloadavg()[0]
    print(f"[run] {label} ...", flush=True)
    m = h.measure(cmd, env=env, timeout=3600)
    if not m.ok:
        raise RuntimeError(f"{label} failed:\n{m.tail()}")
    inner = json.loads(m.stdout.strip().splitlines()[-1])
    return {"label": label, "load_1min": load, **m.to_json(), **inner}


def _wk(kind: str, file_rows: int, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", kind, *args]
    return _measure(f"wk {kind} ({int(args[1]) * file_rows:,} rows)", cmd)


def _sizes(run: dict[str, Any], prefix: str) -> list[int]:
    return [size for name, size in run["column_bytes"].items() if name.startswith(prefix)]


def _mean(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="the 100,000-row files, each step once, not 1M/10M"
    )
    parser.add_argument(
        "--whylogs-rows", type=int, help="a multiple of the file's rows (default: one file)"
    )
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark figure")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        return _child(options.child[0], options.child[1:])
    file_rows = QUICK_FILE_ROWS if options.quick else FILE_ROWS
    folder = workload.ensure_workload(file_rows)
    ref_file, cur_file = str(folder / "reference.parquet"), str(folder / "current.parquet")
    side_repeat = 1 if options.quick else 10
    whylogs_python = h.ensure_venv("whylogs", WHYLOGS_REQUIREMENTS)
    whylogs_version = h.installed_version("whylogs", "whylogs")
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wkp = str(Path(tmp) / "reference.wkp")
        big_wkp = str(Path(tmp) / "reference-big.wkp")
        runs["one-pass"] = _wk("one-pass", file_rows, cur_file, "1")
        runs["reference"] = _wk("reference", file_rows, ref_file, "1", wkp)
        runs["current"] = _wk("current", file_rows, cur_file, "1", wkp)
        repeat = max(1, (options.whylogs_rows or file_rows) // file_rows)
        runs["whylogs"] = _measure(
            f"whylogs {whylogs_version} ({repeat * file_rows:,} rows)",
            [str(whylogs_python), str(PEER_SCRIPT), str(BATCH_ROWS), *[cur_file] * repeat],
        )
        if side_repeat > 1:
            runs["reference-side"] = _wk(
                "reference", file_rows, ref_file, str(side_repeat), big_wkp
            )
            runs["current-side"] = _wk("current", file_rows, cur_file, str(side_repeat), big_wkp)
        else:
            runs["reference-side"], runs["current-side"] = runs["reference"], runs["current"]
        if not options.no_spark:
            env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
            spark_dir = Path(tmp) / "spark"
            spark_dir.mkdir()
            cmd = [sys.executable, __file__, "--child", "spark", cur_file, str(spark_dir)]
            runs["spark"] = _measure(f"wk spark local[2] ({file_rows:,} rows)", cmd, env=env)
    _print(runs, whylogs_version)
    path = h.save_results(
        "whylogs",
        {
            "machine": h.machine_info(),
            "whylogs_requirements": WHYLOGS_REQUIREMENTS,
            "whylogs_version": whylogs_version,
            "runs": runs,
            "summary": _summary(runs),
        },
        quick=options.quick,
    )
    print(f"results: {path}")
    return 0


def _summary(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    wk, why = runs["one-pass"], runs["whylogs"]
    summary: dict[str, Any] = {
        "wk_rows_per_second": wk["rows"] / wk["seconds"],
        "wk_rows_per_cpu_second": wk["rows"] / wk["cpu"],
        "whylogs_rows_per_second": why["rows"] / why["seconds"],
        "whylogs_rows_per_cpu_second": why["rows"] / why["cpu"],
        "wk_numeric_column_bytes_reference": _mean(_sizes(runs["reference"], "num_")),
        "wk_numeric_column_bytes_one_pass": _mean(_sizes(wk, "num_")),
        "wk_string_column_bytes": _mean(_sizes(runs["reference"], "cat_")),
        "whylogs_numeric_column_bytes": _mean(_sizes(why, "num_")),
        "whylogs_string_column_bytes": _mean(_sizes(why, "cat_")),
    }
    summary["over_whylogs_wall"] = (
        summary["wk_rows_per_second"] / summary["whylogs_rows_per_second"]
    )
    summary["over_whylogs_cpu"] = (
        summary["wk_rows_per_cpu_second"] / summary["whylogs_rows_per_cpu_second"]
    )
    for side in ("reference-side", "current-side"):
        summary[f"{side}_rows"] = runs[side]["rows"]
        summary[f"{side}_wall_seconds"] = runs[side]["wall_seconds"]
        summary[f"{side}_peak_rss_bytes"] = runs[side]["peak_rss_bytes"]
    if "spark" in runs:
        spark = runs["spark"]
        summary["spark_one_pass_rows_per_second"] = (
            spark["one-pass"]["rows"] / spark["one-pass"]["seconds"]
        )
        summary["spark_reference_rows_per_second"] = (
            spark["reference"]["rows"] / spark["reference"]["seconds"]
        )
    return summary


def _print(runs: dict[str, dict[str, Any]], whylogs_version: str | None) -> None:
    rows = []
    for key, run in runs.items():
        if key == "spark" or (key.endswith("-side") and run is runs[key.split("-")[0]]):
            continue
        rows.append(
            [
                run["label"],
                f"{run['seconds']:.1f}",
                f"{run['cpu']:.1f}",
                f"{run['rows'] / run['seconds']:,.0f}",
                f"{run['rows'] / run['cpu']:,.0f}",
                h.fmt_seconds(run["wall_seconds"]),
                h.fmt_mib(run["peak_rss_bytes"]),
                f"{run['load_1min']:.1f}",
            ]
        )
    h.print_table(
        "profiling (profile s / cpu s from the child, reading included, imports excluded)",
        ["run", "profile s", "cpu s", "rows/s", "rows/cpu s", "wall s", "peak MiB", "load"],
        rows,
    )
    s = _summary(runs)
    print(
        f"\nthroughput: watchkeeper {s['wk_rows_per_second']:,.0f} rows/s, whylogs "
        f"{whylogs_version} {s['whylogs_rows_per_second']:,.0f} rows/s: "
        f"{s['over_whylogs_wall']:.1f}x by wall time, {s['over_whylogs_cpu']:.1f}x by CPU "
        f"time (target {TARGET_OVER_WHYLOGS:.0f}x)"
    )
    print(
        f"bytes per numeric column: watchkeeper {s['wk_numeric_column_bytes_reference']:,.0f}"
        f" (reference, 1,000-bin histogram) / {s['wk_numeric_column_bytes_one_pass']:,.0f} "
        f"(one pass), whylogs {s['whylogs_numeric_column_bytes']:,.0f} "
        f"(target <= {TARGET_COLUMN_BYTES:,}); per string column: watchkeeper "
        f"{s['wk_string_column_bytes']:,.0f}, whylogs {s['whylogs_string_column_bytes']:,.0f}"
    )
    for side in ("reference-side", "current-side"):
        print(
            f"{side.split('-')[0]} side, {s[f'{side}_rows']:,} rows: wall "
            f"{s[f'{side}_wall_seconds']:.1f} s, peak RSS "
            f"{h.fmt_mib(s[f'{side}_peak_rss_bytes'])} MiB "
            f"(target <= {h.fmt_mib(TARGET_RSS_BYTES)} MiB)"
        )
    if "spark" in runs:
        spark = runs["spark"]
        floor = spark["count"]["rows"] / spark["count"]["seconds"]
        print(
            f"spark local[2], {spark['partitions']} partitions: one pass "
            f"{s['spark_one_pass_rows_per_second']:,.0f} rows/s (Spark handing the Arrow "
            f"batches to Python and counting rows alone: {floor:,.0f} rows/s), reference "
            "(two jobs) "
            f"{s['spark_reference_rows_per_second']:,.0f} rows/s; session start-up "
            f"{spark['startup_seconds']:.1f} s, whole process {spark['wall_seconds']:.1f} s, "
            f"peak RSS (JVM and Python workers) {h.fmt_mib(spark['peak_rss_bytes'])} MiB"
        )


if __name__ == "__main__":
    sys.exit(main())

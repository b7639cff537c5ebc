"""Spark performance profiles (late labels joined in the lake) against two peers, same run.

    python bench/bench_spark_performance.py [--rows 400000] [--json OUT]
    python bench/bench_spark_performance.py --quick   # 50,000 rows, 1 timed run each

A lake of ``--rows`` binary-classifier predictions over 24 hours in 4 regions, and
labels for 80 % of them, shuffled, as parquet. Timed, each after one warm-up run:

- ``watchkeeper``: ``performance_profiles(..., segment_columns=["region"])`` in
  ``local[2]``: the join, then per (window, segment) the confusion matrix and 1,000-bin
  score histograms on the executors (``mapInArrow``), merged on the driver;
- ``spark groupBy``: the peer a Spark user writes without watchkeeper, the same join and
  ``groupBy(window, region, label, pred).count()``: the confusion matrices only (no
  score histograms, so no ROC AUC);
- ``single process``: pyarrow's join and ``classification_profile`` per (window,
  segment) in this process (the same profiles, no Spark).

Reported: seconds (median of ``--repeat``) and labelled rows per second; the profiles
of the first and third are checked equal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from watchkeeper.performance._profiles import classification_profile

START = datetime(2026, 11, 1, tzinfo=UTC)


def make_lake(root: Path, rows: int, seed: int = 0) -> int:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, rows)
    proba = np.clip(0.35 * y + 0.65 * rng.random(rows), 0, 1)
    seconds = rng.integers(0, 24 * 3600, rows)
    ts = pa.array(np.datetime64(START.replace(tzinfo=None), "us") + seconds * 1_000_000)
    pq.write_table(
        pa.table({"id": np.arange(rows), "ts": ts.cast(pa.timestamp("us", "UTC")),
                  "pred": (proba > 0.5).astype(np.int64), "proba": proba,
                  "region": rng.choice(["eu", "us", "apac", "latam"], rows)}),
        root / "predictions.parquet",
    )  # fmt: skip
    labelled = rng.permutation(rows)[: int(0.8 * rows)]
    pq.write_table(pa.table({"id": labelled, "label": y[labelled]}), root / "labels.parquet")
    return len(labelled)


def single_process(root: Path) -> dict[tuple[int, str], Any]:
    predictions = pq.read_table(root / "predictions.parquet")
    joined = predictions.join(pq.read_table(root / "labels.parquet"), "id", join_type="inner")
    micros = pc.cast(joined.column("ts"), pa.int64()).to_numpy()
    window = micros - micros % 3_600_000_000
    region = np.asarray(joined.column("region").to_pylist(), dtype=object)
    y, pred = joined.column("label").to_numpy(), joined.column("pred").to_numpy()
    proba = joined.column("proba").to_numpy()
    out = {}
    keys = {(int(w), str(r)) for w, r in zip(window, region, strict=True)}
    for w, r in sorted(keys):
        rows = (window == w) & (region == r)
        out[(w, f"region={r}")] = classification_profile(
            y[rows], pred[rows], proba[rows], classes=[0, 1]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes, for a smoke run: 50,000 rows, 1 timed run each",
    )
    args = parser.parse_args()
    if args.quick:
        # Starting Spark and the warm-ups take most of a quick run (~30 s here).
        args.rows, args.repeat = min(args.rows, 50_000), min(args.repeat, 1)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from watchkeeper.integrations.spark import performance_profiles
    from watchkeeper.integrations.spark._monitor import window_expression

    spark = (
        SparkSession.builder.master("local[2]").appName("bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC").getOrCreate()
    )  # fmt: skip
    spark.sparkContext.setLogLevel("ERROR")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        labelled = make_lake(root, args.rows)
        predictions = spark.read.parquet(str(root / "predictions.parquet"))
        labels = spark.read.parquet(str(root / "labels.parquet"))

        def ours() -> Any:
            return performance_profiles(
                predictions, labels, on="id", time_column="ts", target="label",
                prediction="pred", classes=[0, 1], scores=["proba"], window="1h",
                segment_columns=["region"],
            )  # fmt: skip

        def group_by() -> Any:
            return (
                predictions.join(labels, "id")
                .withColumn("w", window_expression("ts", 3_600_000_000))
                .groupBy("w", "region", "label", "pred").count().collect()
            )  # fmt: skip

        runs: dict[str, list[float]] = {"watchkeeper": [], "spark groupBy": [],
                                        "single process": []}  # fmt: skip
        results: dict[str, Any] = {}
        for name, job in (("watchkeeper", ours), ("spark groupBy", group_by),
                          ("single process", lambda: single_process(root))):  # fmt: skip
            job()  # warm-up: JIT of the JVM, Python workers started
            for _ in range(args.repeat):
                began = time.perf_counter()
                results[name] = job()
                runs[name].append(time.perf_counter() - began)
        spark.stop()
    found = results["watchkeeper"]
    local = results["single process"]
    for (start, segment), profile in found.items():
        if segment is None:
            continue
        micros = (start - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        assert profile == local[(micros, segment)], (start, segment)
    report = {
        "rows": args.rows,
        "labelled_rows": labelled,
        "windows_x_segments": len(local),
        "seconds": {k: statistics.median(v) for k, v in runs.items()},
    }
    report["rows_per_second"] = {k: labelled / s for k, s in report["seconds"].items()}
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""whylogs' side of bench/bench_whylogs.py; runs in bench/.venvs/whylogs.

Reads the parquet files in batches (pyarrow, as watchkeeper does), hands each batch to
whylogs as a pandas frame with its usual API (``why.log(pandas=frame).view()``), merges
the views, and prints one JSON line: rows, seconds and CPU seconds (reading included, as
on watchkeeper's side), and the serialized size of each column's profile.

    python whylogs_profile.py BATCH_ROWS FILE [FILE ...]
"""

from __future__ import annotations

import json
import sys
import time

import pyarrow.parquet as pq
import whylogs as why


def main(argv: list[str]) -> int:
    batch_rows, paths = int(argv[0]), argv[1:]
    start, cpu_start = time.perf_counter(), time.process_time()
    merged = None
    rows = 0
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            frame = batch.to_pandas()
            view = why.log(pandas=frame).view()
            merged = view if merged is None else merged.merge(view)
            rows += len(frame)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert merged is not None
    sizes = {
        name: len(merged.get_column(name).to_protobuf().SerializeToString())
        for name in merged.get_columns()
    }
    counted = merged.get_column(next(iter(sizes))).get_metric("counts").n.value
    print(
        json.dumps(
            {
                "rows": rows,
                "rows_counted": counted,
                "seconds": seconds,
                "cpu": cpu,
                "column_bytes": sizes,
                "profile_bytes": len(merged.serialize()),
                "whylogs": why.__version__,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The memory floor: read both parquet files into Arrow tables and hold them, nothing else.

bench_drift.py measures this script's peak RSS to judge "peak RSS within 1.5x of what
reading both files takes": any tool that looks at every value of both files has to
hold at least this much (or stream, and then it can beat it).

    python bench/peers/read_arrow.py REFERENCE.parquet CURRENT.parquet
"""

from __future__ import annotations

import sys

import pyarrow.parquet as pq


def main(argv: list[str]) -> int:
    tables = [pq.read_table(path) for path in argv]
    print(" ".join(f"{t.num_rows}x{t.num_columns}:{t.nbytes}" for t in tables))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""whylogs' side of bench/bench_billion.py; runs in bench/.venvs/whylogs.

Draws the first window's chunks exactly as bench/_billion.py does (the same seeded
generator per segment: 20 N(0, 1) features), hands each chunk to whylogs as a pandas
frame with its usual API (``why.log(pandas=frame).view()``), merges the views and
prints one JSON line: rows, CPU seconds of profiling alone (generation excluded, as on
watchkeeper's side) and per million rows, and the merged profile's serialized size.

    python whylogs_chunks.py ROWS SEED SEGMENTS
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
import whylogs as why

N_FEATURES = 20


def main(argv: list[str]) -> int:
    rows, seed, segments = (int(x) for x in argv[:3])
    base, extra = divmod(rows, segments)
    cpu = wall = 0.0
    merged = None
    for s in range(segments):
        n = base + (1 if s < extra else 0)
        rng = np.random.default_rng([seed, 0, s])
        matrix = rng.standard_normal((n, N_FEATURES))
        frame = pd.DataFrame(matrix, columns=[f"x{i}" for i in range(N_FEATURES)])
        cpu0, wall0 = time.process_time(), time.perf_counter()
        view = why.log(pandas=frame).view()
        merged = view if merged is None else merged.merge(view)
        cpu += time.process_time() - cpu0
        wall += time.perf_counter() - wall0
    assert merged is not None
    counted = merged.get_column("x0").get_metric("counts").n.value
    print(
        json.dumps(
            {
                "rows": rows,
                "rows_counted": counted,
                "cpu_s": round(cpu, 2),
                "wall_s": round(wall, 2),
                "cpu_s_per_million": round(cpu / rows * 1e6, 2),
                "profile_bytes": len(merged.serialize()),
                "whylogs": why.__version__,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

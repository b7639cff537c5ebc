"""CBPE fit + estimate: watchkeeper against NannyML (latest) on the same data.

    python bench/bench_performance.py [--quick] [--no-peer]

Writes one seeded binary-classification data set (calibrated scores, covariate shift
in the analysis half) to bench/data/, times watchkeeper's CBPE fit + estimate in this
process, then NannyML's CBPE on the same parquet files in a subprocess run with the
interpreter of bench/.venvs/nannyml-perf (created with venv + pip on first use). Both
estimate the same six metrics on the same chunks. Prints wall times, their ratio, and
the largest difference between the two estimates per metric.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from watchkeeper.performance import CBPE, SizeChunker

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
VENV = ROOT / ".venvs" / "nannyml-perf"
PEER_PYTHON = VENV / "bin" / "python"
METRICS = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy"]

PEER_SCRIPT = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
import nannyml as nml
ref = pd.read_parquet(sys.argv[1]); ana = pd.read_parquet(sys.argv[2])
chunk, metrics = int(sys.argv[3]), sys.argv[4].split(",")
times = []
for _ in range(int(sys.argv[5])):
    start = time.perf_counter()
    est = nml.CBPE(problem_type="classification_binary", y_pred_proba="p", y_pred="pred",
                   y_true="y", metrics=metrics, chunk_size=chunk)
    est.fit(ref)
    result = est.estimate(ana)
    times.append(time.perf_counter() - start)
frame = result.filter(period="analysis").to_df()
values = {m: frame[(m, "value")].tolist() for m in metrics}
print(json.dumps({"version": nml.__version__, "times": times, "values": values}))
"""


def make_data(n: int) -> tuple[Path, Path]:
    """Reference and analysis parquet files of n rows each (seeded)."""
    DATA.mkdir(exist_ok=True)
    ref_path, ana_path = DATA / f"cbpe_ref_{n}.parquet", DATA / f"cbpe_ana_{n}.parquet"
    if not (ref_path.exists() and ana_path.exists()):
        rng = np.random.default_rng(42)
        for path, (a, b) in ((ref_path, (2.0, 2.0)), (ana_path, (2.5, 1.5))):
            p = rng.beta(a, b, n)
            table = pa.table({"p": p, "pred": (p > 0.5).astype(np.int64),
                              "y": rng.binomial(1, p).astype(np.int64)})  # fmt: skip
            pq.write_table(table, path)
    return ref_path, ana_path


def ensure_peer() -> None:
    """Create the NannyML virtualenv on first use."""
    if PEER_PYTHON.exists():
        return
    print(f"creating {VENV} and installing nannyml (first run only)...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(PEER_PYTHON), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "nannyml", "statsmodels", "pyarrow"], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k rows instead of 1M")
    parser.add_argument("--no-peer", action="store_true", help="skip NannyML")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    repeats = 3
    chunk = n // 10
    ref_path, ana_path = make_data(n)
    reference, analysis = pq.read_table(ref_path), pq.read_table(ana_path).drop_columns(["y"])

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        cbpe = CBPE(y_pred="pred", y_score="p", y_true="y", metrics=METRICS,
                    chunker=SizeChunker(chunk)).fit(reference)  # fmt: skip
        result = cbpe.estimate(analysis)
        times.append(time.perf_counter() - start)
    ours = {m: [c.value for c in result.metric(m).analysis] for m in METRICS}
    best = min(times)
    print(f"rows: reference {n:,} + analysis {n:,}, chunks of {chunk:,}, metrics {METRICS}")
    print(f"watchkeeper CBPE fit+estimate: best {best:.3f} s, median {np.median(times):.3f} s "
          f"of {repeats}")  # fmt: skip
    if args.no_peer:
        return 0
    ensure_peer()
    completed = subprocess.run(
        [str(PEER_PYTHON), "-c", PEER_SCRIPT, str(ref_path), str(ana_path), str(chunk),
         ",".join(METRICS), str(repeats)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    peer = json.loads(completed.stdout.strip().splitlines()[-1])
    peer_best = min(peer["times"])
    print(f"NannyML {peer['version']} CBPE fit+estimate: best {peer_best:.3f} s, "
          f"median {np.median(peer['times']):.3f} s of {repeats}")  # fmt: skip
    print(f"ratio NannyML / watchkeeper: {peer_best / best:.1f}x")
    for metric in METRICS:
        gap = np.max(np.abs(np.array(ours[metric]) - np.array(peer["values"][metric])))
        print(f"  {metric:<12} largest |watchkeeper - NannyML| over chunks: {gap:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

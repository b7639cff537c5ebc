"""Multivariate drift: watchkeeper's domain classifier against NannyML's, and fast MMD.

Usage: python bench/bench_multivariate.py [--quick] [--nannyml-jobs N]

The same seeded data (reference and analysis, ~20 correlated numeric features, a shift
injected in the second half of the analysis) is written to parquet once; watchkeeper
reads it here, NannyML (its own virtualenv, bench/.venvs/nannyml-mv, created on first
use with ``python3 -m venv`` + pip) reads the same files in a subprocess. Both cut
chunks of the same size. Printed: wall times, the ratio, and both sets of per-chunk
AUCs. Then the random-Fourier-feature MMD is timed at 1M rows per side, and its
statistic is compared with the exact one on a subsample.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venvs" / "nannyml-mv"

NANNYML_SCRIPT = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
import nannyml as nml
ref = pd.read_parquet(sys.argv[1]); cur = pd.read_parquet(sys.argv[2])
chunk_size, n_jobs = int(sys.argv[3]), int(sys.argv[4])
from nannyml.drift.multivariate.domain_classifier.calculator import DEFAULT_LGBM_HYPERPARAMS
params = {**DEFAULT_LGBM_HYPERPARAMS, "n_jobs": n_jobs}
start = time.perf_counter()
calc = nml.DomainClassifierCalculator(
    feature_column_names=list(ref.columns), chunk_size=chunk_size, hyperparameters=params
)
calc.fit(ref)
result = calc.calculate(cur).to_df()
seconds = time.perf_counter() - start
values = result[("domain_classifier_auroc", "value")].tolist()
periods = result[("chunk", "period")].tolist()
print(json.dumps({"seconds": seconds, "auc": values, "period": periods,
                  "version": nml.__version__}))
"""


def make_data(n_ref: int, n_cur: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(d, d)) / np.sqrt(d)
    ref = rng.normal(size=(n_ref, d)) @ mix
    cur = rng.normal(size=(n_cur, d)) @ mix
    half = n_cur // 2
    cur[half:, 0] += 0.25 * ref[:, 0].std()  # a mean shift of a quarter sd
    cur[half:, 3] *= 1.3  # and a wider spread
    return ref, cur


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "nannyml", "pyarrow", "statsmodels"],
            check=True,
        )
    return python


def run_nannyml(ref_path: Path, cur_path: Path, chunk_size: int, n_jobs: int) -> dict[str, object]:
    python = ensure_venv()
    env = dict(os.environ, NML_DISABLE_USAGE_LOGGING="1")
    out = subprocess.run(
        [
            str(python),
            "-c",
            NANNYML_SCRIPT,
            str(ref_path),
            str(cur_path),
            str(chunk_size),
            str(n_jobs),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    data: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def bench_domain_classifier(quick: bool, nannyml_jobs: int) -> None:
    from watchkeeper.multivariate import domain_classifier_drift

    # NannyML fits 5 LightGBM models (100 trees each) per chunk, reference chunks
    # included, so its time is mostly chunks x 5 fits: the quick run cuts 4 chunks a side
    # (40 fits) of 4,000 rows, where 10 a side of 10,000 took 365 s under load 5-7.
    n = 4_000 if quick else 50_000
    n_chunks = 4 if quick else 10
    chunk_size = n // n_chunks
    ref, cur = make_data(n, n, 20, seed=7)
    names = [f"f{i:02d}" for i in range(ref.shape[1])]
    with tempfile.TemporaryDirectory() as tmp:
        ref_path, cur_path = Path(tmp) / "reference.parquet", Path(tmp) / "analysis.parquet"
        pq.write_table(pa.table(dict(zip(names, ref.T, strict=True))), ref_path)
        pq.write_table(pa.table(dict(zip(names, cur.T, strict=True))), cur_path)
        ref_table, cur_table = pq.read_table(ref_path), pq.read_table(cur_path)
        timings = {}
        results = {}
        for n_jobs in (1, 2):
            start = time.perf_counter()
            results[n_jobs] = domain_classifier_drift(
                ref_table, cur_table, chunk_size=chunk_size, n_jobs=n_jobs
            )
            timings[n_jobs] = time.perf_counter() - start
        nml = run_nannyml(ref_path, cur_path, chunk_size, nannyml_jobs)
    ours = [c.value for c in results[1].chunks]
    auc_list = nml["auc"]
    assert isinstance(auc_list, list)
    theirs = [float(v) for v in auc_list]
    nml_seconds = float(str(nml["seconds"]))
    print(
        f"domain classifier: {n:,} reference + {n:,} analysis rows, 20 features, "
        f"chunks of {chunk_size:,}; NannyML {nml['version']} (LightGBM n_jobs={nannyml_jobs})"
    )
    print(f"  watchkeeper n_jobs=1 {timings[1]:7.2f} s   n_jobs=2 {timings[2]:7.2f} s")
    print(f"  NannyML              {nml_seconds:7.2f} s")
    print(
        f"  ratio NannyML / watchkeeper: {nml_seconds / timings[1]:.1f}x (n_jobs=1), "
        f"{nml_seconds / timings[2]:.1f}x (n_jobs=2)"
    )
    print("  chunk  period      watchkeeper  NannyML")
    for i, (chunk, theirs_value) in enumerate(zip(results[1].chunks, theirs, strict=True)):
        print(f"  {i:5d}  {chunk.period:10s}  {chunk.value:11.4f}  {theirs_value:7.4f}")
    cur_ours, cur_theirs = np.array(ours[n_chunks:]), np.array(theirs[n_chunks:])
    print(
        f"  analysis mean AUC: watchkeeper {cur_ours.mean():.4f}, NannyML {cur_theirs.mean():.4f};"
        f" max |difference| {np.abs(cur_ours - cur_theirs).max():.4f}"
    )
    low, high = results[1].lower_threshold, results[1].upper_threshold
    alerts = [c.alert for c in results[1].current_chunks]
    print(f"  watchkeeper thresholds {low:.4f}..{high:.4f}, alerts {alerts}")


def bench_mmd(quick: bool) -> None:
    from watchkeeper.multivariate import mmd_rff_test, mmd_test

    n = 100_000 if quick else 1_000_000
    both, cur = make_data(2 * n, n, 20, seed=11)
    ref, same = both[:n], both[n:]  # two independent samples of the reference's law
    for label, current in (("shifted", cur), ("no shift", same)):
        start = time.perf_counter()
        result = mmd_rff_test(ref, current)
        seconds = time.perf_counter() - start
        print(
            f"MMD (random Fourier features, D=128): {n:,} + {n:,} rows x 20, {label}: "
            f"{seconds:.2f} s, MMD^2 {result.statistic:.5f}, p {result.p_value:.3g}"
        )
    # The approximation's error: RFF statistic over seeds against the exact statistic.
    sub_ref, sub_cur = ref[:2000], cur[:2000]
    exact = mmd_test(sub_ref, sub_cur, n_permutations=200)
    start = time.perf_counter()
    fast = [
        mmd_rff_test(sub_ref, sub_cur, bandwidth=exact.bandwidth, random_state=s).statistic
        for s in range(20)
    ]
    print(
        f"MMD exact on 2,000 + 2,000 rows: {exact.statistic:.5f} (p {exact.p_value:.3g}); "
        f"RFF over 20 seeds: mean {np.mean(fast):.5f}, sd {np.std(fast):.5f}, "
        f"max |error| {np.max(np.abs(np.array(fast) - exact.statistic)):.5f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="4,000 rows in 4 chunks a side, NannyML on 1 thread, and 100k MMD rows",
    )
    parser.add_argument(
        "--nannyml-jobs",
        type=int,
        default=None,
        help="LightGBM threads for NannyML (default -1, its own default, all cores; 1 with "
        "--quick: on a busy machine the threads wait for each other, one fit on 3,500 rows "
        "took 10 s with -1 and 1.1 s with 1 at load 6)",
    )
    args = parser.parse_args()
    nannyml_jobs = args.nannyml_jobs if args.nannyml_jobs is not None else (1 if args.quick else -1)
    bench_domain_classifier(args.quick, nannyml_jobs)
    bench_mmd(args.quick)


if __name__ == "__main__":
    main()

"""The plain-scipy drift script a user would write by hand: the speed baseline.

Reads both parquet files with pyarrow; on float columns runs the two-sample
Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``, its default method) and a population
stability index on 10 bins cut at the reference's deciles; on string columns runs the
chi-squared test of independence on the 2 x K table of category counts
(``scipy.stats.chi2_contingency``). A column is "drifted" when the test's p < 0.05, with
no correction for the 25 columns tested.

It does less than watchkeeper's report (no quality checks, no HTML, no effect-size policy,
no histograms), which is why it is the floor for speed, not the target for answers.

    python bench/peers/scipy_drift.py REFERENCE.parquet CURRENT.parquet --json OUT.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scipy import stats

ALPHA = 0.05
PSI_BINS = 10
# Empty bins would make the log infinite; 1e-4 is the usual floor in PSI write-ups.
PSI_FLOOR = 1e-4


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """Population stability index on bins cut at the reference's deciles."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, PSI_BINS + 1)[1:-1]))
    ref_counts = np.bincount(
        np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1
    )
    cur_counts = np.bincount(
        np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1
    )
    ref_share = np.maximum(ref_counts / ref_counts.sum(), PSI_FLOOR)
    cur_share = np.maximum(cur_counts / cur_counts.sum(), PSI_FLOOR)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def numeric_column(
    name: str, reference: pa.ChunkedArray, current: pa.ChunkedArray
) -> dict[str, object]:
    ref = reference.drop_null().to_numpy()
    cur = current.drop_null().to_numpy()
    result = stats.ks_2samp(ref, cur)
    return {
        "column": name,
        "kind": "numeric",
        "test": "ks_2samp",
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "psi": psi(ref, cur),
        "drifted": bool(result.pvalue < ALPHA),
    }


def categorical_column(
    name: str, reference: pa.ChunkedArray, current: pa.ChunkedArray
) -> dict[str, object]:
    ref_counts = {
        str(row["values"]): int(row["counts"])
        for row in pc.value_counts(reference.drop_null()).to_pylist()
    }
    cur_counts = {
        str(row["values"]): int(row["counts"])
        for row in pc.value_counts(current.drop_null()).to_pylist()
    }
    categories = sorted(set(ref_counts) | set(cur_counts))
    table = np.array(
        [[ref_counts.get(c, 0) for c in categories], [cur_counts.get(c, 0) for c in categories]]
    )
    result = stats.chi2_contingency(table)
    return {
        "column": name,
        "kind": "categorical",
        "test": "chi2_contingency",
        "statistic": float(result.statistic),
        "p_value": float(result.pvalue),
        "psi": None,
        "drifted": bool(result.pvalue < ALPHA),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KS + chi-squared + PSI drift with plain scipy")
    parser.add_argument("reference", type=Path)
    parser.add_argument("current", type=Path)
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    args = parser.parse_args(argv)

    reference = pq.read_table(args.reference)
    current = pq.read_table(args.current)
    columns = []
    for name in reference.column_names:
        kind = reference.schema.field(name).type
        if pa.types.is_floating(kind) or pa.types.is_integer(kind):
            columns.append(numeric_column(name, reference[name], current[name]))
        else:
            columns.append(categorical_column(name, reference[name], current[name]))
    output = {
        "tool": "scipy",
        "alpha": ALPHA,
        "columns": columns,
        "drifted": [c["column"] for c in columns if c["drifted"]],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

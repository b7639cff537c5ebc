"""The batch half of the demo: a loan model's reference and drifted traffic, reported.

Writes ``reference.parquet`` and ``current.parquet``, then the drift, quality and
performance report as JSON and HTML, and prints where they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from watchkeeper.report import report

__all__ = ["make_traffic", "run_batch"]


def make_traffic(n: int, *, drifted: bool | float, seed: int) -> pa.Table:
    """Loan-application traffic; ``drifted`` shifts income, age and channel mix.

    ``drifted`` may be a fraction between 0 and 1 for traffic that drifts gradually.

    >>> make_traffic(100, drifted=False, seed=1).num_rows
    100
    """
    rng = np.random.default_rng(seed)
    level = float(drifted)
    income = rng.lognormal(10.8 + 0.15 * level, 0.4, n)
    age = rng.normal(41 + 4 * level, 11, n).clip(18, 90).round()
    debt_ratio = rng.beta(2, 5, n)
    channels = ["web", "branch", "partner", "phone"]
    before, after = np.array([0.5, 0.25, 0.15, 0.1]), np.array([0.35, 0.25, 0.25, 0.15])
    channel = rng.choice(channels, n, p=(1 - level) * before + level * after)
    region = rng.choice(["north", "south", "east", "west"], n)
    # The model's probability that an application is approved; the labels follow it,
    # except in drifted traffic, where the world changed under the model (concept drift).
    score = 1 / (1 + np.exp(-(2.0 - 3.5 * debt_ratio + (income - 50_000) / 40_000)))
    truth = np.clip(score - 0.25 * level * (channel == "partner"), 0, 1)
    approved = (rng.random(n) < truth).astype(np.int64)
    # A broken upstream join: some debt ratios arrive missing.
    debt_ratio[rng.random(n) < 0.08 * level] = np.nan
    return pa.table(
        {
            "application_id": np.arange(n) + (10_000_000 if level else 0),
            "income": income.round(2),
            "age": age,
            "debt_ratio": debt_ratio,
            "channel": channel,
            "region": region,
            "score": score,
            "prediction": (score >= 0.5).astype(np.int64),
            "target": approved,
        }
    )


def run_batch(output: str | Path = "demo-output") -> Path:
    """Write the demo data and reports into ``output``; returns the HTML report's path."""
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(make_traffic(50_000, drifted=False, seed=1), folder / "reference.parquet")
    pq.write_table(make_traffic(50_000, drifted=True, seed=2), folder / "current.parquet")
    result = report(
        folder / "reference.parquet",
        folder / "current.parquet",
        schema={"id": "application_id", "scores": ["score"]},
        progress=sys.stderr.isatty(),
    )
    json_path = result.save_json(folder / "report.json")
    html_path = result.save_html(folder / "report.html")
    print(result.summary(color=sys.stdout.isatty()))
    print()
    print(f"JSON report: {json_path.resolve()}")
    print(f"HTML report: {html_path.resolve()}  (open it in a browser; it works offline)")
    return html_path

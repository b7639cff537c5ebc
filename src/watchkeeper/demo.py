"""``make demo``: a simulated model's reference and drifted traffic, reported end to end.

Writes ``demo-output/reference.parquet`` and ``demo-output/current.parquet``, then the
drift and quality report as JSON and HTML, and prints where they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from watchkeeper.report import report

__all__ = ["main", "make_traffic"]


def make_traffic(n: int, *, drifted: bool, seed: int) -> pa.Table:
    """Loan-application traffic; ``drifted`` shifts income, age and channel mix.

    >>> make_traffic(100, drifted=False, seed=1).num_rows
    100
    """
    rng = np.random.default_rng(seed)
    income = rng.lognormal(10.8 + (0.15 if drifted else 0.0), 0.4, n)
    age = rng.normal(41 + (4 if drifted else 0), 11, n).clip(18, 90).round()
    debt_ratio = rng.beta(2, 5, n)
    channels = ["web", "branch", "partner", "phone"]
    shares = [0.35, 0.25, 0.25, 0.15] if drifted else [0.5, 0.25, 0.15, 0.1]
    channel = rng.choice(channels, n, p=shares)
    region = rng.choice(["north", "south", "east", "west"], n)
    # The model's probability that an application is approved; the labels follow it,
    # except in drifted traffic, where the world changed under the model (concept drift).
    score = 1 / (1 + np.exp(-(2.0 - 3.5 * debt_ratio + (income - 50_000) / 40_000)))
    truth = score if not drifted else np.clip(score - 0.25 * (channel == "partner"), 0, 1)
    approved = (rng.random(n) < truth).astype(np.int64)
    if drifted:
        # A broken upstream join: some debt ratios arrive missing.
        debt_ratio[rng.random(n) < 0.08] = np.nan
    return pa.table(
        {
            "application_id": np.arange(n) + (10_000_000 if drifted else 0),
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


def main(output: str = "demo-output") -> int:
    """Write the demo data and reports into ``output`` and say where they are."""
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

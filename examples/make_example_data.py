"""Writes the small data files examples/watchkeeper.yaml names (seeded, reproducible).

    python examples/make_example_data.py

``data/churn-reference.parquet`` is the churn model's reference; ``data/scored/`` holds
two nightly batches for the ``churn-nightly`` schedule, the second one drifted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent


def churn(n: int, *, seed: int, drift: float = 0.0) -> pa.Table:
    rng = np.random.default_rng(seed)
    age = rng.normal(44 + 6 * drift, 12, n).clip(18, 90).round()
    tenure = rng.gamma(2.0, 14.0 - 6 * drift, n).round()
    plan = rng.choice(["basic", "plus", "pro"], n, p=[0.5 - 0.2 * drift, 0.3, 0.2 + 0.2 * drift])
    charges = rng.normal(55 + 10 * drift, 18, n).clip(5, None).round(2)
    partner = rng.random(n) < 0.45
    logit = -1.2 - 0.04 * tenure + 0.015 * (charges - 55) + 0.4 * (plan == "basic")
    probability = 1 / (1 + np.exp(-logit))
    return pa.table(
        {
            "customer_id": [f"c{seed}-{i}" for i in range(n)],
            "age": age,
            "tenure_months": tenure,
            "plan": plan,
            "monthly_charges": charges,
            "has_partner": partner,
            "region": rng.choice(["eu", "us", "apac"], n),
            "churn_probability": probability.round(4),
            "predicted_churn": (probability >= 0.5).astype(np.int64),
            "churned": (rng.random(n) < probability).astype(np.int64),
        }
    )


def main() -> None:
    scored = HERE / "data" / "scored"
    scored.mkdir(parents=True, exist_ok=True)
    pq.write_table(churn(2000, seed=1), HERE / "data" / "churn-reference.parquet")
    pq.write_table(churn(1000, seed=2), scored / "2026-11-01.parquet")
    pq.write_table(churn(1000, seed=3, drift=1.0), scored / "2026-11-02.parquet")


if __name__ == "__main__":
    main()

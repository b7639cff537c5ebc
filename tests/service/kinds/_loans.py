"""A small loan model for the kinds' tests: reference and traffic with a known truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa

from watchkeeper.service._service import MonitoringService

T0 = datetime(2024, 1, 1, tzinfo=UTC)
SCHEMA = {
    "features": {"income": "numeric", "debt": "numeric", "gender": "categorical"},
    "columns": {
        "y": {"role": "target"},
        "pred": {"role": "prediction"},
        "p": {"role": "score"},
    },
    "sensitive": ["gender"],
}


def loans(rng: np.random.Generator, n: int, *, unfair: float = 0.0) -> dict[str, np.ndarray]:
    """Rows whose label follows the score (calibrated); ``unfair`` lowers women's scores."""
    income = rng.normal(0.0, 1.0, n)
    debt = rng.uniform(0.0, 1.0, n)
    gender = rng.choice(["f", "m"], n)
    logit = 0.3 + 1.2 * income - 1.5 * debt - unfair * (gender == "f")
    p = 1.0 / (1.0 + np.exp(-logit))
    y = (rng.random(n) < p).astype(np.int64)
    attributions = {"income": 1.2 * income, "debt": -1.5 * debt}
    return {"income": income, "debt": debt, "gender": gender, "p": p,
            "pred": (p >= 0.5).astype(np.int64), "y": y,
            **{f"attribution.{k}": v for k, v in attributions.items()}}  # fmt: skip


def reference_table(rows: dict[str, np.ndarray]) -> pa.Table:
    return pa.table(dict(rows))


def records(rows: dict[str, np.ndarray], hour: int, prefix: str = "r") -> pa.Table:
    """The rows as prediction records in hour ``hour`` after T0 (no labels)."""
    n = len(rows["p"])
    stamps = [T0 + timedelta(hours=hour, seconds=int(3000 * i / n)) for i in range(n)]
    columns = {
        "id": [f"{prefix}{hour}-{i}" for i in range(n)],
        "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
        "feature.income": rows["income"],
        "feature.debt": rows["debt"],
        "feature.gender": rows["gender"],
        "prediction": rows["pred"],
        "score": rows["p"],
    }
    columns.update({k: v for k, v in rows.items() if k.startswith("attribution.")})
    return pa.table(columns)


def labels(rows: dict[str, np.ndarray], hour: int, prefix: str = "r") -> list[tuple[str, int]]:
    return [(f"{prefix}{hour}-{i}", int(v)) for i, v in enumerate(rows["y"])]


def loan_service(service: MonitoringService, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Register the model and version v1 on a 5,000-row reference; returns the reference."""
    reference = loans(rng, 5000)
    service.create_model("loans", "binary_classification", SCHEMA)
    service.create_version("loans", "v1", reference=reference_table(reference), activate=True)
    return reference

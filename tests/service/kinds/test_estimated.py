"""Estimated performance in the service equals CBPE / DLE called on the same rows."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
import pytest
from tests.service.kinds._loans import T0, labels, loan_service, loans, records

from watchkeeper.performance import CBPE, DLE, SizeChunker
from watchkeeper.service._service import MonitoringService

METRICS = ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy")


def _series(service: MonitoringService, model: str, metric: str) -> list[float]:
    return [p.value for p in service.metric_series(model, metric, segment="")]


def test_window_estimates_are_cbpe_on_the_same_rows(service: MonitoringService, rng) -> None:
    reference = loan_service(service, rng)
    window = loans(rng, 800, unfair=0.0)
    window["income"] = window["income"] + 0.5  # covariate shift: CBPE's case
    window["p"] = 1.0 / (1.0 + np.exp(-(0.3 + 1.2 * window["income"] - 1.5 * window["debt"])))
    window["pred"] = (window["p"] >= 0.5).astype(np.int64)
    service.ingest_predictions("loans", "v1", records(window, 0))
    service.close_windows("loans", now=T0 + timedelta(hours=2))

    expected = (
        CBPE(y_pred="pred", y_score="p", y_true="y", problem="binary", metrics=METRICS,
             chunker=SizeChunker(800))
        .fit({k: reference[k] for k in ("pred", "p", "y")})
        .estimate({"pred": window["pred"], "p": window["p"]})
    )  # fmt: skip
    for metric in expected.metrics:
        chunk = next(c for c in metric.chunks if c.period == "analysis")
        name = f"estimated_{metric.metric}"
        assert _series(service, "loans", name) == [pytest.approx(chunk.value, abs=1e-12)]
        assert _series(service, "loans", f"{name}_lower") == [
            pytest.approx(chunk.lower_band, abs=1e-12)
        ]
        assert _series(service, "loans", f"{name}_upper") == [
            pytest.approx(chunk.upper_band, abs=1e-12)
        ]
    # No labels yet: no realized series; the estimate is drawn alone.
    assert _series(service, "loans", "roc_auc") == []
    # Late labels: the realized series fills in beside the estimate, which stays.
    service.ingest_labels("loans", labels(window, 0))
    service.close_windows("loans", now=T0 + timedelta(hours=3))
    assert len(_series(service, "loans", "roc_auc")) == 1
    estimated = _series(service, "loans", "estimated_roc_auc")
    assert estimated == [pytest.approx(expected.metric("roc_auc").analysis[0].value, abs=1e-12)]


def test_regression_windows_are_dle_on_the_same_rows(service: MonitoringService, rng) -> None:
    n_ref = 1000
    x = rng.uniform(-1, 1, n_ref)
    y = x + rng.normal(0, 0.1 + 0.4 * (x > 0), n_ref)
    service.create_model(
        "price", "regression",
        {"features": {"x": "numeric"},
         "columns": {"y": {"role": "target"}, "yhat": {"role": "prediction"}}},
    )  # fmt: skip
    service.create_version(
        "price", "v1", reference=pa.table({"x": x, "yhat": x, "y": y}), activate=True
    )
    current = np.abs(rng.uniform(-1, 1, 400))
    stamps = [T0 + timedelta(seconds=i) for i in range(400)]
    service.ingest_predictions(
        "price", "v1",
        pa.table({"id": [f"p{i}" for i in range(400)],
                  "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                  "feature.x": current, "prediction": current}),
    )  # fmt: skip
    service.close_windows("price", now=T0 + timedelta(hours=2))
    dle = DLE(features=["x"], y_pred="yhat", y_true="y", metrics=("mae", "mse", "rmse", "mape"),
              chunker=SizeChunker(400)).fit({"x": x, "yhat": x, "y": y})  # fmt: skip
    expected = dle.estimate({"x": current, "yhat": current})
    for metric in expected.metrics:
        value = metric.analysis[0].value
        assert _series(service, "price", f"estimated_{metric.metric}") == [
            pytest.approx(value, rel=1e-12)
        ]
    assert _series(service, "price", "estimated_mae")[0] > 0.3  # the model errs for x > 0

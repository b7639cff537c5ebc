"""Multivariate drift per window (opt-in) equals the library's domain classifier."""

from __future__ import annotations

from datetime import timedelta

import pyarrow as pa
import pytest
from tests.service.kinds._loans import T0

from watchkeeper.multivariate import domain_classifier_drift
from watchkeeper.service._service import MonitoringService
from watchkeeper.service.kinds.multivariate import window_chunk_size


def _rows(rng, n: int, shift: float) -> dict:
    x = rng.normal(0.0, 1.0, n)
    return {"x": x, "y": 0.8 * x + rng.normal(0.0, 0.6, n) + shift}


@pytest.mark.parametrize("opt_in", [True, False])
def test_window_auc_is_the_domain_classifier_s(
    service: MonitoringService, rng, opt_in: bool
) -> None:
    schema: dict = {"features": {"x": "numeric", "y": "numeric"}}
    if opt_in:
        schema["monitoring"] = {"multivariate": True}
    service.create_model("m", "regression", schema)
    reference = _rows(rng, 3000, 0.0)
    service.create_version("m", "v1", reference=pa.table(reference), activate=True)
    window = _rows(rng, 600, 0.7)
    stamps = [T0 + timedelta(seconds=i) for i in range(600)]
    service.ingest_predictions(
        "m", "v1",
        pa.table({"id": [f"r{i}" for i in range(600)],
                  "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                  "feature.x": window["x"], "feature.y": window["y"]}),
    )  # fmt: skip
    service.close_windows("m", now=T0 + timedelta(hours=2))
    auc = [p.value for p in service.metric_series("m", "multivariate_drift_auc", segment="")]
    if not opt_in:
        assert auc == []
        return
    expected = domain_classifier_drift(
        pa.table(reference), pa.table(window), chunk_size=window_chunk_size(600, 3000)
    )
    assert auc == [pytest.approx(expected.current_chunks[0].value, abs=1e-12)]
    threshold = service.metric_series("m", "multivariate_drift_threshold", segment="")
    assert [p.value for p in threshold] == [pytest.approx(expected.upper_threshold, abs=1e-12)]
    assert auc[0] > expected.upper_threshold  # the shifted window is told apart

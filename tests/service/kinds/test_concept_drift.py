"""Real-time concept drift: the detector sees labels as they arrive and alerts at once."""

from __future__ import annotations

import random
from datetime import timedelta

import pyarrow as pa
import pytest
from tests.service.kinds._loans import T0

from watchkeeper.service._service import MonitoringService
from watchkeeper.service._types import Condition, MonitorSpec
from watchkeeper.service.kinds.concept_drift import detector_spec, record_error
from watchkeeper.streaming import ADWIN, DDM

N, CHANGE, BATCH = 3000, 2000, 250


def _stream() -> list[int]:
    """Labels for predictions that are all 1: wrong 10% of the time, then 40%."""
    rng = random.Random(42)
    return [int(not rng.random() < (0.1 if i < CHANGE else 0.4)) for i in range(N)]


def _library_detection(labels: list[int]) -> int:
    ddm = DDM()
    for i, label in enumerate(labels):
        ddm.update(label != 1)
        if ddm.drift_detected:
            return i
    raise AssertionError("DDM saw no drift")


def test_a_concept_shift_alerts_within_one_label_batch(service: MonitoringService) -> None:
    service.create_model("m", "binary_classification", {"features": {"x": "numeric"}})
    service.create_version("m", "v1", activate=True)
    service.put_monitor(MonitorSpec("concept", "m", "concept_drift", Condition("above", 0.5)))
    stamps = [T0 + timedelta(seconds=i) for i in range(N)]  # one hourly window
    service.ingest_predictions(
        "m", "v1",
        pa.table({"id": [f"r{i}" for i in range(N)],
                  "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                  "feature.x": [0.0] * N, "prediction": [1] * N, "score": [0.9] * N}),
    )  # fmt: skip
    labels = _stream()
    fired_after = None
    for start in range(0, N, BATCH):
        batch = [(f"r{i}", labels[i]) for i in range(start, start + BATCH)]
        service.ingest_labels("m", batch)
        if fired_after is None and any(a.state == "firing" for a in service.list_alerts(model="m")):
            fired_after = start + BATCH
    # The window is still open: the alert did not wait for it to close.
    assert [w.status for w in service.list_windows("m")] == ["open"]
    assert fired_after is not None
    detected = _library_detection(labels)  # the library's DDM on the same stream
    assert CHANGE <= detected < fired_after <= detected + BATCH
    assert fired_after - CHANGE <= BATCH  # within one label batch of the change
    alert = next(a for a in service.list_alerts(model="m") if a.state == "firing")
    assert alert.metric == "concept_drift" and alert.value == 1.0
    points = service.metric_series("m", "concept_drift")
    assert [p.value for p in points] == [1.0]
    assert service.metric_series("m", "concept_drift_statistic")[0].value > 0
    # Closing the window writes the same figures again.
    service.close_windows("m", now=T0 + timedelta(hours=2))
    assert [p.value for p in service.metric_series("m", "concept_drift")] == [1.0]


def test_errors_and_detectors_per_task() -> None:
    assert record_error("binary_classification", 1, 0.9, 1) == 0.0
    assert record_error("multiclass_classification", "a", None, "b") == 1.0
    assert record_error("regression", 3.0, None, 1.0) == 2.0
    assert detector_spec("binary_classification", {}) == ("ddm", {})
    spec = {"monitoring": {"concept_drift": {"detector": "page_hinkley", "threshold": 25.0}}}
    assert detector_spec("regression", spec) == ("page_hinkley", {"threshold": 25.0})
    with pytest.raises(Exception, match="takes 0/1 errors"):
        detector_spec("regression", {"monitoring": {"concept_drift": "ddm"}})


def test_a_score_shift_alerts_as_the_predictions_are_stored(service: MonitoringService) -> None:
    schema = {"features": {"x": "numeric"}, "monitoring": {"score_drift": "adwin"}}
    service.create_model("s", "binary_classification", schema)
    service.create_version("s", "v1", activate=True)
    service.put_monitor(MonitorSpec("scores", "s", "score_drift", Condition("above", 0.5)))
    rng = random.Random(3)
    scores = [min(max(rng.gauss(0.3 if i < CHANGE else 0.6, 0.1), 0.0), 1.0) for i in range(N)]
    fired_after = None
    for start in range(0, N, BATCH):
        rows = range(start, start + BATCH)
        service.ingest_predictions(
            "s", "v1",
            pa.table({"id": [f"s{i}" for i in rows],
                      "timestamp": pa.array([T0 + timedelta(seconds=i) for i in rows],
                                            pa.timestamp("us", tz="UTC")),
                      "feature.x": [0.0] * BATCH, "score": [scores[i] for i in rows]}),
        )  # fmt: skip
        if fired_after is None and any(a.state == "firing" for a in service.list_alerts(model="s")):
            fired_after = start + BATCH
    assert fired_after == CHANGE + BATCH  # in the first batch after the shift, no label
    assert [w.status for w in service.list_windows("s")] == ["open"]
    adwin, first = ADWIN(), None
    for i, score in enumerate(scores):
        adwin.update(score)
        if adwin.drift_detected and first is None:
            first = i
    assert first is not None and CHANGE <= first < fired_after  # the library, same stream

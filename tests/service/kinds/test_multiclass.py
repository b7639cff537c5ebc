"""Multiclass: estimated performance is CBPE's on the same rows; score statistics per class."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
import pytest
from tests.service.kinds._loans import T0

from watchkeeper.performance import CBPE, SizeChunker
from watchkeeper.service._service import MonitoringService

CLASSES = ["a", "b", "c"]
METRICS = ("roc_auc", "f1", "precision", "recall", "specificity", "accuracy")


def _rows(rng, n: int, shift: float = 0.0) -> dict:
    logits = rng.normal(0.0, 1.0, (n, 3)) + np.array([shift, 0.0, 0.0])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(CLASSES, p=row) for row in p])
    return {"pred": np.array(CLASSES)[p.argmax(axis=1)], "y": y,
            **{f"score.{c}": p[:, i] for i, c in enumerate(CLASSES)}}  # fmt: skip


def test_multiclass_windows(service: MonitoringService, rng) -> None:
    schema = {
        "features": {},
        "classes": CLASSES,
        "columns": {"y": {"role": "target"}, "pred": {"role": "prediction"}},
    }
    service.create_model("m", "multiclass_classification", schema)
    reference = _rows(rng, 3000)
    service.create_version("m", "v1", reference=pa.table(reference), activate=True)
    window = _rows(rng, 500, shift=0.8)
    stamps = [T0 + timedelta(seconds=i) for i in range(500)]
    service.ingest_predictions(
        "m", "v1",
        pa.table({"id": [f"r{i}" for i in range(500)],
                  "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")),
                  "prediction": window["pred"],
                  **{f"score.{c}": window[f"score.{c}"] for c in CLASSES}}),
    )  # fmt: skip
    service.close_windows("m", now=T0 + timedelta(hours=2))
    scores = {c: f"score.{c}" for c in CLASSES}
    expected = (
        CBPE(y_pred="pred", y_score=scores, y_true="y", problem="multiclass", metrics=METRICS,
             chunker=SizeChunker(500))
        .fit(reference)
        .estimate({k: v for k, v in window.items() if k != "y"})
    )  # fmt: skip
    for metric in expected.metrics:
        points = service.metric_series("m", f"estimated_{metric.metric}", segment="")
        assert [p.value for p in points] == [pytest.approx(metric.analysis[0].value, abs=1e-12)]
    for c in CLASSES:
        mean = service.metric_series("m", "score_mean", feature=c, segment="")
        assert [p.value for p in mean] == [pytest.approx(np.mean(window[f"score.{c}"]))]

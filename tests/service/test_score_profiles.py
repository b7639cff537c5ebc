"""Score statistics of windows fed by score sketches (issue 16): mean, standard
deviation, minimum and maximum equal numpy's on the union of the sketched and recorded
scores, the quartiles lie in their stated bound; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from watchkeeper import InputError
from watchkeeper.performance._score_sketch import score_sketch, signed_edges
from watchkeeper.service._service import MonitoringService

T = datetime(2024, 1, 1, 10, tzinfo=UTC)
LATER = T + timedelta(days=1)


def _post(service: MonitoringService, model: str, series: dict[str, Any], **kw: Any) -> Any:
    body = {"kind": "scores", "version": 1,
            "series": {name: s.to_dict() for name, s in series.items()}}  # fmt: skip
    return service.ingest_score_profile(model, "v1", T, body, **kw)


def _model(service: MonitoringService, name: str, task: str) -> None:
    rng = np.random.default_rng(3)
    service.create_model(name, task, {"features": {"age": "numeric"}})
    service.create_version(name, "v1", reference=pa.table({"age": rng.normal(40, 9, 300)}),
                           activate=True)  # fmt: skip


def _records(service: MonitoringService, model: str, column: str, values: Any) -> None:
    n = len(values)
    table = pa.table({
        "id": [f"r{i}" for i in range(n)],
        "timestamp": pa.array([T] * n, pa.timestamp("us", "UTC")),
        "feature.age": np.full(n, 40.0),
        "prediction": values if column == "prediction" else [1] * n,
        **({"score": values} if column == "score" else {}),
    })  # fmt: skip
    assert service.ingest_predictions(model, "v1", table).accepted == n


def _check(window: Any, values: np.ndarray) -> None:
    metrics = window.metrics
    assert metrics["score_mean"] == pytest.approx(values.mean(), rel=1e-12)
    assert metrics["score_std"] == pytest.approx(values.std(ddof=1), rel=1e-9)
    assert metrics["score_min"] == values.min() and metrics["score_max"] == values.max()
    for q in (25, 50, 75):
        bound = metrics["bounded"][f"score_p{q}"]
        assert bound["lower"] <= np.percentile(values, q) <= bound["upper"], q
        assert bound["lower"] <= metrics[f"score_p{q}"] <= bound["upper"]


def test_binary_scores_half_sketched_half_recorded(service: MonitoringService) -> None:
    _model(service, "m", "binary_classification")
    scores = np.random.default_rng(1).beta(2, 5, 4000)
    _records(service, "m", "score", scores[:1000])
    for k, chunk in enumerate(np.array_split(scores[1000:], 3)):
        answer = _post(service, "m", {"": score_sketch(chunk)}, part_key=f"s{k}")
        assert answer.accepted == len(chunk)
    assert _post(service, "m", {"": score_sketch(scores[1000:2000])}, part_key="s0").duplicate
    window = service.close_windows("m", now=LATER)[0]
    _check(window, scores)
    assert window.n_records == 1000  # a sketch counts no rows: the feature profile does
    assert window.metrics["bounded"]["score_p50"]["width"] <= 0.0011  # 1,000 bins on [0, 1]


def test_regression_predictions_on_signed_edges(service: MonitoringService) -> None:
    _model(service, "r", "regression")
    predictions = np.random.default_rng(2).normal(-3.0, 40.0, 3000)
    _records(service, "r", "prediction", predictions[:500])
    _post(service, "r", {"": score_sketch(predictions[500:], signed_edges())})
    _check(service.close_windows("r", now=LATER)[0], predictions)


def test_sketches_that_do_not_fit_are_refused(service: MonitoringService) -> None:
    _model(service, "m", "binary_classification")
    with pytest.raises(InputError, match="other edges"):
        _post(service, "m", {"": score_sketch([0.5], signed_edges())})
    with pytest.raises(InputError, match="one series"):
        _post(service, "m", {"yes": score_sketch([0.5])})
    with pytest.raises(InputError, match="kind"):
        service.ingest_score_profile("m", "v1", T, {"kind": "x"})
    bad = {"": {**score_sketch([0.5]).to_dict(), "n": 7}}
    with pytest.raises(InputError, match="summing to n"):
        service.ingest_score_profile("m", "v1", T, {"kind": "scores", "version": 1, "series": bad})

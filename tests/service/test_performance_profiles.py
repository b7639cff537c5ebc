"""Realized performance from labelled performance profiles posted per window (issue 16):
threshold metrics equal scikit-learn on the union of the profiled and recorded rows,
ranking metrics come with their bound; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)

from watchkeeper import InputError
from watchkeeper.performance import classification_profile, regression_profile
from watchkeeper.service._profile_ingest import COMPACT_AT
from watchkeeper.service._service import MonitoringService
from watchkeeper.store._repo_parts import PERFORMANCE, parts_of_window
from watchkeeper.store._types import to_micros

T = datetime(2024, 1, 1, 10, tzinfo=UTC)
SCHEMA: dict[str, Any] = {"features": {"age": "numeric"}}
LATER = T + timedelta(days=1)


def _post(service: MonitoringService, model: str, data: Any, **kwargs: Any) -> Any:
    return service.ingest_performance_profile(model, "v1", T, data, **kwargs)


def _model(service: MonitoringService, name: str, task: str, schema: dict[str, Any]) -> None:
    rng = np.random.default_rng(7)
    service.create_model(name, task, schema)
    service.create_version(name, "v1", reference=pa.table({"age": rng.normal(40, 9, 500)}),
                           activate=True)  # fmt: skip


def _binary(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.clip(0.35 * y + 0.65 * rng.random(n), 0.0, 1.0)
    return {"y": y, "p": p, "pred": (p > 0.5).astype(int), "age": rng.normal(40, 9, n),
            "region": rng.choice(["eu", "us"], n)}  # fmt: skip


def _send_records(service: MonitoringService, model: str, d: dict[str, Any], rows: Any) -> None:
    ids = [f"r{i}" for i in rows]
    table = pa.table(
        {
            "id": ids,
            "timestamp": pa.array([T + timedelta(seconds=int(i) % 3600) for i in rows],
                                  pa.timestamp("us", "UTC")),
            "feature.age": d["age"][rows],
            "segment.region": d["region"][rows],
            "prediction": d["pred"][rows].tolist(),
            "score": d["p"][rows],
        }
    )  # fmt: skip
    result = service.ingest_predictions(model, "v1", table)
    assert result.accepted == len(rows)
    service.ingest_labels(model, list(zip(ids, d["y"][rows].tolist(), strict=True)))


def _sklearn(d: dict[str, Any], rows: Any) -> dict[str, float]:
    y, pred = d["y"][rows], d["pred"][rows]
    return {
        "accuracy": accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "specificity": recall_score(1 - y, 1 - pred, zero_division=0),
    }


@pytest.mark.parametrize("declared", [True, False])
def test_threshold_metrics_equal_sklearn_on_the_union_and_auc_is_bounded(
    service: MonitoringService, declared: bool
) -> None:
    _model(service, "m", "binary_classification", {**SCHEMA, "classes": [0, 1]} if declared
           else SCHEMA)  # fmt: skip
    d = _binary(3000, seed=1)
    everything = np.arange(3000)
    recorded, profiled = everything[:1500], everything[1500:]
    _send_records(service, "m", d, recorded)
    for region in ("eu", "us"):  # one profile per segment, as a Spark join posts them
        rows = profiled[d["region"][profiled] == region]
        profile = classification_profile(d["y"][rows], d["pred"][rows], d["p"][rows],
                                         classes=[0, 1])  # fmt: skip
        answer = _post(service, "m", profile.to_dict(), segment=f"region={region}",
                       part_key=f"spark-{region}")  # fmt: skip
        assert answer.accepted == len(rows) and not answer.duplicate
    windows = {w.segment: w for w in service.close_windows("m", now=LATER)}
    assert sorted(windows, key=str) == [None, "region=eu", "region=us"]
    for segment, window in windows.items():
        rows = everything if segment is None else everything[d["region"] == segment[7:]]
        expected = _sklearn(d, rows)
        for name, value in expected.items():
            assert window.metrics[name] == value, (segment, name)  # exact, not approx
        auc = roc_auc_score(d["y"][rows], d["p"][rows])
        bound = window.metrics["bounded"]["roc_auc"]
        assert bound["lower"] <= auc <= bound["upper"]
        assert bound["lower"] <= window.metrics["roc_auc"] <= bound["upper"]
        assert bound["width"] == pytest.approx(bound["upper"] - bound["lower"])
        assert 0 < bound["width"] < 0.005  # 1,000 bins on [0, 1]
        assert window.n_labels == len(rows)
        assert window.metrics["label_coverage"] == pytest.approx(len(rows) / window.n_records)


def test_a_window_without_profiles_keeps_the_exact_records_path(
    service: MonitoringService,
) -> None:
    _model(service, "m", "binary_classification", SCHEMA)
    d = _binary(800, seed=2)
    _send_records(service, "m", d, np.arange(800))
    window = {w.segment: w for w in service.close_windows("m", now=LATER)}[None]
    assert "bounded" not in window.metrics
    assert window.metrics["roc_auc"] == pytest.approx(roc_auc_score(d["y"], d["p"]), abs=1e-12)


def test_a_retried_post_counts_once_and_parts_are_compacted(service: MonitoringService) -> None:
    _model(service, "m", "binary_classification", SCHEMA)
    d = _binary(COMPACT_AT * 50, seed=3)
    chunks = np.array_split(np.arange(len(d["y"])), COMPACT_AT + 2)
    for again in range(2):
        for k, rows in enumerate(chunks):
            profile = classification_profile(d["y"][rows], d["pred"][rows], d["p"][rows],
                                              classes=[0, 1])  # fmt: skip
            answer = _post(service, "m", profile.to_dict(), part_key=f"flush-{k}")
            assert answer.duplicate == bool(again)
    model = service.store.get_model("m")
    assert model is not None
    version = service.store.get_version(model.id, "v1")
    assert version is not None
    parts = parts_of_window(service.store, model.id, version.id, to_micros(T), "", PERFORMANCE)
    assert len(parts) < COMPACT_AT and sum(p.n_records for p in parts) == len(d["y"])
    window = service.close_windows("m", now=LATER)[0]
    assert window.n_labels == len(d["y"])
    assert window.metrics["f1"] == f1_score(d["y"], d["pred"])
    parts = parts_of_window(service.store, model.id, version.id, to_micros(T), "", PERFORMANCE)
    assert len(parts) == 1  # compacted at close
    # A late profile reopens the closed window; the next close counts it.
    rest = classification_profile([1, 0], [1, 1], [0.9, 0.6], classes=[0, 1])
    _post(service, "m", rest.to_dict(), part_key="late")
    window = service.close_windows("m", now=LATER)[0]
    y = np.r_[d["y"], [1, 0]]
    assert window.metrics["precision"] == precision_score(y, np.r_[d["pred"], [1, 1]])


def test_regression_errors_equal_sklearn_on_the_union(service: MonitoringService) -> None:
    _model(service, "r", "regression", SCHEMA)
    rng = np.random.default_rng(4)
    y = rng.normal(100, 20, 2000)
    yhat = y + rng.normal(0, 5, 2000)
    ids = [f"r{i}" for i in range(1000)]
    service.ingest_predictions("r", "v1", pa.table({
        "id": ids, "timestamp": pa.array([T] * 1000, pa.timestamp("us", "UTC")),
        "feature.age": rng.normal(40, 9, 1000), "prediction": yhat[:1000],
    }))  # fmt: skip
    service.ingest_labels("r", list(zip(ids, y[:1000].tolist(), strict=True)))
    _post(service, "r", regression_profile(y[1000:], yhat[1000:]).to_dict())
    window = service.close_windows("r", now=LATER)[0]
    expected = {"mae": mean_absolute_error(y, yhat), "mse": mean_squared_error(y, yhat),
                "rmse": mean_squared_error(y, yhat) ** 0.5, "r2": r2_score(y, yhat),
                "mape": mean_absolute_percentage_error(y, yhat)}  # fmt: skip
    for name, value in expected.items():
        assert window.metrics[name] == pytest.approx(value, rel=1e-12), name
    assert "bounded" not in window.metrics


def test_multiclass_macro_metrics_equal_sklearn(service: MonitoringService) -> None:
    classes = ["a", "b", "c"]
    _model(service, "mc", "multiclass_classification", {**SCHEMA, "classes": classes})
    rng = np.random.default_rng(5)
    n = 1200
    y = rng.choice(classes, n)
    proba = rng.dirichlet([1, 1, 1], n)
    proba[np.arange(n), [classes.index(v) for v in y]] += 1.0
    proba /= proba.sum(axis=1, keepdims=True)
    pred = np.array(classes)[proba.argmax(axis=1)]
    ids = [f"r{i}" for i in range(600)]
    service.ingest_predictions("mc", "v1", pa.table({
        "id": ids, "timestamp": pa.array([T] * 600, pa.timestamp("us", "UTC")),
        "feature.age": rng.normal(40, 9, 600), "prediction": pred[:600].tolist(),
        **{f"score.{c}": proba[:600, k] for k, c in enumerate(classes)},
    }))  # fmt: skip
    service.ingest_labels("mc", list(zip(ids, y[:600].tolist(), strict=True)))
    posted = classification_profile(y[600:], pred[600:], proba[600:], classes=classes)
    _post(service, "mc", posted.to_dict())
    window = service.close_windows("mc", now=LATER)[0]
    assert window.metrics["accuracy"] == accuracy_score(y, pred)
    for name, sk in (("precision", precision_score), ("recall", recall_score), ("f1", f1_score)):
        assert window.metrics[name] == pytest.approx(sk(y, pred, average="macro"), abs=1e-15)
    auc = roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=classes)
    bound = window.metrics["bounded"]["roc_auc"]
    assert bound["lower"] <= auc <= bound["upper"]


def test_profiles_that_do_not_fit_the_version_are_refused(service: MonitoringService) -> None:
    _model(service, "m", "binary_classification", {**SCHEMA, "classes": [0, 1]})
    good = classification_profile([0, 1], [0, 1], [0.2, 0.8], classes=[0, 1])
    coarse = classification_profile([0, 1], [0, 1], [0.2, 0.8], classes=[0, 1], edges=[0, 1])
    with pytest.raises(InputError, match="other edges"):
        _post(service, "m", coarse.to_dict())
    with pytest.raises(InputError, match="declares"):
        _post(service, "m", classification_profile([1, 0], [1, 0], [0.2, 0.8],
                                                   classes=[1, 0]).to_dict())  # fmt: skip
    with pytest.raises(InputError, match="regression"):
        _post(service, "m", regression_profile([1.0], [2.0]).to_dict())
    with pytest.raises(InputError, match="shapes"):
        _post(service, "m", {**good.to_dict(), "confusion": [[1, 2, 3]]})
    with pytest.raises(InputError, match="negative"):
        _post(service, "m", {**good.to_dict(), "confusion": [[1, -1], [0, 1]]})
    with pytest.raises(InputError, match="not the start of a window"):
        service.ingest_performance_profile("m", "v1", T + timedelta(minutes=5), good.to_dict())
    assert _post(service, "m", good.to_dict()).accepted == 2


def test_labelled_records_kept_as_a_performance_part_survive_compaction(
    service: MonitoringService,
) -> None:
    from watchkeeper.service._performance_parts import labelled_parts
    from watchkeeper.store._repo_parts import compact_window

    _model(service, "m", "binary_classification", SCHEMA)
    d = _binary(1200, seed=6)
    _send_records(service, "m", d, np.arange(1200))
    service.close_windows("m", now=LATER)
    model = service.store.get_model("m")
    assert model is not None
    version = service.store.get_version(model.id, "v1")
    assert version is not None
    kept = labelled_parts(service._registry, model, version.id, to_micros(T))
    assert sorted(kept) == ["region=eu", "region=us"]
    assert sum(n for n, _ in kept.values()) == 1200
    deleted = compact_window(
        service.store, model_id=model.id, version_id=version.id, window_start=to_micros(T),
        aggregates={}, now=LATER, performance=kept,
    )  # fmt: skip
    assert deleted == 1200
    # Late labelled rows after the records are gone: the window is recomputed over both.
    late = _binary(300, seed=7)
    posted = classification_profile(late["y"], late["pred"], late["p"], classes=[0, 1])
    _post(service, "m", posted.to_dict(), part_key="late")
    window = {w.segment: w for w in service.close_windows("m", now=LATER)}[None]
    y, pred = np.r_[d["y"], late["y"]], np.r_[d["pred"], late["pred"]]
    assert window.metrics["f1"] == f1_score(y, pred)
    assert window.metrics["accuracy"] == accuracy_score(y, pred)
    bound = window.metrics["bounded"]["roc_auc"]
    assert bound["lower"] <= roc_auc_score(y, np.r_[d["p"], late["p"]]) <= bound["upper"]

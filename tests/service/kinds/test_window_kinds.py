"""Score statistics, bias and attribution drift per window equal the library's (and
numpy's, fairlearn's) on the same rows."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from tests.service.kinds._loans import T0, loan_service, loans, records

from watchkeeper.attribution import ndcg
from watchkeeper.fairness import (
    bias_drift,
    bias_metrics_from_counters,
    count_groups,
    demographic_parity_difference,
    equalized_odds_difference,
)
from watchkeeper.service._service import MonitoringService
from watchkeeper.service.kinds.bias import facet_of

POST = ("DI", "DPPL", "DCA", "DCR", "SD", "RD", "DAR", "DRR", "AD", "TE", "GE")


@pytest.fixture
def closed(service: MonitoringService, rng) -> tuple[MonitoringService, dict, dict]:
    """One window of unfair traffic, labels for its first half, closed."""
    reference = loan_service(service, rng)
    window = loans(rng, 1200, unfair=1.0)
    service.ingest_predictions("loans", "v1", records(window, 0))
    service.ingest_labels("loans", [(f"r0-{i}", int(window["y"][i])) for i in range(600)])
    service.close_windows("loans", now=T0 + timedelta(hours=2))
    return service, reference, window


def _value(service: MonitoringService, metric: str, feature: str | None = None) -> float:
    points = service.metric_series("loans", metric, feature=feature, segment="")
    assert len(points) == 1, (metric, points)
    return points[0].value


def test_score_statistics_are_numpy_s(closed) -> None:
    service, _, window = closed
    p = window["p"]
    assert _value(service, "score_mean") == pytest.approx(np.mean(p), rel=1e-12)
    assert _value(service, "score_std") == pytest.approx(np.std(p, ddof=1), rel=1e-12)
    assert _value(service, "score_min") == p.min() and _value(service, "score_max") == p.max()
    for q in (25, 50, 75):
        assert _value(service, f"score_p{q}") == pytest.approx(np.percentile(p, q), rel=1e-12)


def test_bias_metrics_are_the_fairness_library_s(closed) -> None:
    service, reference, window = closed
    gender, pred = window["gender"], window["pred"]
    y = np.where(np.arange(1200) < 600, window["y"], -1)
    labelled = y >= 0
    dpd = demographic_parity_difference(None, pred, sensitive_features=gender)
    assert _value(service, "demographic_parity_difference", "gender") == pytest.approx(dpd)
    eod = equalized_odds_difference(
        y[labelled], pred[labelled], sensitive_features=gender[labelled]
    )
    assert _value(service, "equalized_odds_difference", "gender") == pytest.approx(eod)
    # fairlearn (the dev extra) agrees on the same rows
    fairlearn = pytest.importorskip("fairlearn.metrics")
    assert dpd == pytest.approx(
        fairlearn.demographic_parity_difference(window["y"], pred, sensitive_features=gender)
    )
    assert eod == pytest.approx(
        fairlearn.equalized_odds_difference(
            y[labelled], pred[labelled], sensitive_features=gender[labelled]
        )
    )
    # Clarify: the facet is the group the model selected least on the reference
    base = count_groups(reference["y"], reference["pred"],
                        sensitive_features={"gender": reference["gender"]})  # fmt: skip
    facet = facet_of(base)
    now = count_groups(np.where(labelled, y, np.nan), pred, sensitive_features={"gender": gender},
                       positive_label=1)  # fmt: skip
    clarify = bias_metrics_from_counters(now, facet=facet, metrics=POST).values
    f, m = gender == facet, gender != facet
    assert clarify["DI"] == pytest.approx(pred[f].mean() / pred[m].mean())  # by hand
    assert _value(service, "disparate_impact", "gender") == pytest.approx(clarify["DI"])
    for name in POST[1:]:
        if np.isfinite(clarify[name]):
            assert _value(service, f"clarify_{name.lower()}", "gender") == pytest.approx(
                clarify[name]
            )
    drift = bias_drift(base, now, facet=facet, metrics=POST)
    assert _value(service, "bias_drift_detected", "gender") == float(drift.drifted) == 1.0
    p_values = [x.p_value for x in drift.metrics if x.p_value is not None]
    assert _value(service, "bias_drift_p_value", "gender") == pytest.approx(min(p_values))


def test_attribution_ndcg_is_sagemaker_s(closed) -> None:
    service, reference, window = closed
    features = ("income", "debt")
    ref = {f: float(np.mean(np.abs(reference[f"attribution.{f}"]))) for f in features}
    now = {f: float(np.mean(np.abs(window[f"attribution.{f}"]))) for f in features}
    assert _value(service, "attribution_ndcg") == pytest.approx(ndcg(ref, now), rel=1e-12)
    total = sum(now.values())
    for f in features:
        assert _value(service, "attribution_share", f) == pytest.approx(now[f] / total)

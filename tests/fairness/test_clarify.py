"""Clarify bias metrics against hand computations from the published formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.fairness import CLARIFY_METRICS, bias_metrics, count_groups

# Facet a ("m"): 10 rows, TP 4, FN 1, FP 2, TN 3 -> labels 5 pos / 5 neg, preds 6 pos.
# Facet d ("f"): 8 rows, TP 1, FN 2, FP 1, TN 4 -> labels 3 pos / 5 neg, preds 2 pos.
CELLS = {
    "m": {(1, 1): 4, (1, 0): 1, (0, 1): 2, (0, 0): 3},
    "f": {(1, 1): 1, (1, 0): 2, (0, 1): 1, (0, 0): 4},
}


def _rows():  # type: ignore[no-untyped-def]
    y, p, s = [], [], []
    for group, cells in CELLS.items():
        for (label, pred), count in cells.items():
            y += [label] * count
            p += [pred] * count
            s += [group] * count
    return np.array(y), np.array(p), np.array(s)


def test_every_metric_by_hand() -> None:
    y, p, s = _rows()
    values = bias_metrics(y, p, sensitive_feature=s, facet="f").values
    na, nd = 10, 8
    qa, qd = 5 / 10, 3 / 8
    pa, pd = np.array([0.5, 0.5]), np.array([5 / 8, 3 / 8])
    mix = (pa + pd) / 2
    expected = {
        "CI": (na - nd) / (na + nd),
        "DPL": qa - qd,
        "KL": float(np.sum(pa * np.log(pa / pd))),
        "JS": 0.5 * float(np.sum(pa * np.log(pa / mix)) + np.sum(pd * np.log(pd / mix))),
        "LP": math.sqrt((0.5 - 5 / 8) ** 2 + (0.5 - 3 / 8) ** 2),
        "TVD": 0.5 * (abs(0.5 - 5 / 8) + abs(0.5 - 3 / 8)),
        "KS": 1 / 8,
        "DPPL": 6 / 10 - 2 / 8,
        "DI": (2 / 8) / (6 / 10),
        "DCA": 5 / 6 - 3 / 2,  # observed positives / predicted positives
        "DCR": 5 / 6 - 5 / 4,  # d: 5 negatives / 6 predicted negatives; a: 5 / 4
        "SD": 4 / 5 - 3 / 5,
        "RD": 4 / 5 - 1 / 3,
        "DAR": 4 / 6 - 1 / 2,
        "DRR": 4 / 6 - 3 / 4,
        "AD": 7 / 10 - 5 / 8,
        "TE": 2 / 1 - 1 / 2,
    }
    # GE(2) over all 18 rows: benefits 0 (FN) x3, 1 (right) x12, 2 (FP) x3; mean 1.
    benefits = np.array([0] * 3 + [1] * 12 + [2] * 3, dtype=float)
    expected["GE"] = float(np.sum((benefits / benefits.mean()) ** 2 - 1) / (18 * 2 * 1))
    assert set(values) == set(CLARIFY_METRICS)
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, abs=1e-12), name


def test_pre_training_only_without_predictions() -> None:
    y, _, s = _rows()
    values = bias_metrics(y, None, sensitive_feature=s, facet="f").values
    assert set(values) == {"CI", "DPL", "KL", "JS", "LP", "TVD", "KS"}


def test_zero_denominators_follow_clarify() -> None:
    # No false positive in either facet: FN/FP is +inf on both sides, TE is 0.
    counters = count_groups([1, 1, 1, 1], [0, 1, 0, 1], sensitive_features={"s": list("aadd")})
    from watchkeeper.fairness import bias_metrics_from_counters

    values = bias_metrics_from_counters(counters, facet="d", metrics=["TE", "SD"]).values
    assert values["TE"] == 0.0
    assert values["SD"] == 0.0  # 0/0 is 0 on both sides


def test_errors() -> None:
    y, p, s = _rows()
    with pytest.raises(InputError, match="not a group"):
        bias_metrics(y, p, sensitive_feature=s, facet="x")
    with pytest.raises(UnknownMethodError, match="unknown Clarify metric"):
        bias_metrics(y, p, sensitive_feature=s, facet="f", metrics=["NOPE"])

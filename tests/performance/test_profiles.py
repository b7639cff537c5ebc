"""Performance profiles: threshold metrics and error sums equal scikit-learn on the raw
rows; ROC AUC, average precision and median absolute error lie inside their stated
bounds, which shrink as bins narrow; merging is associative and commutative."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from watchkeeper._exceptions import InputError
from watchkeeper.performance._profiles import (
    ClassificationProfile,
    classification_profile,
    probability_edges,
)
from watchkeeper.performance._regression_profile import (
    RegressionProfile,
    error_edges,
    regression_profile,
)


def _multiclass(seed: int, n: int, k: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k)) + 1.5 * np.eye(k)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba.argmax(axis=1), proba


def test_threshold_metrics_equal_scikit_learn_exactly() -> None:
    y, pred, proba = _multiclass(1, 5_000)
    parts = [
        classification_profile(
            y[i : i + 700], pred[i : i + 700], proba[i : i + 700], classes=[0, 1, 2]
        )
        for i in range(0, 5_000, 700)
    ]
    whole = parts[0]
    for part in parts[1:]:
        whole = whole.merge(part)
    assert whole.accuracy == pytest.approx(skm.accuracy_score(y, pred), abs=1e-12)
    precision = skm.precision_score(y, pred, average=None, zero_division=0)
    recall = skm.recall_score(y, pred, average=None, zero_division=0)
    f1 = skm.f1_score(y, pred, average=None, zero_division=0)
    matrix = skm.confusion_matrix(y, pred)
    np.testing.assert_array_equal(whole.confusion, matrix)
    for k in range(3):
        tn = matrix.sum() - matrix[k].sum() - matrix[:, k].sum() + matrix[k, k]
        specificity = tn / (matrix.sum() - matrix[k].sum())
        assert whole.precision(k) == pytest.approx(precision[k], abs=1e-12)
        assert whole.recall(k) == pytest.approx(recall[k], abs=1e-12)
        assert whole.f1(k) == pytest.approx(f1[k], abs=1e-12)
        assert whole.specificity(k) == pytest.approx(specificity, abs=1e-12)


def test_undefined_ratios_are_zero_like_scikit_learn() -> None:
    # Nothing is predicted "b": precision of "b" is 0/0, scikit-learn's zero_division=0.
    prof = classification_profile(["a", "b"], ["a", "a"], [0.2, 0.4], classes=["a", "b"])
    assert (
        prof.precision("b")
        == 0.0
        == skm.precision_score(["a", "b"], ["a", "a"], pos_label="b", zero_division=0)
    )
    assert prof.recall("b") == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ranking_metrics_lie_inside_their_bounds(seed: int) -> None:
    y, pred, proba = _multiclass(seed, 4_000)
    prof = classification_profile(y, pred, proba, classes=[0, 1, 2])
    for k in range(3):
        auc = skm.roc_auc_score(y == k, proba[:, k])
        ap = skm.average_precision_score(y == k, proba[:, k])
        bounded_auc, bounded_ap = prof.roc_auc(k), prof.average_precision(k)
        assert bounded_auc.lower <= auc <= bounded_auc.upper
        assert bounded_ap.lower <= ap <= bounded_ap.upper
        assert bounded_auc.width < 0.01


def test_roc_auc_bound_holds_with_raw_ties_and_binned_estimate_is_scikit_learns() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 2_000)
    score = np.round(np.clip(0.3 * y + 0.7 * rng.random(2_000), 0, 1), 2)  # many ties
    prof = classification_profile(
        y, (score > 0.5).astype(int), score, classes=[0, 1], edges=probability_edges(10)
    )
    auc = prof.roc_auc(1)
    assert auc.lower <= skm.roc_auc_score(y, score) <= auc.upper
    # The estimate is the AUC of the binned scores, ties counted one half.
    binned = np.clip(np.searchsorted(prof.edges, score, side="right") - 1, 0, 9)
    assert auc.estimate == pytest.approx(skm.roc_auc_score(y, binned), abs=1e-12)
    ap = prof.average_precision(1)
    assert ap.estimate == pytest.approx(skm.average_precision_score(y, binned), abs=1e-12)
    assert ap.lower <= skm.average_precision_score(y, score) <= ap.upper


def test_bounds_shrink_as_bins_grow() -> None:
    y, pred, proba = _multiclass(4, 3_000)
    widths = []
    for bins in (10, 100, 1_000):
        prof = classification_profile(
            y, pred, proba, classes=[0, 1, 2], edges=probability_edges(bins)
        )
        widths.append((prof.roc_auc(0).width, prof.average_precision(0).width))
    for coarse, fine in itertools.pairwise(widths):
        assert fine[0] < coarse[0] and fine[1] < coarse[1]


def test_binary_single_score_column_is_the_second_class() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 500)
    p = np.clip(0.4 * y + 0.6 * rng.random(500), 0, 1)
    one = classification_profile(y, (p > 0.5).astype(int), p, classes=[0, 1])
    two = classification_profile(
        y, (p > 0.5).astype(int), np.column_stack([1 - p, p]), classes=[0, 1]
    )
    assert one == two
    auc = skm.roc_auc_score(y, p)
    assert one.roc_auc(1).lower <= auc <= one.roc_auc(1).upper


@st.composite
def _profiles(draw: st.DrawFn) -> ClassificationProfile:
    n = draw(st.integers(0, 30))
    y = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    pred = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    scores = draw(
        st.lists(st.lists(st.floats(0, 1), min_size=3, max_size=3), min_size=n, max_size=n)
    )
    return classification_profile(
        y, pred, np.asarray(scores).reshape(n, 3), classes="abc", edges=probability_edges(20)
    )


@settings(max_examples=50, deadline=None)
@given(_profiles(), _profiles(), _profiles())
def test_merge_is_associative_and_commutative(
    a: ClassificationProfile, b: ClassificationProfile, c: ClassificationProfile
) -> None:
    assert a.merge(b) == b.merge(a)
    assert a.merge(b).merge(c) == a.merge(b.merge(c))
    assert ClassificationProfile.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_merge_refuses_other_classes() -> None:
    a = classification_profile(["x"], ["x"], [0.5], classes=["x", "y"])
    b = classification_profile(["x"], ["x"], [0.5], classes=["x", "z"])
    with pytest.raises(InputError, match="same classes"):
        a.merge(b)
    with pytest.raises(InputError, match="not classes"):
        classification_profile(["q"], ["x"], [0.5], classes=["x", "y"])


def test_regression_sums_equal_scikit_learn() -> None:
    rng = np.random.default_rng(6)
    y = rng.normal(1e3, 3.0, 10_000)  # a large mean: a naive sum of squares would cancel
    yhat = y + rng.standard_t(3, 10_000)
    whole = regression_profile(y[:3_000], yhat[:3_000])
    for i in range(3_000, 10_000, 1_750):
        whole = whole.merge(regression_profile(y[i : i + 1_750], yhat[i : i + 1_750]))
    assert whole.n_rows == 10_000
    assert whole.mean_absolute_error == pytest.approx(skm.mean_absolute_error(y, yhat), rel=1e-12)
    assert whole.mean_squared_error == pytest.approx(skm.mean_squared_error(y, yhat), rel=1e-12)
    assert whole.root_mean_squared_error == pytest.approx(
        skm.root_mean_squared_error(y, yhat), rel=1e-12
    )
    assert whole.r2_score == pytest.approx(skm.r2_score(y, yhat), rel=1e-12)
    median = whole.median_absolute_error
    true_median = skm.median_absolute_error(y, yhat)
    assert median.lower <= true_median <= median.upper
    assert median.width <= 0.03 * true_median
    again = RegressionProfile.from_dict(json.loads(json.dumps(whole.to_dict())))
    assert again.to_dict() == whole.to_dict()


def test_median_bound_with_odd_count_and_overflow_bin() -> None:
    # errors 0.5, 2, 3, 50, 500 on edges [0, 1, 10, 100]: the median 3 is in [1, 10);
    # 500 falls in the last bin, whose upper end is the largest error seen.
    prof = regression_profile([0.0] * 5, [0.5, 2, 3, 50, 500], edges=[0, 1, 10, 100])
    median = prof.median_absolute_error
    assert (median.lower, median.upper) == (1.0, 10.0)
    assert prof.r2_score == 0.0 == skm.r2_score([0.0] * 5, [0.5, 2, 3, 50, 500])
    assert error_edges(1, 100, 2).tolist() == [0.0, 1.0, 10.0, 100.0]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=20),
    st.integers(0, 20),
)
def test_regression_merge_equals_profile_of_the_concatenation(
    rows: list[tuple[float, float]], cut: int
) -> None:
    y, yhat = np.array(rows).T
    whole = regression_profile(y, yhat)
    left, right = regression_profile(y[:cut], yhat[:cut]), regression_profile(y[cut:], yhat[cut:])
    for merged in (left.merge(right), right.merge(left)):
        assert merged.n_rows == whole.n_rows
        np.testing.assert_array_equal(merged.counts, whole.counts)
        assert merged.sum_abs_error == pytest.approx(whole.sum_abs_error, rel=1e-9, abs=1e-9)
        assert merged.target_m2 == pytest.approx(whole.target_m2, rel=1e-9, abs=1e-6)
        assert merged.max_abs_error == whole.max_abs_error


def test_float_labels_match_integer_classes() -> None:
    # A label column read back as doubles (1.0) still matches class 1.
    ints = classification_profile([0, 1, 1], [1, 1, 0], [0.6, 0.7, 0.2], classes=[0, 1])
    floats = classification_profile([0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [0.6, 0.7, 0.2],
                                    classes=[0, 1])  # fmt: skip
    assert ints == floats
    assert ints.recall(1.0) == 0.5


def test_the_example_in_docs_performance_runs() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "performance.md").read_text()
    section = doc[doc.index("## Performance profiles") :]
    code = section[section.index("```python\n") + 10 : section.index("```\n", 10)]
    space: dict[str, object] = {}
    exec(code, space)
    whole = space["whole"]
    assert isinstance(whole, ClassificationProfile)
    assert (round(whole.precision(1), 4), round(whole.recall(1), 4)) == (0.7233, 0.6816)
    auc = whole.roc_auc(1)
    assert (round(auc.lower, 4), round(auc.upper, 4)) == (0.8138, 0.8148)

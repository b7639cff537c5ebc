"""Permutation importance equals scikit-learn's, draw for draw, and is 0 for unused features."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression

from watchkeeper._exceptions import InputError
from watchkeeper.attribution import permutation_importance


@pytest.mark.parametrize("seed", [0, 7, 123])
def test_equals_sklearn_classification(seed: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=300) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    theirs = sk_permutation_importance(
        model, X, y, scoring="accuracy", n_repeats=4, random_state=seed
    )
    ours = permutation_importance(model.predict, X, y, metric="accuracy", n_repeats=4, seed=seed)
    np.testing.assert_allclose(ours.importances, theirs.importances, atol=1e-12)
    np.testing.assert_allclose(ours.importances_std, theirs.importances_std, atol=1e-12)


def test_equals_sklearn_for_a_loss() -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = 2 * X[:, 0] - X[:, 2] + rng.normal(scale=0.1, size=200)
    model = LinearRegression().fit(X, y)
    theirs = sk_permutation_importance(
        model, X, y, scoring="neg_mean_absolute_error", n_repeats=3, random_state=5
    )
    ours = permutation_importance(model.predict, X, y, metric="mae", n_repeats=3, seed=5)
    np.testing.assert_allclose(ours.importances_mean, theirs.importances_mean, atol=1e-12)


def test_equals_sklearn_with_pandas_and_scores() -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(250, 3)), columns=["age", "income", "noise"])
    y = (X["age"] - X["income"] > 0).astype(int).to_numpy()
    model = LogisticRegression().fit(X, y)
    theirs = sk_permutation_importance(model, X, y, scoring="roc_auc", n_repeats=3, random_state=0)
    ours = permutation_importance(
        lambda d: model.predict_proba(d)[:, 1], X, y, metric="roc_auc", n_repeats=3, seed=0
    )
    assert ours.features == ("age", "income", "noise")
    np.testing.assert_allclose(ours.importances, theirs.importances, atol=1e-12)


def test_unused_features_have_zero_importance() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 4))
    y = (X[:, 0] > 0).astype(int)
    result = permutation_importance(lambda d: (d[:, 0] > 0).astype(int), X, y, n_repeats=3)
    assert np.all(result.importances[1:] == 0.0)
    assert result.importances_mean[0] > 0.3


def test_table_inputs_reach_the_model_as_given() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 1.0, 1.0, 1.0]})
    seen = []

    def model(data):  # type: ignore[no-untyped-def]
        seen.append(type(data))
        return np.asarray(data.column("a")) * 2

    result = permutation_importance(model, table, [0.0, 2.0, 4.0, 6.0], metric="mae", n_repeats=2)
    assert set(seen) == {pa.Table}
    assert result.as_dict()["b"] == 0.0


def test_errors() -> None:
    with pytest.raises(InputError, match="n_repeats"):
        permutation_importance(lambda d: d[:, 0], np.zeros((3, 2)), [0, 1, 0], n_repeats=0)
    with pytest.raises(InputError, match="2-D"):
        permutation_importance(lambda d: d, np.zeros(3), [0, 1, 0])

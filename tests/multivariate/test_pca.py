"""PCA reconstruction error against scikit-learn's StandardScaler + PCA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from watchkeeper import ColumnError, InputError
from watchkeeper.multivariate import pca_reconstruction_drift, reconstruction_errors

MIX = np.random.default_rng(0).normal(size=(5, 5))


def _correlated(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.normal(size=(n, 5)) @ MIX


def _sklearn_errors(ref: np.ndarray, rows: np.ndarray, share: float) -> np.ndarray:
    scaler = StandardScaler().fit(ref)
    pca = PCA(n_components=share, svd_solver="full").fit(scaler.transform(ref))
    standard = scaler.transform(rows)
    return np.linalg.norm(standard - pca.inverse_transform(pca.transform(standard)), axis=1)


@pytest.mark.parametrize("share", [0.5, 0.65, 0.9])
def test_errors_match_sklearn(share: float) -> None:
    rng = np.random.default_rng(1)
    ref, cur = _correlated(rng, 800), rng.normal(size=(300, 5)) * 3
    ours_ref, ours_cur = reconstruction_errors(ref, cur, variance_share=share)
    np.testing.assert_allclose(ours_ref, _sklearn_errors(ref, ref, share), atol=1e-9)
    np.testing.assert_allclose(ours_cur, _sklearn_errors(ref, cur, share), atol=1e-9)


def test_chunk_values_and_thresholds_by_hand() -> None:
    rng = np.random.default_rng(2)
    ref, cur = _correlated(rng, 1000), _correlated(rng, 600)
    result = pca_reconstruction_drift(ref, cur, chunk_size=200)
    ref_err = _sklearn_errors(ref, ref, 0.65)
    cur_err = _sklearn_errors(ref, cur, 0.65)
    ref_means = ref_err.reshape(5, 200).mean(axis=1)
    cur_means = cur_err.reshape(3, 200).mean(axis=1)
    values = [c.value for c in result.chunks]
    np.testing.assert_allclose(values, np.concatenate([ref_means, cur_means]), atol=1e-9)
    # NannyML's rule: mean +/- 3 population standard deviations of the reference chunks.
    assert result.upper_threshold == pytest.approx(ref_means.mean() + 3 * ref_means.std())
    assert result.lower_threshold == pytest.approx(max(0.0, ref_means.mean() - 3 * ref_means.std()))
    error = result.chunks[0].sampling_error
    assert error == pytest.approx(ref_err.std() / np.sqrt(200))
    assert [c.period for c in result.chunks] == ["reference"] * 5 + ["current"] * 3
    assert (result.chunks[5].start, result.chunks[5].stop) == (0, 200)


def test_detects_a_broken_correlation_only_where_it_breaks() -> None:
    rng = np.random.default_rng(3)
    ref, cur = _correlated(rng, 5000), _correlated(rng, 5000)
    cur[2500:, 0] = rng.permutation(cur[2500:, 0])  # same marginal, relation gone
    result = pca_reconstruction_drift(ref, cur, n_chunks=10)
    alerts = [c.alert for c in result.current_chunks]
    assert alerts == [False] * 5 + [True] * 5
    assert result.drifted
    assert result.parameters["n_components"] >= 1


def test_tables_with_categories_and_nulls() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    x = rng.normal(size=n)
    ref = pa.table(
        {
            "x": pa.array(np.where(rng.random(n) < 0.1, np.nan, x)),
            "y": 2 * x + rng.normal(size=n) * 0.1,
            "colour": pa.array(rng.choice(["red", "blue", None], size=n).tolist()),
        }
    )
    frame = ref.to_pandas()
    result = pca_reconstruction_drift(ref, frame, n_chunks=4)
    assert not result.drifted
    assert result.parameters["n_features"] == 4  # x, y, colour=red, colour=blue
    assert pd.Series([c.value for c in result.current_chunks]).notna().all()


def test_thresholds_can_be_constant() -> None:
    rng = np.random.default_rng(5)
    ref = _correlated(rng, 400)
    result = pca_reconstruction_drift(ref, ref, n_chunks=2, thresholds=(None, 0.0))
    assert result.upper_threshold == 0.0 and result.lower_threshold is None
    assert all(c.alert for c in result.chunks)


def test_bad_input() -> None:
    rng = np.random.default_rng(6)
    with pytest.raises(InputError, match="variance_share"):
        pca_reconstruction_drift(
            rng.normal(size=(50, 2)), rng.normal(size=(50, 2)), variance_share=0
        )
    with pytest.raises(InputError, match="current has 3"):
        pca_reconstruction_drift(rng.normal(size=(50, 2)), rng.normal(size=(50, 3)))
    with pytest.raises(ColumnError, match="'b' is missing from the current"):
        pca_reconstruction_drift(
            pa.table({"a": [1.0] * 40, "b": [2.0] * 40}), pa.table({"a": [1.0] * 40})
        )
    with pytest.raises(InputError, match="constant"):
        pca_reconstruction_drift(np.ones((40, 2)), np.ones((40, 2)))
    with pytest.raises(ColumnError, match="infinite"):
        pca_reconstruction_drift(np.array([[1.0, np.inf]] * 30), np.ones((30, 2)))

"""Embedding drift: detects a moved centroid, stays quiet on the same distribution (seeded)."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pytest
from scipy.spatial.distance import cosine, euclidean

from watchkeeper import InputError
from watchkeeper.llm.monitoring import EMBEDDING_METHODS, embedding_drift


def _pair(shift: float, seed: int, n: int = 300, d: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=d)  # embeddings do not sit at the origin
    ref = mean + rng.normal(size=(n, d))
    cur = mean + rng.normal(size=(n, d))
    cur[:, 0] += shift
    return ref, cur


@pytest.mark.parametrize("method", sorted(EMBEDDING_METHODS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detects_a_shifted_centroid_and_stays_quiet_otherwise(method: str, seed: int) -> None:
    ref, same = _pair(0.0, seed)
    _, moved = _pair(1.0, seed)
    assert not embedding_drift(ref, same, method=method).drifted
    assert embedding_drift(ref, moved, method=method).drifted


def test_centroid_statistics_by_scipy() -> None:
    ref, cur = _pair(0.5, 3)
    result = embedding_drift(ref, cur, method="centroid", n_permutations=99)
    a, b = ref.mean(axis=0), cur.mean(axis=0)
    assert result.statistic == pytest.approx(euclidean(a, b))
    assert result.details["cosine"] == pytest.approx(cosine(a, b))
    assert result.p_value == pytest.approx(1 / 100)  # no permutation comes close
    assert embedding_drift(ref, cur, method="centroid", n_permutations=99) == result  # seeded


def test_mmd_switches_to_random_features_above_the_exact_size() -> None:
    ref, cur = _pair(0.0, 4, n=200, d=4)
    assert embedding_drift(ref, cur).details["test"] == "permutation"
    fast = embedding_drift(ref, cur, exact_max_rows=100)
    assert fast.details["test"] == "random_fourier_features"
    assert not fast.drifted


def test_classifier_auc_is_near_a_coin_toss_without_drift() -> None:
    ref, cur = _pair(0.0, 5)
    result = embedding_drift(ref, cur, method="classifier")
    assert result.p_value is None and 0.4 < result.statistic < 0.6


def test_inputs() -> None:
    ref, cur = _pair(0.0, 6, n=20, d=3)
    column = pa.array(cur.tolist(), pa.list_(pa.float64()))
    assert embedding_drift(ref.tolist(), column, method="centroid").n_current == 20
    with pytest.raises(InputError, match="dimensions"):
        embedding_drift(ref, cur[:, :2])
    with pytest.raises(InputError, match="NaN"):
        embedding_drift(ref, np.full((5, 3), np.nan))
    with pytest.raises(InputError, match="2-D"):
        embedding_drift(ref, cur[:, 0])
    with pytest.raises(InputError, match="one length"):
        embedding_drift(ref, [[1.0, 2.0], [1.0]])
    with pytest.raises(InputError, match="missing"):
        embedding_drift(ref, pa.array([[1.0, 2.0, 3.0], None]))
    with pytest.raises(InputError, match="known: mmd"):
        embedding_drift(ref, cur, method="wasserstein")
    with pytest.raises(InputError, match="option"):
        embedding_drift(ref, cur, method="centroid", bandwidth=1.0)


def test_json_form() -> None:
    ref, cur = _pair(0.0, 7, n=50, d=4)
    document = embedding_drift(ref, cur, method="centroid").to_dict()
    assert json.loads(json.dumps(document))["method"] == "centroid"

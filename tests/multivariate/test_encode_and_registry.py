"""Input encoding rules, result JSON, the method registry and the public surface."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import watchkeeper.multivariate as mv
from watchkeeper import ColumnError, InputError, UnknownMethodError
from watchkeeper.multivariate._encode import encode_pair


def test_onehot_imputes_reference_mean_and_marks_categories() -> None:
    ref = pa.table({"x": [1.0, None, 3.0], "c": ["u", "v", "u"]})
    cur = pa.table({"x": [None, 5.0], "c": ["w", None]})
    pair = encode_pair(ref, cur)
    assert pair.feature_names == ("x", "c=u", "c=v")
    assert pair.reference.tolist() == [[1.0, 1.0, 0.0], [2.0, 0.0, 1.0], [3.0, 1.0, 0.0]]
    # unseen 'w' and null set no indicator; the null x takes the reference mean 2.
    assert pair.current.tolist() == [[2.0, 0.0, 0.0], [5.0, 0.0, 0.0]]


def test_ordinal_keeps_nulls_and_codes_by_reference_frequency() -> None:
    ref = pd.DataFrame({"x": [1.0, np.nan, 3.0], "c": ["v", "u", "u"]})
    cur = pd.DataFrame({"x": [np.nan, 5.0], "c": ["w", None]})
    pair = encode_pair(ref, cur, mode="ordinal")
    assert pair.categorical == (False, True)
    np.testing.assert_array_equal(pair.reference, [[1.0, 1.0], [np.nan, 0.0], [3.0, 0.0]])
    np.testing.assert_array_equal(pair.current, [[np.nan, 2.0], [5.0, np.nan]])


def test_columns_and_forced_categories() -> None:
    ref = pa.table({"a": [1, 2, 1], "b": [0.5, 0.1, 0.2], "skip": ["x", "y", "z"]})
    pair = encode_pair(ref, ref, columns=["a", "b"], categorical=["a"])
    assert pair.feature_names == ("a=1", "a=2", "b")
    with pytest.raises(InputError, match="list them in columns"):
        encode_pair(ref, ref, columns=["b"], categorical=["a"])
    with pytest.raises(InputError, match="numpy array is used whole"):
        encode_pair(np.ones((3, 2)), np.ones((3, 2)), columns=["a"])
    with pytest.raises(ColumnError, match="neither numeric nor text"):
        encode_pair(pa.table({"t": pa.array([1, 2], pa.timestamp("s"))}), pa.table({"t": [1, 2]}))
    with pytest.raises(ColumnError, match="no values in the reference"):
        encode_pair(pa.table({"x": [None, None]}), pa.table({"x": [1.0, 2.0]}))


def test_results_are_json_serialisable() -> None:
    rng = np.random.default_rng(0)
    ref, cur = rng.normal(size=(200, 2)), rng.normal(size=(200, 2))
    for result in (
        mv.pca_reconstruction_drift(ref, cur, n_chunks=2),
        mv.mmd_test(ref, cur, n_permutations=20),
        mv.mmd_rff_test(ref, cur, n_features=8),
        mv.uncertainty_drift(rng.random(50), rng.random(50)),
    ):
        data = json.loads(json.dumps(result.to_dict()))
        assert data["version"] == 1


def test_registry() -> None:
    assert mv.available_multivariate_methods() == [
        "domain_classifier",
        "mmd",
        "mmd_rff",
        "pca_reconstruction",
    ]
    method = mv.get_multivariate_method("pca_reconstruction")
    assert method.function is mv.pca_reconstruction_drift and method.chunked
    assert mv.get_multivariate_method("domain_classifier").extra == "ml"
    with pytest.raises(UnknownMethodError, match="choose one of"):
        mv.get_multivariate_method("nope")


def test_public_surface_is_exactly_all() -> None:
    public = {name for name in dir(mv) if not name.startswith("_")}
    assert public == set(mv.__all__)

"""detect_drift and compare_profiles: one shape, any source on either side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from watchkeeper.drift import DriftPolicy, compare_profiles, detect_drift
from watchkeeper.drift._from_profiles import compare_profiles as compare_profile_objects
from watchkeeper.profile import profile_source


@pytest.fixture
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(11)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 3000), "c": rng.choice(["a", "b"], 3000)})
    cur = pd.DataFrame({"x": rng.normal(0.4, 1, 3000), "c": rng.choice(["a", "b"], 3000)})
    return ref, cur


def test_a_profile_on_either_side_compares_profiles(
    frames: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Any
) -> None:
    ref, cur = frames
    ref_profile = profile_source(ref)
    want = compare_profile_objects(ref_profile, profile_source(cur, bins_from=ref_profile))
    path = tmp_path / "ref.wkp"
    ref_profile.save(path)
    for reference in (ref_profile, str(path)):
        assert detect_drift(reference, cur).to_dict() == want.to_dict()
        assert compare_profiles(reference, cur).to_dict() == want.to_dict()
    assert want.drifted_columns == ["x"]


def test_compare_profiles_profiles_raw_sides(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    ref, cur = frames
    ref_profile = profile_source(ref)
    raw = compare_profiles(ref, cur)
    on_profiles = compare_profile_objects(ref_profile, profile_source(cur, bins_from=ref_profile))
    assert raw.to_dict() == on_profiles.to_dict()


def test_policy_by_position_is_deprecated(frames: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    ref, cur = (profile_source(frame) for frame in frames)
    policy = DriftPolicy.from_options(numeric_method="psi")
    with pytest.warns(DeprecationWarning, match="policy=..."):
        old = compare_profiles(ref, cur, policy)
    new = compare_profiles(ref, cur, policy=policy)
    assert old.to_dict() == new.to_dict()
    assert new["x"].method == "psi"

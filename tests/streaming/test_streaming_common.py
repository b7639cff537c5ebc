"""Properties every registered detector must have (River's and scikit-learn's common checks)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.streaming import (
    DETECTORS,
    BinaryDriftDetector,
    DriftDetector,
    available_detectors,
    detect,
    detector_info,
    make_detector,
)

NAMES = list(DETECTORS)
REAL = list(available_detectors("real"))
BINARY = list(available_detectors("binary"))


def _real_change(seed: int = 0) -> list[float]:
    """500 values around 0, then 500 around 5, all with standard deviation 1."""
    rng = random.Random(seed)
    return [rng.gauss(0, 1) for _ in range(500)] + [rng.gauss(5, 1) for _ in range(500)]


def _binary_change(seed: int = 0) -> list[bool]:
    """500 predictions with 5% errors, then 500 with 60% errors."""
    rng = random.Random(seed)
    return [rng.random() < 0.05 for _ in range(500)] + [rng.random() < 0.6 for _ in range(500)]


def _change_stream(name: str) -> list[float] | list[bool]:
    return _real_change() if detector_info(name).input_kind == "real" else _binary_change()


def test_registry_lists_the_nine_published_methods() -> None:
    assert sorted(NAMES) == sorted(
        ["adwin", "page_hinkley", "cusum", "ewma", "kswin", "ddm", "eddm", "hddm_a", "hddm_w"]
    )
    assert set(REAL) | set(BINARY) == set(NAMES)
    assert not set(REAL) & set(BINARY)


@pytest.mark.parametrize("name", NAMES)
def test_default_constructible_and_stores_parameters_unchanged(name: str) -> None:
    info = detector_info(name)
    detector = info.cls()
    assert isinstance(detector, DriftDetector)
    assert isinstance(detector, BinaryDriftDetector) == (info.input_kind == "binary")
    public = {k: v for k, v in vars(detector).items() if not k.startswith("_")}
    assert public == dict(info.defaults)
    assert detector.drift_detected is False
    assert detector.warning_detected is False
    assert name in repr(detector).lower().replace("chart", "").replace("-", "_") or repr(detector)


@pytest.mark.parametrize("name", NAMES)
def test_reset_restores_a_fresh_state(name: str) -> None:
    stream = _change_stream(name)
    fresh = make_detector(name)
    used = make_detector(name)
    for x in stream[:700]:
        used.update(x)
    used.reset()
    assert vars(used).keys() == vars(fresh).keys()
    hits_fresh = []
    hits_used = []
    for i, x in enumerate(stream):
        fresh.update(x)
        used.update(x)
        if fresh.drift_detected:
            hits_fresh.append(i)
        if used.drift_detected:
            hits_used.append(i)
        assert fresh.warning_detected == used.warning_detected
    assert hits_fresh == hits_used


@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize("value", [0.0, 3.7, -1e6, 12345.678])
def test_no_detection_on_a_constant_real_stream(name: str, value: float) -> None:
    assert detect(make_detector(name), [value] * 3000) == ()


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("value", [False, True])
def test_no_detection_on_a_constant_binary_stream(name: str, value: bool) -> None:
    assert detect(make_detector(name), [value] * 3000) == ()


@pytest.mark.parametrize("name", NAMES)
def test_detects_an_obvious_abrupt_change_within_200_values(name: str) -> None:
    # False alarms before the change are the harness's business, not this test's.
    hits = detect(make_detector(name), _change_stream(name))
    assert any(500 <= h < 700 for h in hits), hits


@pytest.mark.parametrize("name", NAMES)
def test_nan_is_skipped_without_changing_anything(name: str) -> None:
    stream = _change_stream(name)
    with_gaps: list[float] = []
    where: list[int] = []
    for i, x in enumerate(stream):
        if i % 7 == 3:
            with_gaps.append(math.nan)
            where.append(-1)
        with_gaps.append(float(x))
        where.append(i)
    gappy = [where[i] for i in detect(make_detector(name), with_gaps)]
    assert -1 not in gappy
    assert gappy == list(detect(make_detector(name), stream))


@pytest.mark.parametrize("name", NAMES)
def test_numpy_scalars_behave_like_python_numbers(name: str) -> None:
    stream = _change_stream(name)
    plain = detect(make_detector(name), [float(x) for x in stream])
    as_float = [np.float64(x) for x in stream]
    as_int_or_bool = [np.bool_(x) if isinstance(x, bool) else np.float32(x) for x in stream]
    assert detect(make_detector(name), as_float) == plain
    if detector_info(name).input_kind == "binary":
        assert detect(make_detector(name), as_int_or_bool) == plain
    else:
        steps = [np.bool_(i >= 500) for i in range(1000)]
        assert detect(make_detector(name), steps) == detect(
            make_detector(name), [float(s) for s in steps]
        )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [math.inf, -math.inf, "1.0", None, [1.0]])
def test_non_numbers_and_infinities_raise_input_error(name: str, bad: object) -> None:
    detector = make_detector(name)
    with pytest.raises(InputError):
        detector.update(bad)  # type: ignore[arg-type]  # deliberately wrong type


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("bad", [2, -1, 1.5])
def test_binary_detectors_reject_values_outside_0_1(name: str, bad: float) -> None:
    with pytest.raises(InputError, match="0/1"):
        make_detector(name).update(bad)


@pytest.mark.parametrize("name", NAMES)
def test_drift_flag_lasts_one_update_and_warning_only_where_defined(name: str) -> None:
    info = detector_info(name)
    detector = make_detector(name)
    previous = False
    for x in _change_stream(name):
        detector.update(x)
        assert not (previous and detector.drift_detected), "drift reported twice in a row"
        assert not (detector.drift_detected and detector.warning_detected)
        if not info.has_warning:
            assert detector.warning_detected is False
        previous = detector.drift_detected


@pytest.mark.parametrize("name", REAL)
@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
        max_size=400,
    )
)
def test_any_finite_real_stream_is_accepted(name: str, values: list[float]) -> None:
    detector = make_detector(name)
    for x in values:
        detector.update(x)
        assert isinstance(detector.drift_detected, bool)
        assert isinstance(detector.warning_detected, bool)


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.booleans(), max_size=400))
def test_any_binary_stream_is_accepted(name: str, values: list[bool]) -> None:
    detector = make_detector(name)
    for x in values:
        detector.update(x)
        assert isinstance(detector.drift_detected, bool)


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownMethodError, match="adwin"):
        detector_info("adwinn")


def test_unknown_parameter_names_the_valid_ones() -> None:
    with pytest.raises(InputError, match="delta"):
        make_detector("adwin", delat=0.01)


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(InputError):
        make_detector("page_hinkley", mode="sideways")
    with pytest.raises(InputError):
        make_detector("kswin", window_size=50, stat_size=30)
    with pytest.raises(InputError):
        make_detector("eddm", alpha=0.8, beta=0.9)

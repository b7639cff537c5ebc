"""Properties every registered statistic has, checked over the whole registry.

Distances are zero on identical inputs and symmetric where they claim to be; p-values
lie in [0, 1]; nothing returns NaN or raises anything but InputError, whatever the
input (ties, constants, a single value, a single category, empty sides).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import watchkeeper.stats as wk_stats
from watchkeeper._exceptions import InputError
from watchkeeper.stats import (
    Method,
    TestResult,
    _categorical,
    _distances,
    _numeric_tests,
    available_methods,
    get_method,
)

REQUIRED = [
    "ks",
    "wasserstein",
    "wasserstein_norm",
    "psi",
    "jensen_shannon",
    "hellinger",
    "kl_divergence",
    "total_variation",
    "l_infinity",
    "chisquare",
    "chisquare_gof",
    "g_test",
    "z_test",
    "fisher_exact",
    "anderson",
    "cramer_von_mises",
    "mann_whitney",
    "t_test",
    "epps_singleton",
    "energy",
]

SYMMETRIC = (
    _numeric_tests.SYMMETRIC_METHODS | _distances.SYMMETRIC_METHODS | _categorical.SYMMETRIC_METHODS
)

# Only the kernels of this package: doctests elsewhere may register toy methods.
METHODS = [m for m in available_methods() if m.func.__module__.startswith("watchkeeper.stats.")]
SAMPLE_METHODS = [m for m in METHODS if m.input == "samples"]
COUNT_METHODS = [m for m in METHODS if m.input == "counts"]


def _ids(methods: list[Method]) -> list[str]:
    return [m.name for m in methods]


def test_required_methods_are_registered_with_their_metadata() -> None:
    assert set(REQUIRED) <= {m.name for m in METHODS}
    for method in METHODS:
        assert method.description
        assert method.default_threshold > 0
        if method.input == "samples":
            assert method.kinds == {"numeric"}
        elif method.output == "distance":
            assert method.kinds == {"numeric", "categorical"}
        else:
            assert method.kinds == {"categorical"}
        assert get_method(method.name) is method
        for alias in method.aliases:
            assert get_method(alias) is method
        json.dumps(method.to_dict())


def test_public_functions_are_exported() -> None:
    for method in METHODS:
        assert getattr(wk_stats, method.func.__name__) is method.func
        assert method.func.__name__ in wk_stats.__all__
        assert method.func.__doc__ and ">>>" in method.func.__doc__


def test_symmetry_claims_name_registered_methods() -> None:
    assert {m.name for m in METHODS} >= SYMMETRIC
    # These are asymmetric by construction; claiming otherwise would be a bug.
    assert not {"wasserstein_norm", "kl_divergence", "chisquare_gof"} & SYMMETRIC


def _check(method: Method, result: TestResult) -> None:
    assert isinstance(result.statistic, float)
    assert not math.isnan(result.statistic)
    if method.output == "p_value":
        assert result.p_value is not None
        assert 0.0 <= result.p_value <= 1.0
    else:
        assert result.p_value is None
        assert 0.0 <= result.statistic < math.inf


def _run(method: Method, reference: object, current: object) -> TestResult | None:
    """The result, or None when the method refuses the input with an InputError."""
    try:
        result = method(reference, current)
    except InputError as error:
        message = str(error)
    else:
        _check(method, result)
        return result
    assert message.startswith(f"{method.name}:")
    return None


# Values from a small grid make ties and constant samples common; any other error than
# InputError (a numpy traceback, a LinAlgError) fails the test.
grid_values = st.sampled_from([-2.0, -0.5, 0.0, 0.0, 1.0, 3.5, 1e6])
any_values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
samples = st.one_of(
    st.lists(grid_values, min_size=1, max_size=30),
    st.lists(any_values, min_size=1, max_size=30),
)
SETTINGS = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.parametrize("method", SAMPLE_METHODS, ids=_ids(SAMPLE_METHODS))
@SETTINGS
@given(reference=samples, current=samples)
def test_sample_methods_are_well_behaved(
    method: Method, reference: list[float], current: list[float]
) -> None:
    result = _run(method, np.array(reference), np.array(current))
    same = _run(method, np.array(reference), np.array(reference))
    if method.output == "distance":
        assert same == TestResult(0.0)
    if result is not None and method.name in SYMMETRIC:
        swapped = _run(method, np.array(current), np.array(reference))
        assert swapped is not None
        key = "p_value" if method.output == "p_value" else "statistic"
        assert getattr(swapped, key) == pytest.approx(getattr(result, key), rel=1e-9, abs=1e-12)


@st.composite
def count_pairs(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    k = draw(st.integers(1, 8))
    side = st.lists(st.integers(0, 1000), min_size=k, max_size=k).filter(lambda c: sum(c) > 0)
    return draw(side), draw(side)


@pytest.mark.parametrize("method", COUNT_METHODS, ids=_ids(COUNT_METHODS))
@SETTINGS
@given(pair=count_pairs())
def test_count_methods_are_well_behaved(method: Method, pair: tuple[list[int], list[int]]) -> None:
    reference, current = pair
    result = _run(method, reference, current)
    same = _run(method, reference, reference)
    if method.output == "distance":
        assert same == TestResult(0.0)
    if result is not None and method.name in SYMMETRIC:
        swapped = _run(method, current, reference)
        assert swapped is not None
        key = "p_value" if method.output == "p_value" else "statistic"
        assert getattr(swapped, key) == pytest.approx(getattr(result, key), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("method", METHODS, ids=_ids(METHODS))
def test_empty_sides_are_input_errors(method: Method) -> None:
    for reference, current, side in (([], [1.0], "reference"), ([1.0], [], "current")):
        with pytest.raises(InputError, match=f"^{method.name}: the {side} is empty"):
            method(reference, current)


@pytest.mark.parametrize("method", COUNT_METHODS, ids=_ids(COUNT_METHODS))
def test_count_edge_cases(method: Method) -> None:
    with pytest.raises(InputError, match="align both on the same categories"):
        method([1, 2], [1, 2, 3])
    with pytest.raises(InputError, match="every count of the current is zero"):
        method([1, 2], [0, 0])
    single = method([5], [9])  # one category: nothing can differ
    _check(method, single)
    assert single.p_value in (None, 1.0)
    if method.output == "distance":
        assert single.statistic == 0.0


@pytest.mark.parametrize("method", SAMPLE_METHODS, ids=_ids(SAMPLE_METHODS))
def test_sample_edge_cases(method: Method) -> None:
    rng = np.random.default_rng(1)
    for reference, current in (
        ([1.5], rng.normal(size=20)),  # one value on one side
        (np.full(10, 3.0), np.full(12, 3.0)),  # identical constants
        (np.full(10, 3.0), np.full(12, 4.0)),  # different constants
        (np.full(10, 3.0), rng.normal(size=12)),  # one constant side
    ):
        _run(method, reference, current)
        _run(method, current, reference)
    identical = _run(method, np.full(10, 3.0), np.full(12, 3.0))
    assert identical is not None
    assert identical.p_value in (None, 1.0)


def test_aliases_cannot_take_over_registered_names() -> None:
    from watchkeeper import InputError
    from watchkeeper.stats import TestResult, get_method, register_method

    def gap(reference: object, current: object) -> TestResult:
        return TestResult(0.0)

    with pytest.raises(InputError, match="registered already"):
        register_method(
            "gap_alias_test", gap, kinds=["numeric"], input="samples", output="distance",
            default_threshold=1.0, aliases=["ks"],
        )  # fmt: skip
    assert get_method("ks").name == "ks"
    register_method(
        "gap_alias_test", gap, kinds=["numeric"], input="samples", output="distance",
        default_threshold=1.0, aliases=["gap_old"],
    )  # fmt: skip
    register_method(
        "gap_alias_test", gap, kinds=["numeric"], input="samples", output="distance",
        default_threshold=1.0, aliases=["gap_new"], replace=True,
    )  # fmt: skip
    assert get_method("gap_new").name == "gap_alias_test"
    with pytest.raises(InputError):
        get_method("gap_old")

"""Synthetic streams: change points where they are said to be, seeded, validated."""

from __future__ import annotations

import numpy as np
import pytest

from watchkeeper._exceptions import InputError
from watchkeeper.streaming import binary_stream, real_stream


def test_abrupt_real_stream_steps_by_shift() -> None:
    s = real_stream(n=40_000, change_points=[10_000, 20_000, 30_000], shift=2.0, std=0.5, seed=1)
    assert s.kind == "real" and s.drift == "abrupt" and s.width == 0
    assert s.values.dtype == np.float64
    means = [s.values[a : a + 10_000].mean() for a in range(0, 40_000, 10_000)]
    np.testing.assert_allclose(means, [0.0, 2.0, 4.0, 6.0], atol=0.02)
    stds = [s.values[a : a + 10_000].std() for a in range(0, 40_000, 10_000)]
    np.testing.assert_allclose(stds, 0.5, atol=0.02)


def test_default_change_point_is_the_middle() -> None:
    assert real_stream(n=1000).change_points == (500,)
    assert binary_stream(n=1000, drift="gradual", width=100).change_points == (500,)
    assert real_stream(n=1000, drift="none").change_points == ()


def test_gradual_stream_mixes_linearly() -> None:
    # Over the transition each value is new with probability (j + 1) / (width + 1):
    # about a quarter new in the first half, three quarters in the second.
    s = real_stream(
        n=2_000_000,
        change_points=[1_000_000],
        shift=10.0,
        std=0.0,
        width=1000,
        seed=2,
        drift="gradual",
    )
    assert set(np.unique(s.values)) == {0.0, 10.0}
    assert (s.values[:1_000_000] == 0.0).all()
    assert (s.values[1_001_000:] == 10.0).all()
    ramp = s.values[1_000_000:1_001_000] / 10.0
    assert ramp[:500].mean() == pytest.approx(0.25, abs=0.05)
    assert ramp[500:].mean() == pytest.approx(0.75, abs=0.05)


def test_binary_stream_rates() -> None:
    s = binary_stream(n=300_000, change_points=[100_000, 200_000], seed=3)
    assert s.values.dtype == np.bool_
    rates = [s.values[a : a + 100_000].mean() for a in (0, 100_000, 200_000)]
    np.testing.assert_allclose(rates, [0.1, 0.25, 0.4], atol=0.005)
    custom = binary_stream(n=20_000, change_points=[10_000], rates=[0.0, 1.0])
    assert not custom.values[:10_000].any() and custom.values[10_000:].all()


def test_same_seed_same_stream() -> None:
    a = real_stream(seed=7, drift="gradual")
    b = real_stream(seed=7, drift="gradual")
    c = real_stream(seed=8, drift="gradual")
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"drift": "sudden"},
        {"drift": "none", "change_points": [10]},
        {"change_points": [0]},
        {"change_points": [500, 400]},
        {"change_points": [1000]},
        {"drift": "gradual", "change_points": [950], "width": 100},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        real_stream(n=1000, **kwargs)  # type: ignore[arg-type]  # deliberately bad values


def test_rates_must_match_the_concepts() -> None:
    with pytest.raises(InputError, match="2 error rates"):
        binary_stream(n=1000, rates=[0.1])
    with pytest.raises(InputError):
        binary_stream(n=1000, rates=[0.1, 1.5])

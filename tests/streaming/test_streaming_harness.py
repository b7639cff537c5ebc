"""The harness: scoring rules by hand, and a known stream with a delay computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from watchkeeper._exceptions import InputError
from watchkeeper.streaming import (
    PageHinkley,
    Stream,
    detect,
    evaluate,
    score_detections,
    summarize,
)


def _step_stream() -> Stream:
    values = np.array([0.0] * 100 + [1.0] * 100)
    return Stream("step", "real", "abrupt", values, (100,), 0, 0)


def test_known_change_point_gives_the_hand_computed_delay() -> None:
    # Page-Hinkley with alpha 1, delta 0, threshold 5 on 100 zeros then ones: the
    # upward sum after j ones is 100/101 + ... + 100/(100 + j), which first exceeds
    # 5 at j = 6 (4.855 at j = 5, 5.799 at j = 6): index 105, so the delay is 5.
    ph = PageHinkley(min_instances=1, delta=0.0, threshold=5.0, alpha=1.0)
    score = evaluate(ph, _step_stream())
    assert score.detections == (105,)
    assert score.delays == (5,)
    assert score.mean_delay == 5.0
    assert score.false_alarms == 0
    assert score.missed_changes == 0
    assert score.false_alarms_per_10k == 0.0


def test_detection_on_the_change_point_itself_has_delay_zero() -> None:
    score = score_detections([100], [100], 200)
    assert score.delays == (0,)


def test_scoring_rules() -> None:
    # Changes at 100 and 500 in 1000 values. 50 is before any change: false alarm.
    # 120 is the first after 100 (delay 20); 130 is a second one: false alarm.
    # 620 is the first after 500 (delay 120); 900 a false alarm.
    score = score_detections([900, 50, 120, 130, 620], [500, 100], 1000)
    assert score.change_points == (100, 500)
    assert score.detections == (50, 120, 130, 620, 900)
    assert score.delays == (20, 120)
    assert score.false_alarms == 3
    assert score.missed_changes == 0
    assert score.mean_delay == 70.0
    assert score.false_alarms_per_10k == 30.0


def test_max_delay_turns_late_detections_into_misses_and_false_alarms() -> None:
    score = score_detections([120, 620], [100, 500], 1000, max_delay=100)
    assert score.delays == (20, None)
    assert score.missed_changes == 1
    assert score.false_alarms == 1
    assert score.mean_delay == 20.0


def test_a_detection_for_the_next_change_does_not_count_for_the_previous() -> None:
    score = score_detections([510], [100, 500], 1000)
    assert score.delays == (None, 10)
    assert score.missed_changes == 1


def test_no_change_means_every_detection_is_a_false_alarm() -> None:
    score = score_detections([10, 20], [], 5000)
    assert score.false_alarms == 2
    assert score.false_alarms_per_10k == 4.0
    assert score.mean_delay is None
    assert score.to_dict()["delays"] == ()


def test_summary_adds_up_runs() -> None:
    a = score_detections([110], [100], 1000)
    b = score_detections([50, 330], [300], 1000)
    c = score_detections([], [100], 1000)
    total = summarize([a, b, c])
    assert total.runs == 3
    assert total.n == 3000
    assert total.changes == 3
    assert total.detections == 3
    assert total.false_alarms == 1
    assert total.missed_changes == 1
    assert total.mean_delay == 20.0
    assert math.isclose(total.false_alarms_per_10k, 10_000 / 3000)


def test_detect_resets_the_detector_first() -> None:
    ph = PageHinkley(min_instances=1, delta=0.0, threshold=5.0, alpha=1.0)
    values = [0.0] * 100 + [1.0] * 10
    assert detect(ph, values) == detect(ph, np.array(values)) == (105,)


def test_evaluate_by_name() -> None:
    stream = Stream("flat", "real", "none", np.zeros(500), (), 0, 0)
    assert evaluate("adwin", stream).detections == ()


def test_empty_stream_is_refused() -> None:
    with pytest.raises(InputError):
        score_detections([], [], 0)

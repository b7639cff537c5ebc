"""Evaluation harness: how early, how often wrongly and how often not at all a detector fires.

A detection at index ``d`` is matched to the latest change point ``c <= d``: the
first detection after each change (and before the next change, or within
``max_delay`` values when given) is a true detection with delay ``d - c`` (0 when
the detector fires on the first value of the new concept; for a gradual drift the
delay counts from the start of the transition). Every other detection is a false
alarm, and a change without a true detection is missed. Lower is better for all
three: mean detection delay, false alarms per 10,000 values, missed changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from watchkeeper._exceptions import InputError
from watchkeeper.streaming._base import DriftDetector
from watchkeeper.streaming._registry import make_detector
from watchkeeper.streaming._streams import Stream

__all__ = [
    "DetectionScore",
    "HarnessSummary",
    "detect",
    "evaluate",
    "score_detections",
    "summarize",
]


@dataclass(frozen=True)
class DetectionScore:
    """How one run of a detector over one stream went.

    ``delays[i]`` is the delay for ``change_points[i]``, or None if it was missed;
    ``mean_delay`` is None when every change was missed (or there was none).
    """

    n: int
    change_points: tuple[int, ...]
    detections: tuple[int, ...]
    delays: tuple[int | None, ...]
    false_alarms: int
    missed_changes: int
    mean_delay: float | None
    false_alarms_per_10k: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return asdict(self)


@dataclass(frozen=True)
class HarnessSummary:
    """Scores of several runs added up; rates are over all values of all runs."""

    runs: int
    n: int
    changes: int
    detections: int
    false_alarms: int
    missed_changes: int
    mean_delay: float | None
    false_alarms_per_10k: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return asdict(self)


def detect(detector: DriftDetector, values: Iterable[Any]) -> tuple[int, ...]:
    """Reset ``detector``, feed it ``values`` in order and return where it signalled drift.

    Numpy arrays are fed as plain Python numbers, which detectors process fastest.

    >>> from watchkeeper.streaming import PageHinkley
    >>> detect(PageHinkley(threshold=5.0), [0.0] * 50 + [1.0] * 50)
    (55,)
    """
    if isinstance(values, np.ndarray):
        values = values.tolist()
    detector.reset()
    update = detector.update
    hits = []
    for i, x in enumerate(values):
        update(x)
        if detector.drift_detected:
            hits.append(i)
    return tuple(hits)


def score_detections(
    detections: Sequence[int],
    change_points: Sequence[int],
    n: int,
    *,
    max_delay: int | None = None,
) -> DetectionScore:
    """Match detection indices to change points (see the module docstring).

    >>> s = score_detections([50, 120, 130, 900], [100, 500], 1000, max_delay=200)
    >>> s.delays, s.false_alarms, s.missed_changes, s.mean_delay, s.false_alarms_per_10k
    ((20, None), 3, 1, 20.0, 30.0)
    """
    if n <= 0:
        raise InputError(f"a stream needs at least one value, got n={n}")
    points = sorted(int(c) for c in change_points)
    hits = sorted(int(d) for d in detections)
    delays: list[int | None] = []
    matched = 0
    for i, c in enumerate(points):
        end = points[i + 1] if i + 1 < len(points) else n
        if max_delay is not None:
            end = min(end, c + max_delay + 1)
        first = next((d for d in hits if c <= d < end), None)
        delays.append(None if first is None else first - c)
        matched += first is not None
    found = [d for d in delays if d is not None]
    false_alarms = len(hits) - matched
    return DetectionScore(
        n=n,
        change_points=tuple(points),
        detections=tuple(hits),
        delays=tuple(delays),
        false_alarms=false_alarms,
        missed_changes=len(points) - matched,
        mean_delay=sum(found) / len(found) if found else None,
        false_alarms_per_10k=false_alarms * 10_000 / n,
    )


def evaluate(
    detector: DriftDetector | str, stream: Stream, *, max_delay: int | None = None
) -> DetectionScore:
    """Run ``detector`` (or the registered detector of that name) over ``stream`` and score it.

    >>> from watchkeeper.streaming import real_stream
    >>> score = evaluate("adwin", real_stream(n=4000, change_points=[2000], shift=1.0, seed=3))
    >>> score.delays, score.false_alarms
    ((47,), 0)
    """
    if isinstance(detector, str):
        detector = make_detector(detector)
    hits = detect(detector, stream.values)
    return score_detections(hits, stream.change_points, len(stream.values), max_delay=max_delay)


def summarize(scores: Iterable[DetectionScore]) -> HarnessSummary:
    """Add up several scores; the mean delay is over every detected change.

    >>> a = score_detections([110], [100], 1000)
    >>> b = score_detections([50, 330], [300], 1000)
    >>> summarize([a, b]).mean_delay, summarize([a, b]).false_alarms_per_10k
    (20.0, 5.0)
    """
    scores = list(scores)
    delays = [d for s in scores for d in s.delays if d is not None]
    n = sum(s.n for s in scores)
    false_alarms = sum(s.false_alarms for s in scores)
    return HarnessSummary(
        runs=len(scores),
        n=n,
        changes=sum(len(s.change_points) for s in scores),
        detections=sum(len(s.detections) for s in scores),
        false_alarms=false_alarms,
        missed_changes=sum(s.missed_changes for s in scores),
        mean_delay=sum(delays) / len(delays) if delays else None,
        false_alarms_per_10k=false_alarms * 10_000 / n if n else math.nan,
    )

"""Real-time concept drift: each labelled record's error feeds a streaming detector
per model version, as the labels arrive, not when the window closes.

The error is ``prediction != label`` (0 or 1) for classification and
``|label - prediction|`` for regression. The detector is DDM for classification and
ADWIN for regression unless the model's ``monitoring: {concept_drift: ...}`` names
another one of :mod:`watchkeeper.streaming` (a name, or ``{detector: name, ...}``
with its parameters); a binary detector needs classification.

Series, per window of the labelled records: ``concept_drift`` (1 when the detector
signalled a drift on a label of that window, else 0) and ``concept_drift_statistic``
(ADWIN's estimate; for the others, the mean error since the detector last restarted).
They are stored and evaluated by the monitors as soon as the label batch is in, and
written again, the same, when the window closes.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.service._points import Value
from watchkeeper.service.kinds._base import (
    LabelsInput,
    LabelsOutput,
    MonitorKind,
    WindowInput,
    monitoring_options,
    problem_of,
)
from watchkeeper.streaming import DriftDetector, detector_info, make_detector

__all__ = ["KIND", "ConceptDrift", "DetectorState", "detector_spec", "record_error"]

# Per-window results kept (the newest); an older window's figures are in the store.
_KEEP_WINDOWS = 500


def detector_spec(task: str, schema: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The detector name and parameters for a model (default: DDM, or ADWIN for regression).

    >>> detector_spec("regression", {})
    ('adwin', {})
    >>> detector_spec("binary_classification", {"monitoring": {"concept_drift": "eddm"}})
    ('eddm', {})
    """
    given = monitoring_options(schema).get("concept_drift")
    regression = problem_of(task) == "regression"
    if given is None:
        return ("adwin" if regression else "ddm"), {}
    params: dict[str, Any] = {}
    if isinstance(given, Mapping):
        params = {str(k): v for k, v in given.items() if k != "detector"}
        given = given.get("detector")
    name = str(given)
    if regression and detector_info(name).input_kind == "binary":
        raise InputError(
            f"concept drift detector {name!r} takes 0/1 errors; a regression model's errors "
            "are real numbers: choose adwin, page_hinkley, cusum, ewma or kswin"
        )
    return name, params


def record_error(task: str, prediction: Any, score: float | None, label: Any) -> float | None:
    """The error of one labelled record (None when it has no prediction to compare).

    >>> record_error("binary_classification", 1, 0.8, 0), record_error("regression", 2.5, None, 4)
    (1.0, 1.5)
    >>> record_error("binary_classification", None, 0.3, 0)
    0.0
    """
    if problem_of(task) == "regression":
        if not isinstance(prediction, int | float) or not isinstance(label, int | float):
            return None
        return abs(float(label) - float(prediction))
    if prediction is None and score is not None and problem_of(task) == "binary":
        prediction = int(score >= 0.5)
    if prediction is None:
        return None
    return 0.0 if prediction == label or str(prediction) == str(label) else 1.0


@dataclass
class DetectorState:
    """A detector and what the service reports about it, between label batches."""

    name: str
    detector: DriftDetector
    n_seen: int = 0
    since_restart: int = 0
    error_sum: float = 0.0
    windows: dict[int, tuple[float, float]] = field(default_factory=dict)

    def statistic(self) -> float:
        estimation = getattr(self.detector, "estimation", None)
        if isinstance(estimation, float):
            return estimation
        return self.error_sum / self.since_restart if self.since_restart else 0.0

    def update(self, window_start_us: int, error: float) -> bool:
        """Feed one error; whether the detector signalled a drift."""
        self.detector.update(error)
        self.n_seen += 1
        self.since_restart += 1
        self.error_sum += error
        drifted = bool(self.detector.drift_detected)
        before = self.windows.get(window_start_us, (0.0, 0.0))[0]
        self.windows[window_start_us] = (max(before, float(drifted)), self.statistic())
        if drifted:  # the detector restarts (ADWIN drops the old part itself)
            self.since_restart, self.error_sum = 0, 0.0
        return drifted

    def output(self, series: str, touched: set[int]) -> LabelsOutput:
        """The state to store (the newest windows only) and the ``series`` values of the
        windows ``touched``."""
        for old in sorted(self.windows)[:-_KEEP_WINDOWS]:
            del self.windows[old]
        values = {start: _values(series, self.windows[start]) for start in touched}
        return LabelsOutput(state=pickle.dumps(self), values=values, n_seen=self.n_seen)


def detector_window_values(series: str, window: WindowInput) -> list[Value]:
    """The ``series`` values of a closing window, from the stored :class:`DetectorState`."""
    if window.state is None or window.segment is not None:
        return []
    state: DetectorState = pickle.loads(window.state)  # the service wrote it
    figures = state.windows.get(window.window_start_us)
    return [] if figures is None else _values(series, figures)


class ConceptDrift(MonitorKind):
    """A streaming detector on the label-joined error stream of each version."""

    name = "concept_drift"

    def on_labels(self, labels: LabelsInput) -> LabelsOutput | None:
        if problem_of(labels.task) is None:
            return None
        state: DetectorState
        if labels.state is not None:
            state = pickle.loads(labels.state)
        else:
            name, params = detector_spec(labels.task, labels.schema)
            state = DetectorState(name, make_detector(name, **params))
        touched: set[int] = set()
        for record in labels.records:
            error = record_error(labels.task, record.prediction, record.score, record.label)
            if error is None:
                continue
            state.update(record.window_start_us, error)
            touched.add(record.window_start_us)
        return state.output(self.name, touched)

    def window_values(self, window: WindowInput) -> list[Value]:
        return detector_window_values(self.name, window)


def _values(series: str, figures: tuple[float, float]) -> list[Value]:
    return [(series, None, figures[0]), (f"{series}_statistic", None, figures[1])]


KIND = ConceptDrift()

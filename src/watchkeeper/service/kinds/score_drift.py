"""Label-free alerts on the score stream (opt-in: ``monitoring: {score_drift: adwin}``
or ``{score_drift: {detector: page_hinkley, threshold: 20}}``): each stored prediction's
score (binary classification: ``score``; regression: the prediction) feeds a streaming
detector of :mod:`watchkeeper.streaming` per version, as the batch is stored, so a
shift in what the model outputs alerts before any label and before the window closes.

Series, per window of the scored records: ``score_drift`` (1 when the detector fired on
a score of that window, else 0) and ``score_drift_statistic`` (ADWIN's estimate of the
mean score; for the others, the mean score since the detector last restarted).
Opt-in because it runs in the ingestion request.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.service._points import Value
from watchkeeper.service.kinds._base import (
    LabelsOutput,
    MonitorKind,
    PredictionsInput,
    WindowInput,
    monitoring_options,
    problem_of,
)
from watchkeeper.service.kinds.concept_drift import DetectorState, detector_window_values
from watchkeeper.streaming import detector_info, make_detector

__all__ = ["KIND", "ScoreDrift", "score_detector_spec"]


def score_detector_spec(schema: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The score detector and its parameters, or None when the model did not opt in.

    >>> score_detector_spec({"monitoring": {"score_drift": "adwin"}}), score_detector_spec({})
    (('adwin', {}), None)
    """
    given = monitoring_options(schema).get("score_drift")
    if given is None or given is False:
        return None
    params: dict[str, Any] = {}
    if isinstance(given, Mapping):
        params = {str(k): v for k, v in given.items() if k != "detector"}
        given = given.get("detector", "adwin")
    name = "adwin" if given is True else str(given)
    if detector_info(name).input_kind == "binary":
        raise InputError(
            f"score drift detector {name!r} takes 0/1 values; scores are real numbers: "
            "choose adwin, page_hinkley, cusum, ewma or kswin"
        )
    return name, params


class ScoreDrift(MonitorKind):
    """A streaming detector on each version's scores, as predictions are stored."""

    name = "score_drift"

    def wants_predictions(self, schema: Mapping[str, Any]) -> bool:
        return score_detector_spec(schema) is not None

    def on_predictions(self, predictions: PredictionsInput) -> LabelsOutput | None:
        spec = score_detector_spec(predictions.schema)
        if spec is None or problem_of(predictions.task) not in ("binary", "regression"):
            return None
        if predictions.state is not None:
            state: DetectorState = pickle.loads(predictions.state)  # the service wrote it
        else:
            state = DetectorState(spec[0], make_detector(spec[0], **spec[1]))
        touched: set[int] = set()
        for start, score in predictions.scores:
            state.update(start, float(score))
            touched.add(start)
        return state.output(self.name, touched)

    def window_values(self, window: WindowInput) -> list[Value]:
        return detector_window_values(self.name, window)


KIND = ScoreDrift()

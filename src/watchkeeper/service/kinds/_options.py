"""A model's ``monitoring`` options in watchkeeper.yaml, checked once.

``concept_drift``: a streaming detector of :mod:`watchkeeper.streaming` (a name, or
``{detector: name, <parameter>: value}``) for the label-joined error stream; the
default is DDM for classification and ADWIN for regression. ``multivariate``: true to
compute the domain classifier's AUC per window (it reads every window's features).
``score_drift``: a detector (as ``concept_drift``; ``true`` is ADWIN) on the score
stream, run as predictions are stored, for alerts that need no label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watchkeeper._exceptions import InputError, UnknownMethodError

__all__ = ["MONITORING_KEYS", "check_monitoring"]

MONITORING_KEYS = ("concept_drift", "multivariate", "score_drift")


def check_monitoring(options: Mapping[str, Any], task: str) -> tuple[dict[str, Any], list[str]]:
    """The options in the service's form and the problems found (empty when fine).

    >>> check_monitoring({"concept_drift": "adwin", "multivariate": True}, "regression")
    ({'concept_drift': 'adwin', 'multivariate': True}, [])
    >>> check_monitoring({"concept_drift": "ddm"}, "regression")[1][0][:37]
    "concept drift detector 'ddm' takes 0/"
    """
    from watchkeeper.service.kinds.concept_drift import detector_spec
    from watchkeeper.service.kinds.score_drift import score_detector_spec
    from watchkeeper.streaming import make_detector

    problems: list[str] = []
    clean: dict[str, Any] = {}
    for key, value in options.items():
        if key not in MONITORING_KEYS:
            problems.append(f"unknown key {key!r} (use {', '.join(MONITORING_KEYS)})")
        elif key == "multivariate":
            if not isinstance(value, bool):
                problems.append("'multivariate' must be true or false")
            else:
                clean[key] = value
        else:
            given = dict(value) if isinstance(value, Mapping) else value
            try:
                if key == "score_drift":
                    spec = score_detector_spec({"monitoring": {key: given}})
                    name, params = spec if spec is not None else ("adwin", {})
                else:
                    name, params = detector_spec(task, {"monitoring": {key: given}})
                make_detector(name, **params)
            except (InputError, UnknownMethodError, TypeError) as error:
                problems.append(str(error))
            else:
                clean[key] = given
    return clean, problems

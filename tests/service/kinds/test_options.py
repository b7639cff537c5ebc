"""A model's ``monitoring`` options in watchkeeper.yaml: checked with lines, kept in
the service schema, and read by the kinds."""

from __future__ import annotations

import pytest

from watchkeeper.service.config import InvalidConfigError, parse_config
from watchkeeper.service.kinds import available_kinds
from watchkeeper.service.kinds.concept_drift import detector_spec


def _model(monitoring: str, task: str = "regression") -> str:
    return f"models:\n  - name: m\n    task: {task}\n    monitoring: {monitoring}\n"


def test_options_are_kept_in_the_service_schema() -> None:
    config = parse_config(
        _model("{concept_drift: {detector: page_hinkley, threshold: 20}, multivariate: true}")
    )
    schema = config.models[0].schema
    assert schema["monitoring"] == {
        "concept_drift": {"detector": "page_hinkley", "threshold": 20},
        "multivariate": True,
    }
    assert detector_spec("regression", schema) == ("page_hinkley", {"threshold": 20})


@pytest.mark.parametrize(
    ("monitoring", "message"),
    [
        ("{concept_drift: ddm}", "takes 0/1 errors"),
        ("{concept_drift: nope}", "no streaming detector named 'nope'"),
        ("{concept_drift: {detector: adwin, width: 3}}", "has no parameter 'width'"),
        ("{multivarite: true}", "unknown key 'multivarite'"),
        ("{multivariate: maybe}", "must be true or false"),
        ("{score_drift: eddm}", "takes 0/1 values"),
    ],
)
def test_bad_options_are_refused_with_their_line(monitoring: str, message: str) -> None:
    with pytest.raises(InvalidConfigError, match=f"watchkeeper.yaml:4: .*{message}"):
        parse_config(_model(monitoring))


def test_every_kind_module_registers_itself() -> None:
    kinds = available_kinds()
    assert set(kinds) >= {
        "attribution", "bias", "concept_drift", "estimated_performance", "score_statistics",
    }  # fmt: skip
    assert all(name == kind.name for name, kind in kinds.items())

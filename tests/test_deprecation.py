"""Every renamed public name still works under its old spelling, with a warning that
names the new one (CHANGELOG.md, "Unreleased")."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from watchkeeper import llm, performance, streaming

ALIASES: list[tuple[Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = [
    (performance.metric_names, performance.available_metrics, ("regression",)),
    (streaming.detector_names, streaming.available_detectors, ("binary",)),
    (llm.list_scanners, llm.available_scanners, ()),
]


@pytest.mark.parametrize(("old", "new", "args"), ALIASES, ids=lambda x: getattr(x, "__name__", ""))
def test_old_name_warns_and_answers_like_the_new(
    old: Callable[..., Any], new: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    message = f"{old.__name__} is deprecated; use {new.__name__}"
    with pytest.warns(DeprecationWarning, match=message):
        answer = old(*args)
    assert answer == new(*args)
    assert answer  # a registry that lists nothing would make the comparison empty


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [
        ("watchkeeper.quality", "Check", "QualityCheck"),
        ("watchkeeper.checks", "Condition", "ConditionInfo"),
    ],
)
def test_renamed_classes_keep_their_old_names(module: str, old: str, new: str) -> None:
    package = importlib.import_module(module)
    with pytest.warns(
        DeprecationWarning, match=f"{module}.{old} is deprecated; use {module}.{new}"
    ):
        alias = getattr(package, old)
    assert alias is getattr(package, new)
    assert old not in package.__all__ and new in package.__all__


def test_one_severity_for_findings_and_alerts() -> None:
    from watchkeeper._severity import Severity
    from watchkeeper.quality import Severity as QualitySeverity
    from watchkeeper.service import Severity as AlertSeverity

    assert QualitySeverity is Severity and AlertSeverity is Severity
    assert [s.value for s in sorted(Severity, key=lambda s: s.rank)] == [
        "critical",
        "warning",
        "info",
    ]


def test_llm_verdicts_are_named_drifted() -> None:
    from watchkeeper.llm.monitoring import token_drift

    result = token_drift(["a b c"] * 20, ["x y z"] * 20)
    with pytest.warns(DeprecationWarning, match="TokenDriftResult.drift_detected is deprecated"):
        old = result.drift_detected
    assert old is result.drifted is True
    assert result.to_dict()["drifted"] is True


def test_the_dataset_verdict_is_named_drifted() -> None:
    from watchkeeper.drift import detect_drift

    result = detect_drift({"x": [0.0, 1.0, 2.0, 3.0] * 50}, {"x": [5.0, 6.0, 7.0, 8.0] * 50})
    with pytest.warns(DeprecationWarning, match="DatasetDrift.dataset_drift is deprecated"):
        old = result.dataset_drift
    assert old is result.drifted is True
    assert result.to_dict()["dataset_drift"] is True  # the JSON key is unchanged

"""Every renamed public name still works under its old spelling, with a warning that
names the new one (CHANGELOG.md, "Unreleased")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from watchkeeper import performance, streaming

ALIASES: list[tuple[Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = [
    (performance.metric_names, performance.available_metrics, ("regression",)),
    (streaming.detector_names, streaming.available_detectors, ("binary",)),
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

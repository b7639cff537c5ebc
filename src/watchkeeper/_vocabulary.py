"""Closed sets of words that the service, the server, ``watchkeeper.yaml`` and the CLI
share, each defined once here (a light module: no store, no numpy).

- :data:`Task` / :data:`TASKS`: what a monitored model does, and
  :data:`PROBLEM_OF_TASK`, the problem its performance metrics are registered under
  (:mod:`watchkeeper.performance`; ``llm`` has none);
- :data:`Scope` / :data:`SCOPES`: what an API key may do (``admin`` implies the others;
  ``reports`` uploads batch reports).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, get_args

__all__ = ["PROBLEM_OF_TASK", "SCOPES", "TASKS", "Scope", "Task"]

Task = Literal["binary_classification", "multiclass_classification", "regression", "llm"]
TASKS: tuple[str, ...] = get_args(Task)

PROBLEM_OF_TASK: Mapping[str, str | None] = MappingProxyType(
    {
        "binary_classification": "binary",
        "multiclass_classification": "multiclass",
        "regression": "regression",
        "llm": None,
    }
)

Scope = Literal["ingest", "read", "admin", "reports"]
SCOPES: tuple[str, ...] = get_args(Scope)

"""The Spark integration's worker Python: set when unset, a clear error when wrong.

No JVM here: a worker that cannot import watchkeeper is a fault a local session cannot
be made to produce after it started with the right Python, so a fake session raises
what PySpark raises then (fault injection only).
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from watchkeeper._exceptions import InputError
from watchkeeper.integrations.spark import _profile, use_driver_python


class _BrokenWorkers:
    """Stands in for ``df.sparkSession`` whose executors lack watchkeeper."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.sparkContext = self

    @property
    def sparkSession(self) -> _BrokenWorkers:  # PySpark's attribute name
        return self

    def parallelize(self, *_: Any) -> _BrokenWorkers:
        return self

    def map(self, *_: Any) -> _BrokenWorkers:
        return self

    def collect(self) -> list[str]:
        raise self.error


def test_an_executor_without_watchkeeper_is_a_clear_error() -> None:
    broken = _BrokenWorkers(RuntimeError("ModuleNotFoundError: No module named 'watchkeeper'"))
    with pytest.raises(InputError, match=r"cannot import watchkeeper; set PYSPARK_PYTHON=") as info:
        _profile._worker_python(broken)
    assert sys.executable in str(info.value)


def test_other_worker_failures_are_not_hidden() -> None:
    with pytest.raises(RuntimeError, match="disk full"):
        _profile._worker_python(_BrokenWorkers(RuntimeError("disk full")))


def test_pyspark_python_is_set_only_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    assert use_driver_python() == sys.executable
    monkeypatch.setenv("PYSPARK_PYTHON", "/opt/python")
    assert use_driver_python() == "/opt/python"

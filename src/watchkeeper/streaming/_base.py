"""The contract every streaming drift detector follows.

A detector sees one value at a time through ``update(x)``, which returns ``None``;
after each call the read-only properties ``drift_detected`` and
``warning_detected`` say what the detector concluded from that value. Both flags
describe only the most recent update: they go back to ``False`` at the next one.
``True`` is the bad direction for both.

After a drift the detector restarts from a fresh state at its next update (River's
convention), except ADWIN, whose method already drops the stale part of its window.
``reset()`` rebuilds the state at any time; every detector keeps its constructor's
keyword parameters unchanged as public attributes and its derived state private,
rebuilt by one ``_reset()``.

Missing values: a ``float('nan')`` is skipped, because it carries no evidence for or
against a change. The statistics stay as they were and so does ``warning_detected``;
``drift_detected`` goes back to False (a drift is reported once) and a detector that
had just signalled a drift restarts, as it would at its next update. An infinite
value, a value that is not a number, or (for the binary detectors) a value other
than 0, 1, ``False`` or ``True`` raises :class:`~watchkeeper._exceptions.InputError`.
"""

from __future__ import annotations

import abc
import math
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar, Literal

from watchkeeper._exceptions import InputError

__all__ = ["BinaryDriftDetector", "DriftDetector", "InputKind"]

InputKind = Literal["real", "binary"]


class DriftDetector(abc.ABC):
    """Base class of the detectors that take real values.

    Subclasses implement ``update`` and ``_reset`` and set ``_drift_detected``
    (and ``_warning_detected`` where their method defines a warning zone).
    """

    input_kind: ClassVar[InputKind] = "real"
    #: Whether the method defines a warning zone; if not, ``warning_detected`` stays False.
    has_warning: ClassVar[bool] = False

    _drift_detected: bool
    _warning_detected: bool

    def __init__(self) -> None:
        self._reset()

    if TYPE_CHECKING:

        @property
        def drift_detected(self) -> bool:
            """Whether the last update signalled a drift."""

        @property
        def warning_detected(self) -> bool:
            """Whether the detector is in its warning zone (always False without one)."""

    else:
        # Read once per update in every monitoring loop: a C-level getter costs about
        # half a Python one, and the property stays read-only.
        drift_detected = property(
            attrgetter("_drift_detected"), doc="Whether the last update signalled a drift."
        )
        warning_detected = property(
            attrgetter("_warning_detected"),
            doc="Whether the detector is in its warning zone (always False without one).",
        )

    def reset(self) -> None:
        """Forget everything seen so far, as if the detector had just been built."""
        self._reset()

    def _reset(self) -> None:
        self._drift_detected = False
        self._warning_detected = False

    @abc.abstractmethod
    def update(self, x: float) -> None:
        """Feed one value; read ``drift_detected`` and ``warning_detected`` afterwards."""

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({params})"


class BinaryDriftDetector(DriftDetector):
    """Base class of the detectors that take one error indicator per prediction.

    ``update(True)`` (or 1) means the model was wrong on that example, ``update(False)``
    (or 0) that it was right; an increase of the error rate is the bad direction.
    """

    input_kind: ClassVar[InputKind] = "binary"


def bad_real(detector: DriftDetector, x: object) -> None:
    """Skip a NaN (see the module docstring) or raise for a value no detector takes.

    >>> from watchkeeper.streaming import ADWIN
    >>> bad_real(ADWIN(), float("nan"))
    """
    if isinstance(x, float) and math.isnan(x):
        if detector._drift_detected:
            detector._reset()
        return
    if isinstance(x, (int, float)):
        raise InputError(f"streaming detectors take finite numbers, got {x!r}; clip or drop it")
    if not isinstance(x, (str, bytes)):
        # Numbers that cannot be subtracted from themselves (numpy booleans)
        # take this slow path.
        try:
            value = float(x)  # type: ignore[arg-type]  # anything float() accepts
        except (TypeError, ValueError):
            pass
        else:
            detector.update(value)
            return
    raise InputError(f"streaming detectors take numbers, got {x!r} ({type(x).__name__})")


def bad_binary(detector: DriftDetector, x: object) -> None:
    """Skip a NaN (see the module docstring) or raise for a value that is not 0 or 1.

    >>> from watchkeeper.streaming import DDM
    >>> bad_binary(DDM(), float("nan"))
    """
    if isinstance(x, float) and math.isnan(x):
        if detector._drift_detected:
            detector._reset()
        return
    raise InputError(
        f"binary drift detectors take 0/1 or False/True (1 = the model was wrong), got {x!r}"
    )

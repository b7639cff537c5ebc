"""Numbers for people and for JSON, one rule each.

- :func:`format_number`: ``digits`` significant digits, no trailing zeros (the ``g``
  format): messages, findings, alert texts, suite titles, rule thresholds;
- :func:`finite_or_none`: JSON has no NaN or infinity, so a statistic that is not a
  finite number is written as null (unknown), never as a made-up value.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["finite_or_none", "format_number"]


def format_number(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits, as a person reads it.

    >>> format_number(3.0), format_number(0.000123456), format_number(1234567.0)
    ('3', '0.0001235', '1.235e+06')
    >>> format_number(0.84 * (1 - 0.05), digits=12), format_number(float("nan"))
    ('0.798', 'nan')
    """
    return f"{float(value):.{digits}g}"


def finite_or_none(value: Any) -> float | None:
    """``value`` as a float when it is a finite number (numpy scalars included), else
    None; text is not a number here, even when it reads as one.

    >>> import numpy as np
    >>> [finite_or_none(v) for v in (1, 2.5, np.float32(0.5), np.array(3.0), float("nan"))]
    [1.0, 2.5, 0.5, 3.0, None]
    >>> [finite_or_none(v) for v in (-np.inf, None, "1", [1.0])]
    [None, None, None, None]
    """
    if value is None or isinstance(value, str | bytes):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None

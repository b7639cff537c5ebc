"""Operational aggregates of a window that travel beside a profile: record and error
counts and a mergeable latency histogram.

A feature profile (``.wkp``) holds the features; what the operations monitors read
(``row_count``, ``error_rate``, ``latency_p50_ms``/``p95``/``p99``) travels as this small
JSON object, in the ``Watchkeeper-Operations`` header of a profile post. The latency
histogram has fixed logarithmic edges (each bin 2% wider than the one before, from
1 microsecond), so two histograms merge by adding counts, and a percentile read from it
is within 1% of the exact value (the bin's geometric middle; lower latency is better).
Pure Python: the SDK imports it without numpy.

>>> ops = Operations()
>>> for value in (10.0, 20.0, 30.0, 40.0):
...     ops.add(value, error=value > 35)
>>> ops.n_records, ops.n_errors, round(ops.percentile(50), 1)
(4, 1, 25.1)
>>> Operations.from_json(ops.to_json()) == ops
True
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from watchkeeper._exceptions import InputError

__all__ = ["HEADER", "LOG_RATIO", "LOWEST_MS", "MAX_BIN", "Operations", "bin_of", "bin_value"]

HEADER = "Watchkeeper-Operations"
LOWEST_MS = 0.001
_RATIO = 1.02
LOG_RATIO = math.log(_RATIO)
MAX_BIN = 2000  # 1 us * 1.02**2000 is about 1.6e17 ms: every finite latency fits


def bin_of(latency_ms: float) -> int:
    """The histogram bin of a latency (bin 0 holds everything up to 1 microsecond).

    >>> bin_of(0.0), bin_of(0.001), bin_of(1.0), bin_of(1000.0)
    (0, 0, 349, 698)
    """
    if latency_ms <= LOWEST_MS:
        return 0
    return min(MAX_BIN, 1 + int(math.log(latency_ms / LOWEST_MS) / LOG_RATIO))


def bin_value(index: int) -> float:
    """The value a bin stands for: the geometric middle of its edges.

    >>> round(bin_value(349), 3)  # the bin of 1.0: [0.984, 1.003)
    0.993
    """
    if index <= 0:
        return 0.0
    return float(LOWEST_MS * _RATIO ** (index - 0.5))


@dataclass
class Operations:
    """Counts and the latency histogram of some records of one window; merge by adding."""

    n_records: int = 0
    n_errors: int = 0
    latency: dict[int, int] = field(default_factory=dict)

    def add(self, latency_ms: float | None, *, error: bool = False) -> None:
        """Count one record."""
        self.n_records += 1
        if error:
            self.n_errors += 1
        if latency_ms is not None and math.isfinite(latency_ms) and latency_ms >= 0:
            index = bin_of(latency_ms)
            self.latency[index] = self.latency.get(index, 0) + 1

    def merge(self, other: Operations) -> Operations:
        """Both together (a new object)."""
        latency = dict(self.latency)
        for index, count in other.latency.items():
            latency[index] = latency.get(index, 0) + count
        return Operations(self.n_records + other.n_records, self.n_errors + other.n_errors, latency)

    @property
    def n_latency(self) -> int:
        return sum(self.latency.values())

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (0-100) of the latencies, within 1%; NaN without any."""
        total = self.n_latency
        if not total:
            return math.nan
        # Linear between the order statistics around the rank, as np.percentile's
        # default; each order statistic is read as its bin's value.
        rank = q / 100 * (total - 1)
        low, high = math.floor(rank), math.ceil(rank)
        values: dict[int, float] = {}
        seen = 0
        for index in sorted(self.latency):
            seen += self.latency[index]
            for k in (low, high):
                if k not in values and seen > k:
                    values[k] = bin_value(index)
            if high in values:
                break
        return values[low] + (values[high] - values[low]) * (rank - low)

    def to_json(self) -> str:
        """Compact JSON (the header's value)."""
        return json.dumps(
            {
                "n_records": self.n_records,
                "n_errors": self.n_errors,
                "latency_ms": {str(k): v for k, v in sorted(self.latency.items())},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Operations:
        """Read :meth:`to_json`'s form; an :class:`~watchkeeper.InputError` names what
        is wrong."""
        try:
            data: Any = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise InputError(f"the {HEADER} header is not JSON ({error}); send an object") from None
        if not isinstance(data, dict):
            raise InputError(f"the {HEADER} header must be a JSON object")
        unknown = sorted(set(data) - {"n_records", "n_errors", "latency_ms"})
        if unknown:
            raise InputError(f"the {HEADER} header has an unknown field {unknown[0]!r}")
        counts = [data.get("n_records", 0), data.get("n_errors", 0)]
        histogram = data.get("latency_ms", {})
        if not isinstance(histogram, dict):
            raise InputError(f"{HEADER}: latency_ms must be an object {{bin: count}}")
        latency: dict[int, int] = {}
        for key, count in histogram.items():
            if not str(key).isdigit() or int(key) > MAX_BIN:
                raise InputError(f"{HEADER}: latency bin {key!r} is not in 0..{MAX_BIN}")
            counts.append(count)
            latency[int(key)] = count
        if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts):
            raise InputError(f"{HEADER}: every count must be an integer >= 0")
        ops = cls(int(data.get("n_records", 0)), int(data.get("n_errors", 0)), latency)
        if ops.n_errors > ops.n_records or ops.n_latency > ops.n_records:
            raise InputError(
                f"{HEADER}: n_errors and the latency counts cannot exceed n_records "
                f"({ops.n_records})"
            )
        return ops

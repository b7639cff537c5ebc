"""Detection delay of the service's real-time concept drift, in records, beside River's.

The stream is the one of tests/service/kinds/test_concept_drift.py: predictions that
are all 1, wrong 10% of the time for 2,000 records, then 40% (``random.Random(42)``),
and, for regression, absolute errors ~ |N(0, 1)| then |N(0, 2)|. Our detectors
(watchkeeper.streaming, which the service runs on each label batch) run in the
project's environment; River's, if it imports, in whatever environment runs this file
(River is not a dependency: install it in a scratch venv and run the file there too).

    .venv/bin/python bench/bench_concept_drift.py
    /tmp/river-venv/bin/python bench/bench_concept_drift.py   # River only
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

CHANGE = 2000


def binary_stream(n: int = 3000, seed: int = 42) -> list[float]:
    rng = random.Random(seed)
    return [float(rng.random() < (0.1 if i < CHANGE else 0.4)) for i in range(n)]


def real_stream(n: int = 4000, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    return [abs(rng.gauss(0.0, 1.0 if i < CHANGE else 2.0)) for i in range(n)]


def first_detection(
    update: Callable[[float], bool], stream: Iterable[float]
) -> tuple[int | None, int]:
    """The first detection at or after the change, and the false alarms before it."""
    false_alarms = 0
    for i, x in enumerate(stream):
        if update(x):
            if i >= CHANGE:
                return i, false_alarms
            false_alarms += 1
    return None, false_alarms


def _ours() -> dict[str, tuple[int | None, int]]:
    from watchkeeper.streaming import make_detector

    out: dict[str, tuple[int | None, int]] = {}
    for name, stream in (("ddm", binary_stream()), ("adwin", real_stream())):
        detector = make_detector(name)

        def update(x: float, d=detector) -> bool:  # type: ignore[no-untyped-def]
            d.update(x)
            return bool(d.drift_detected)

        out[name] = first_detection(update, stream)
    return out


def _river() -> dict[str, tuple[int | None, int]]:
    from river import drift  # type: ignore[import-not-found]

    out: dict[str, tuple[int | None, int]] = {}
    for name, detector, stream in (
        ("ddm", drift.binary.DDM(), binary_stream()),
        ("adwin", drift.ADWIN(), real_stream()),
    ):

        def update(x: float, d=detector) -> bool:  # type: ignore[no-untyped-def]
            d.update(x)
            return bool(d.drift_detected)

        out[name] = first_detection(update, stream)
    return out


def main() -> None:
    for label, run in (("watchkeeper", _ours), ("river", _river)):
        try:
            found = run()
        except ImportError as error:
            print(f"{label}: not available ({error})")
            continue
        for name, (index, false_alarms) in found.items():
            delay = "no detection" if index is None else f"{index - CHANGE} records"
            print(
                f"{label:12} {name:6} change at {CHANGE}, detected after {delay} "
                f"({false_alarms} false alarms before)"
            )


if __name__ == "__main__":
    main()

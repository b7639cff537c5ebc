"""Online drift detectors and a harness that measures how well they detect.

Every detector follows one contract (see :class:`DriftDetector`): ``update(x)``
returns None, then ``drift_detected`` and ``warning_detected`` say whether that value
revealed a drift or put the detector in its warning zone. ``True`` is the bad
direction. Real-valued detectors are here; those that take one error indicator per
prediction are in :mod:`watchkeeper.streaming.binary` and re-exported.
"""

from watchkeeper.streaming._adwin import ADWIN
from watchkeeper.streaming._base import BinaryDriftDetector, DriftDetector, InputKind
from watchkeeper.streaming._cusum import CUSUM
from watchkeeper.streaming._ewma import EWMAChart
from watchkeeper.streaming._harness import (
    DetectionScore,
    HarnessSummary,
    detect,
    evaluate,
    score_detections,
    summarize,
)
from watchkeeper.streaming._kswin import KSWIN
from watchkeeper.streaming._page_hinkley import PageHinkley
from watchkeeper.streaming._registry import (
    DETECTORS,
    DetectorInfo,
    available_detectors,
    detector_info,
    detector_names,
    make_detector,
)
from watchkeeper.streaming._streams import Stream, binary_stream, real_stream
from watchkeeper.streaming.binary import DDM, EDDM, HDDM_A, HDDM_W

__all__ = [
    "ADWIN",
    "CUSUM",
    "DDM",
    "DETECTORS",
    "EDDM",
    "HDDM_A",
    "HDDM_W",
    "KSWIN",
    "BinaryDriftDetector",
    "DetectionScore",
    "DetectorInfo",
    "DriftDetector",
    "EWMAChart",
    "HarnessSummary",
    "InputKind",
    "PageHinkley",
    "Stream",
    "available_detectors",
    "binary_stream",
    "detect",
    "detector_info",
    "detector_names",
    "evaluate",
    "make_detector",
    "real_stream",
    "score_detections",
    "summarize",
]

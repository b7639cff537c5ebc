"""Drift detectors that take one error indicator per prediction (1 = wrong, 0 = right)."""

from watchkeeper.streaming.binary._ddm import DDM
from watchkeeper.streaming.binary._eddm import EDDM
from watchkeeper.streaming.binary._hddm_a import HDDM_A
from watchkeeper.streaming.binary._hddm_w import HDDM_W

__all__ = ["DDM", "EDDM", "HDDM_A", "HDDM_W"]

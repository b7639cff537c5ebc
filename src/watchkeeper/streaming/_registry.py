"""The streaming detectors by name, with what the CLI, the docs and the tests need to know.

Each entry says which input a detector takes (``"real"`` values or ``"binary"``
error indicators), whether its method defines a warning zone, its default
parameters (read from its constructor, so they cannot drift apart) and the
publication it follows. For every detector a drift is the bad event.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from watchkeeper._deprecation import deprecated_alias
from watchkeeper._exceptions import InputError, UnknownMethodError
from watchkeeper.streaming._adwin import ADWIN
from watchkeeper.streaming._base import DriftDetector, InputKind
from watchkeeper.streaming._cusum import CUSUM
from watchkeeper.streaming._ewma import EWMAChart
from watchkeeper.streaming._kswin import KSWIN
from watchkeeper.streaming._page_hinkley import PageHinkley
from watchkeeper.streaming.binary import DDM, EDDM, HDDM_A, HDDM_W

__all__ = [
    "DETECTORS",
    "DetectorInfo",
    "available_detectors",
    "detector_info",
    "detector_names",
    "make_detector",
]


@dataclass(frozen=True)
class DetectorInfo:
    """What the registry knows about one detector.

    >>> info = detector_info("ddm")
    >>> info.input_kind, info.has_warning, dict(info.defaults)["drift_threshold"]
    ('binary', True, 3.0)
    """

    name: str
    cls: type[DriftDetector]
    input_kind: InputKind
    has_warning: bool
    defaults: Mapping[str, Any]
    reference: str


def _info(name: str, cls: type[DriftDetector], reference: str) -> DetectorInfo:
    params = inspect.signature(cls).parameters
    defaults = {key: p.default for key, p in params.items()}
    return DetectorInfo(
        name=name,
        cls=cls,
        input_kind=cls.input_kind,
        has_warning=cls.has_warning,
        defaults=MappingProxyType(defaults),
        reference=reference,
    )


DETECTORS: Mapping[str, DetectorInfo] = MappingProxyType(
    {
        info.name: info
        for info in (
            _info("adwin", ADWIN, "Bifet & Gavaldà 2007, SIAM SDM (ADWIN2)"),
            _info("page_hinkley", PageHinkley, "Page 1954, Biometrika 41"),
            _info("cusum", CUSUM, "Page 1954; Montgomery, Statistical Quality Control"),
            _info("ewma", EWMAChart, "Roberts 1959; Lucas & Saccucci 1990, Technometrics 32"),
            _info("kswin", KSWIN, "Raab, Heusinger & Schleif 2020, Neurocomputing 416"),
            _info("ddm", DDM, "Gama, Medas, Castillo & Rodrigues 2004, SBIA"),
            _info("eddm", EDDM, "Baena-García et al. 2006, StreamKDD workshop"),
            _info("hddm_a", HDDM_A, "Frías-Blanco et al. 2015, IEEE TKDE 27(3)"),
            _info("hddm_w", HDDM_W, "Frías-Blanco et al. 2015, IEEE TKDE 27(3)"),
        )
    }
)


def available_detectors(input_kind: InputKind | None = None) -> tuple[str, ...]:
    """Registered detector names, optionally only those taking ``input_kind``.

    >>> available_detectors("binary")
    ('ddm', 'eddm', 'hddm_a', 'hddm_w')
    """
    return tuple(name for name, info in DETECTORS.items() if input_kind in (None, info.input_kind))


detector_names = deprecated_alias(available_detectors, "detector_names")


def detector_info(name: str) -> DetectorInfo:
    """The registry entry for ``name``; an unknown name lists the known ones.

    >>> detector_info("adwin").cls.__name__
    'ADWIN'
    """
    try:
        return DETECTORS[name]
    except KeyError:
        known = ", ".join(DETECTORS)
        raise UnknownMethodError(
            f"no streaming detector named {name!r}; choose one of {known}"
        ) from None


def make_detector(name: str, **params: Any) -> DriftDetector:
    """Build the detector registered as ``name`` with keyword ``params``.

    >>> make_detector("page_hinkley", threshold=25.0).threshold
    25.0
    """
    info = detector_info(name)
    unknown = sorted(set(params) - set(info.defaults))
    if unknown:
        raise InputError(
            f"detector {name!r} has no parameter {unknown[0]!r}; "
            f"its parameters are {', '.join(info.defaults)}"
        )
    return info.cls(**params)

"""Monitor kinds the service computes beside drift, quality and realized performance.

Each module of this package that does not start with ``_`` defines one kind as
``KIND`` (a :class:`~._base.MonitorKind`); :func:`available_kinds` finds them by
discovery, so a new kind is a new file and no list is kept by hand. The kinds:
estimated performance (CBPE/DLE), bias, feature attribution, score statistics,
real-time concept drift and multivariate drift (docs/service-kinds.md).

>>> sorted(available_kinds())[:3]
['attribution', 'bias', 'concept_drift']
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from watchkeeper.service.kinds._base import MonitorKind

__all__ = ["MonitorKind", "available_kinds"]


@cache
def available_kinds() -> Mapping[str, MonitorKind]:
    """Every kind of this package, by name (discovered from its modules)."""
    found: dict[str, MonitorKind] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, MonitorKind):
            found[kind.name] = kind
    return MappingProxyType(found)

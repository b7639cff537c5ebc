"""How bad something is, one scale for data-quality findings and monitor alerts:
``critical`` (someone should act now) > ``warning`` > ``info``.

A CI suite's check has its own two-valued choice, ``fail`` or ``warn``
(:data:`watchkeeper.checks.CheckSeverity`): whether the build turns red, not how bad.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Severity"]


class Severity(StrEnum):
    """How bad a finding or an alert is: ``critical`` > ``warning`` > ``info``.

    >>> Severity("warning"), Severity.WARNING == "warning"
    (<Severity.WARNING: 'warning'>, True)
    """

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for critical, 1 for warning, 2 for info: the order findings are listed in.

        >>> sorted(Severity, key=lambda s: s.rank)
        [<Severity.CRITICAL: 'critical'>, <Severity.WARNING: 'warning'>, <Severity.INFO: 'info'>]
        """
        return _RANKS[self]


_RANKS = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}

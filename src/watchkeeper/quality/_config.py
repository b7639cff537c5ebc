"""Thresholds of the data-quality checks, in one frozen object.

Every share is a fraction in ``[0, 1]`` (``0.05`` is five percent, or five points when
it is a rise). A share *above* its threshold is bad. ``significance`` is the p-value
below which a rise is more than sampling noise explains; the checks that compare the
current data with the reference need both the rise and the significance.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from watchkeeper._exceptions import ConfigError
from watchkeeper.quality._findings import Severity

__all__ = ["QualityConfig"]

_SHARES = (
    "missing_share_warning",
    "missing_rise_warning",
    "missing_rise_critical",
    "type_mismatch_critical",
    "out_of_range_warning",
    "out_of_range_critical",
    "outlier_rise_warning",
    "unseen_share_warning",
    "duplicate_share_warning",
    "identifier_distinct_share",
)


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds, severity overrides and disabled checks for :func:`assess_quality`.

    ``severities`` maps a check name to the severity every finding of that check gets;
    ``disabled`` names checks not to run. Names are validated against the check
    registry when the assessment runs.

    >>> config = QualityConfig(missing_rise_warning=0.1, disabled=["constant_column"])
    >>> config.missing_rise_warning, sorted(config.disabled)
    (0.1, ['constant_column'])
    >>> QualityConfig(out_of_range_warning=5)
    Traceback (most recent call last):
    ...
    watchkeeper._exceptions.ConfigError: out_of_range_warning is 5; give a share between 0 and 1
    """

    # Fewer rows than this make every share unreliable (a warning, not an error).
    min_rows: int = 30
    # Missing share of one column on one side: info above 0, warning at or above this.
    missing_share_warning: float = 0.2
    # Rise of the missing share against the reference, in points: warning, critical.
    missing_rise_warning: float = 0.05
    missing_rise_critical: float = 0.25
    # Share of values that are not numbers in a numeric column: warning above 0.
    type_mismatch_critical: float = 0.05
    # Share of current finite values outside the reference's [min, max].
    out_of_range_warning: float = 0.01
    out_of_range_critical: float = 0.1
    # Tukey's fences: Q1 - k IQR and Q3 + k IQR of the reference.
    iqr_factor: float = 1.5
    # Rise of the share of values outside the fences against the reference's own share.
    outlier_rise_warning: float = 0.02
    # Share of current values in categories the reference never saw: info above 0.
    unseen_share_warning: float = 0.01
    unseen_top: int = 5
    # Share of fully duplicated rows in one dataset: info above 0.
    duplicate_share_warning: float = 0.05
    # A categorical reference with more distinct values than this share of its rows
    # looks like an identifier, and the unseen-category finding says so.
    identifier_distinct_share: float = 0.5
    significance: float = 0.001
    # Left out of the hash: a mapping has none, and the thresholds identify a config.
    severities: Mapping[str, Severity] = field(default_factory=dict, hash=False)
    disabled: Collection[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in _SHARES:
            share = getattr(self, name)
            if isinstance(share, bool) or not isinstance(share, int | float):
                raise ConfigError(f"{name} is {share!r}; give a share between 0 and 1")
            if not 0.0 <= float(share) <= 1.0:
                raise ConfigError(f"{name} is {share!r}; give a share between 0 and 1")
            object.__setattr__(self, name, float(share))
        if not 0.0 < float(self.significance) < 1.0:
            raise ConfigError(f"significance is {self.significance!r}; give a p-value in (0, 1)")
        if float(self.iqr_factor) < 0.0:
            raise ConfigError(f"iqr_factor is {self.iqr_factor!r}; give a number >= 0 (Tukey: 1.5)")
        for name in ("min_rows", "unseen_top"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{name} is {value!r}; give a whole number >= 0")
        resolved: dict[str, Severity] = {}
        for check, severity in self.severities.items():
            try:
                resolved[str(check)] = Severity(severity)
            except ValueError:
                choices = ", ".join(s.value for s in Severity)
                raise ConfigError(
                    f"severity of check {check!r} is {severity!r}; choose one of {choices}"
                ) from None
        object.__setattr__(self, "severities", resolved)
        disabled = [self.disabled] if isinstance(self.disabled, str) else self.disabled
        object.__setattr__(self, "disabled", frozenset(str(name) for name in disabled))

    def to_dict(self) -> dict[str, Any]:
        """The thresholds as JSON-ready data."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["severities"] = {k: v.value for k, v in sorted(self.severities.items())}
        data["disabled"] = sorted(self.disabled)
        return data

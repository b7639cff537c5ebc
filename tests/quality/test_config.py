"""Threshold validation."""

from __future__ import annotations

from typing import Any

import pytest

from watchkeeper._exceptions import ConfigError
from watchkeeper.quality import QualityConfig, Severity


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("missing_rise_warning", 5.0, "give a share between 0 and 1"),
        ("duplicate_share_warning", -0.1, "give a share between 0 and 1"),
        ("unseen_share_warning", "high", "give a share between 0 and 1"),
        ("significance", 0.0, "give a p-value in"),
        ("iqr_factor", -1.0, "give a number >= 0"),
        ("min_rows", 2.5, "give a whole number"),
        ("unseen_top", -1, "give a whole number"),
    ],
)
def test_invalid_thresholds(field: str, value: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        QualityConfig(**{field: value})


def test_severities_and_disabled_are_normalised() -> None:
    config = QualityConfig(severities={"row_count": "info"}, disabled="duplicate_rows")  # type: ignore[arg-type,dict-item]
    assert config.severities == {"row_count": Severity.INFO}
    assert config.disabled == frozenset({"duplicate_rows"})
    with pytest.raises(ConfigError, match="choose one of info, warning, critical"):
        QualityConfig(severities={"row_count": "loud"})  # type: ignore[dict-item]
    data = config.to_dict()
    assert data["severities"] == {"row_count": "info"}
    assert data["disabled"] == ["duplicate_rows"]
    assert data["missing_rise_warning"] == 0.05


def test_configs_are_hashable_values() -> None:
    a = QualityConfig(severities={"row_count": Severity.INFO})
    b = QualityConfig(severities={"row_count": Severity.INFO})
    assert a == b and hash(a) == hash(b)
    assert a != QualityConfig()

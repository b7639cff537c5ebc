"""The drift policy: which method compares which column, and when a column has drifted.

The default policy asks two questions of every feature, and calls it drift only when
both answers are yes:

1. *Is the difference real?* A two-sample test (Kolmogorov-Smirnov for numeric columns,
   chi-squared for categorical and boolean ones) at ``alpha = 0.05``, with the p-values
   of all features adjusted by Benjamini-Hochberg so that twenty-five columns do not mean
   twenty-five chances of a false alarm. The target and the predictions are corrected
   apart, each as its own family, so a feature's verdict does not depend on them.
2. *Is it large enough to matter?* An effect size with a floor: the Wasserstein distance
   in units of the reference's standard deviation must reach 0.1 for numeric columns,
   and the Jensen-Shannon distance (base 2) must reach 0.05 for categorical ones.

A test alone cries wolf on large samples: at a million rows a shift of 0.01 standard
deviations is significant, yet no model notices it. An effect size alone misses real
shifts on small samples and flags noise on tiny ones (two samples of 200 rows from one
distribution are 0.1 apart in Wasserstein on average). Together they are quiet on
unshifted columns at any size and catch shifts of a tenth of a standard deviation, a
doubled category share or a new category, once the sample shows them.

A distance method (PSI, Jensen-Shannon, ...) chosen instead of a test decides on its own
threshold; its effect-size floor does not apply. Everything is overridable per kind and
per column, and ``min_effect=0`` turns the floor off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from watchkeeper._exceptions import InputError
from watchkeeper.stats import get_method

__all__ = ["CORRECTIONS", "ColumnRule", "DriftPolicy"]

CORRECTIONS = ("bh", "holm", "bonferroni", "none")


@dataclass(frozen=True)
class ColumnRule:
    """How one column (or one kind of column) is compared.

    ``threshold`` None means the method's registered default; ``min_effect`` None means
    the policy's floor for the column's kind.
    """

    method: str
    threshold: float | None = None
    min_effect: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "threshold": self.threshold, "min_effect": self.min_effect}


@dataclass(frozen=True)
class DriftPolicy:
    """Methods, thresholds, effect-size floors, correction and the dataset verdict.

    >>> policy = DriftPolicy()
    >>> policy.rule_for("age", "numeric").method
    'ks'
    >>> DriftPolicy.from_options(numeric_method="psi").rule_for("age", "numeric").method
    'psi'
    """

    numeric: ColumnRule = field(default_factory=lambda: ColumnRule("ks"))
    categorical: ColumnRule = field(default_factory=lambda: ColumnRule("chisquare"))
    columns: Mapping[str, ColumnRule] = field(default_factory=dict)
    numeric_effect: str = "wasserstein_norm"
    numeric_min_effect: float = 0.1
    categorical_effect: str = "jensen_shannon"
    categorical_min_effect: float = 0.05
    correction: str = "bh"
    drift_share: float = 0.5
    n_bins: int = 10
    chart_bins: int = 30
    max_chart_categories: int = 20

    def __post_init__(self) -> None:
        for kind, rule in (("numeric", self.numeric), ("categorical", self.categorical)):
            method = get_method(rule.method)
            if kind not in method.kinds:
                raise InputError(
                    f"method {rule.method!r} does not apply to {kind} columns; "
                    f"it applies to {sorted(method.kinds)}"
                )
        for name, rule in self.columns.items():
            get_method(rule.method)
            if rule.threshold is not None and rule.threshold < 0:
                raise InputError(f"column {name!r} has a negative threshold {rule.threshold}")
        if self.correction not in CORRECTIONS:
            raise InputError(
                f"correction {self.correction!r} is unknown; use one of {', '.join(CORRECTIONS)}"
            )
        if not 0.0 < self.drift_share <= 1.0:
            raise InputError(f"drift_share must be in (0, 1], not {self.drift_share}")
        if self.n_bins < 2 or self.chart_bins < 2:
            raise InputError("n_bins and chart_bins must be at least 2")
        for name in (self.numeric_effect, self.categorical_effect):
            if get_method(name).output != "distance":
                raise InputError(f"effect size {name!r} must be a distance method")

    def rule_for(self, column: str, kind: str) -> ColumnRule:
        """The rule for ``column`` of ``kind`` ('numeric' or 'categorical')."""
        if column in self.columns:
            return self.columns[column]
        return self.numeric if kind == "numeric" else self.categorical

    def min_effect_for(self, rule: ColumnRule, kind: str) -> float:
        if rule.min_effect is not None:
            return rule.min_effect
        return self.numeric_min_effect if kind == "numeric" else self.categorical_min_effect

    @classmethod
    def from_options(
        cls,
        *,
        numeric_method: str | None = None,
        categorical_method: str | None = None,
        threshold: float | None = None,
        min_effect: float | None = None,
        columns: Mapping[str, ColumnRule | Mapping[str, Any] | str] | None = None,
        **settings: Any,
    ) -> DriftPolicy:
        """A policy from flat options, as the CLI and YAML give them.

        ``threshold`` and ``min_effect`` apply to both kinds; per-column entries may be
        a method name, a :class:`ColumnRule` or a mapping of its fields.
        """
        numeric = ColumnRule(numeric_method or "ks", threshold, min_effect)
        categorical = ColumnRule(categorical_method or "chisquare", threshold, min_effect)
        rules: dict[str, ColumnRule] = {}
        for name, value in (columns or {}).items():
            if isinstance(value, ColumnRule):
                rules[name] = value
            elif isinstance(value, str):
                rules[name] = ColumnRule(value)
            elif isinstance(value, Mapping):
                unknown = set(value) - {"method", "threshold", "min_effect"}
                if unknown or "method" not in value:
                    raise InputError(
                        f"column {name!r} rule {dict(value)} needs 'method' and may have "
                        "'threshold' and 'min_effect'"
                    )
                rules[name] = ColumnRule(**value)
            else:
                raise InputError(f"column {name!r} rule must be a method name or a mapping")
        return cls(numeric=numeric, categorical=categorical, columns=rules, **settings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "numeric": self.numeric.to_dict(),
            "categorical": self.categorical.to_dict(),
            "columns": {name: rule.to_dict() for name, rule in self.columns.items()},
            "numeric_effect": self.numeric_effect,
            "numeric_min_effect": self.numeric_min_effect,
            "categorical_effect": self.categorical_effect,
            "categorical_min_effect": self.categorical_min_effect,
            "correction": self.correction,
            "drift_share": self.drift_share,
            "n_bins": self.n_bins,
        }

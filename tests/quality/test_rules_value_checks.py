"""The value checks' documented gates and severities (docs/quality.md), one rule a test.

Each check is run on facts written out by hand, so a gate's boundary (``above`` versus
``at or above``) and each of its conditions is pinned on its own.
"""

from __future__ import annotations

from watchkeeper.quality import QualityConfig, Severity
from watchkeeper.quality._facts import (
    ColumnQuality,
    ColumnSide,
    OutlierFacts,
    RangeFacts,
    UnseenFacts,
)
from watchkeeper.quality._findings import Finding
from watchkeeper.quality._value_checks import (
    constant_column,
    infinite_values,
    out_of_range,
    outlier_share,
    type_mismatch,
    unseen_categories,
)
from watchkeeper.schema import ColumnKind, ColumnRole

CONFIG = QualityConfig()


def column(
    kind: ColumnKind = ColumnKind.NUMERIC, role: ColumnRole = ColumnRole.FEATURE, **facts: object
) -> ColumnQuality:
    return ColumnQuality("x", kind, role, True, True, **facts)  # type: ignore[arg-type]


def side(n_rows: int = 100, **counts: object) -> ColumnSide:
    return ColumnSide(n_rows, counts.pop("n_missing", 0), **counts)  # type: ignore[arg-type]


def severities(findings: object) -> list[tuple[str | None, Severity]]:
    return [(f.dataset, f.severity) for f in findings]  # type: ignore[attr-defined]


# type_mismatch: warning above 0, critical at or above type_mismatch_critical (0.05).


def test_rule_type_mismatch_is_critical_at_exactly_the_critical_share() -> None:
    found = list(type_mismatch(column(current=side(n_type_mismatch=5)), CONFIG))
    assert CONFIG.type_mismatch_critical == 0.05
    assert severities(found) == [("current", Severity.CRITICAL)]
    assert found[0].value == 0.05
    assert found[0].threshold == 0.05


def test_rule_type_mismatch_below_the_critical_share_is_a_warning() -> None:
    found = list(type_mismatch(column(reference=side(n_type_mismatch=4)), CONFIG))
    assert severities(found) == [("reference", Severity.WARNING)]
    assert found[0].threshold is None


def test_rule_type_mismatch_needs_at_least_one_bad_value() -> None:
    assert list(type_mismatch(column(reference=side(), current=side()), CONFIG)) == []


def test_rule_infinite_values_warn_on_either_side() -> None:
    facts = column(reference=side(n_pos_inf=1), current=side(n_neg_inf=2))
    found = list(infinite_values(facts, CONFIG))
    assert severities(found) == [("reference", Severity.WARNING), ("current", Severity.WARNING)]
    assert [f.value for f in found] == [0.01, 0.02]
    assert list(infinite_values(column(current=side()), CONFIG)) == []


# constant_column: one distinct value among at least two present values.


def constant(n_rows: int, value: str = "7", n_distinct: int = 1) -> ColumnSide:
    return ColumnSide(n_rows, 0, n_distinct=n_distinct, constant_value=value)


def test_rule_constant_needs_more_than_one_present_value() -> None:
    one = column(reference=side(n_distinct=3), current=constant(1))
    assert list(constant_column(one, CONFIG)) == []
    two = column(reference=side(n_distinct=3), current=constant(2))
    assert severities(constant_column(two, CONFIG)) == [("current", Severity.WARNING)]


def test_rule_constant_current_against_a_varied_reference_is_a_warning() -> None:
    facts = column(reference=side(n_distinct=3), current=constant(50))
    found = list(constant_column(facts, CONFIG))
    assert severities(found) == [("current", Severity.WARNING)]
    assert "but 3 in the reference" in found[0].message


def test_rule_constant_on_both_sides_with_one_value_is_one_info_finding() -> None:
    found = list(constant_column(column(reference=constant(50), current=constant(40)), CONFIG))
    assert severities(found) == [(None, Severity.INFO)]
    assert "both reference and current" in found[0].message


def test_rule_constant_reference_and_a_different_constant_current_are_two_infos() -> None:
    facts = column(reference=constant(50, "7"), current=constant(40, "8"))
    assert severities(constant_column(facts, CONFIG)) == [
        ("reference", Severity.INFO),
        ("current", Severity.INFO),
    ]


def test_rule_constant_current_without_a_reference_side_is_info() -> None:
    assert severities(constant_column(column(current=constant(5)), CONFIG)) == [
        ("current", Severity.INFO)
    ]


def test_rule_value_checks_skip_identifiers() -> None:
    facts = column(role=ColumnRole.ID, reference=side(n_distinct=3), current=constant(50))
    assert list(constant_column(facts, CONFIG)) == []


# out_of_range: warning above 0.01 when p < significance; critical at or above 0.1.


def out(n_outside: int, p_value: float = 1e-9) -> ColumnQuality:
    return column(range=RangeFacts(0.0, 1.0, 1000, n_outside, 0, p_value))


def test_rule_out_of_range_at_exactly_the_warning_share_is_quiet() -> None:
    assert CONFIG.out_of_range_warning == 0.01
    assert list(out_of_range(out(10), CONFIG)) == []
    assert severities(out_of_range(out(11), CONFIG)) == [("current", Severity.WARNING)]


def test_rule_out_of_range_is_critical_at_exactly_the_critical_share() -> None:
    assert CONFIG.out_of_range_critical == 0.1
    found = list(out_of_range(out(100), CONFIG))
    assert severities(found) == [("current", Severity.CRITICAL)]
    assert found[0].threshold == 0.1
    assert severities(out_of_range(out(99), CONFIG)) == [("current", Severity.WARNING)]


def test_rule_out_of_range_needs_a_p_value_below_significance() -> None:
    assert CONFIG.significance == 0.001
    assert list(out_of_range(out(500, p_value=0.001), CONFIG)) == []
    assert len(list(out_of_range(out(500, p_value=0.000999), CONFIG))) == 1


# outlier_share: warning when the rise reaches 0.02 AND the z-test's p < significance.


def outliers(ref_out: int, cur_out: int, p_value: float) -> ColumnQuality:
    return column(outliers=OutlierFacts(-1.0, 1.0, 100, ref_out, 100, cur_out, p_value))


def test_rule_outlier_warning_needs_the_rise_and_the_test_both() -> None:
    assert CONFIG.outlier_rise_warning == 0.02
    found = list(outlier_share(outliers(0, 30, 1e-9), CONFIG))
    assert severities(found) == [("current", Severity.WARNING)]
    assert found[0].details["rise"] == 0.3
    # A large rise that chance explains: quiet.
    assert list(outlier_share(outliers(0, 30, 0.5), CONFIG)) == []
    # A significant but tiny rise: quiet.
    assert list(outlier_share(outliers(0, 1, 1e-9), CONFIG)) == []


def test_rule_outlier_rise_at_exactly_the_warning_fires() -> None:
    assert severities(outlier_share(outliers(0, 2, 1e-9), CONFIG)) == [
        ("current", Severity.WARNING)
    ]


def test_rule_outlier_p_value_at_significance_is_quiet() -> None:
    assert list(outlier_share(outliers(0, 30, 0.001), CONFIG)) == []


# unseen_categories: info above 0, warning at or above 0.01; identifiers get their fix.


def unseen(n_unseen: int, ref_distinct: int = 3, ref_present: int = 100) -> ColumnQuality:
    facts = UnseenFacts(1000, n_unseen, 1, (("new", n_unseen),), ref_distinct, ref_present)
    return column(kind=ColumnKind.CATEGORICAL, unseen=facts)


def test_rule_unseen_share_at_exactly_the_warning_is_a_warning() -> None:
    assert CONFIG.unseen_share_warning == 0.01
    found = list(unseen_categories(unseen(10), CONFIG))
    assert severities(found) == [("current", Severity.WARNING)]
    assert found[0].threshold == 0.01
    below = list(unseen_categories(unseen(9), CONFIG))
    assert severities(below) == [("current", Severity.INFO)]
    assert below[0].threshold is None
    assert list(unseen_categories(unseen(0), CONFIG)) == []


def test_rule_unseen_in_a_column_that_looks_like_an_identifier_says_so() -> None:
    identifier: list[Finding] = list(unseen_categories(unseen(10, 90, 100), CONFIG))
    assert "looks like an identifier" in identifier[0].message
    # Exactly half the rows distinct is not "more than" identifier_distinct_share (0.5).
    half = list(unseen_categories(unseen(10, 50, 100), CONFIG))
    assert "looks like an identifier" not in half[0].message
    assert "update the reference" in half[0].message


def test_rule_unseen_lists_the_top_and_counts_the_rest() -> None:
    top = (("new", 6), ("newer", 4))
    exact = UnseenFacts(1000, 10, 2, top, 3, 100)
    listed = next(iter(unseen_categories(column(ColumnKind.CATEGORICAL, unseen=exact), CONFIG)))
    assert "'new' (0.60%), 'newer' (0.40%); update" in listed.message
    assert "more" not in listed.message
    one_more = UnseenFacts(1000, 11, 3, top, 3, 100)
    found = next(iter(unseen_categories(column(ColumnKind.CATEGORICAL, unseen=one_more), CONFIG)))
    assert "'newer' (0.40%), 1 more; update" in found.message

"""Wording shared by the checks' messages: shares, counts and p-values as people read them."""

from __future__ import annotations

from collections.abc import Iterator

from watchkeeper.quality._facts import ColumnQuality, ColumnSide
from watchkeeper.quality._findings import DatasetName

__all__ = ["format_share", "in_dataset", "p_text", "plural", "sides"]


def format_share(value: float) -> str:
    """A share as a percentage a person reads at a glance.

    >>> format_share(0.0), format_share(0.00004), format_share(0.0123), format_share(0.5)
    ('0%', '<0.01%', '1.2%', '50.0%')
    """
    percent = 100.0 * value
    if percent == 0.0:
        return "0%"
    if percent < 0.01:
        return "<0.01%"
    if percent < 1.0:
        return f"{percent:.2f}%"
    return f"{percent:.1f}%"


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def sides(column: ColumnQuality) -> Iterator[tuple[DatasetName, ColumnSide]]:
    if column.reference is not None:
        yield "reference", column.reference
    if column.current is not None:
        yield "current", column.current


def in_dataset(dataset: DatasetName) -> str:
    return "in the reference" if dataset == "reference" else "in current"

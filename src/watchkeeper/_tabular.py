"""Results as tables: ``to_pandas()``, ``to_arrow()``, a one-screen repr, notebook HTML.

A result class mixes in :class:`Tabular` and says what its rows are
(:meth:`Tabular._table_rows`, flat dicts of scalars) and, optionally, their columns
(``_table_columns``, so an empty result still has them) and a one-line headline.
Everything else is shared: pandas is imported only when ``to_pandas`` is called, and
pyarrow only when ``to_arrow`` is.

Dataclasses that mix this in are declared with ``repr=False`` so the dataclass
machinery keeps the shared ``__repr__`` instead of writing its own (which, for a
performance result, ran to several kilobytes).

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, repr=False)
... class Pair(Tabular):
...     a: int
...     b: float
...     def to_dict(self):
...         return {"a": self.a, "b": self.b}
>>> Pair(1, 0.123456)
Pair
  a: 1
  b: 0.1235
>>> Pair(1, 2.0).to_arrow().to_pylist()
[{'a': 1, 'b': 2.0}]
"""

from __future__ import annotations

import enum
import html
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["Tabular", "flat_scalars"]

_REPR_ROWS = 12
_HTML_ROWS = 50
_CELL = 24
_WIDTH = 100


def _plain(value: Any) -> Any:
    """A value Arrow and pandas take as it is: enums to their value, numpy scalars out."""
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def flat_scalars(record: Mapping[str, Any]) -> dict[str, Any]:
    """The scalar entries of a JSON-like dict (nested lists and dicts left out).

    >>> flat_scalars({"a": 1, "b": [1, 2], "c": {"d": 1}, "e": None})
    {'a': 1, 'e': None}
    """
    return {
        key: _plain(value)
        for key, value in record.items()
        if not isinstance(value, Mapping | list | tuple | set)
    }


def _column(values: list[Any]) -> Any:
    """An Arrow array; a column mixing types Arrow cannot unify becomes text.

    >>> _column([1, "a", None]).to_pylist()
    ['1', 'a', None]
    """
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _cell(value: Any, width: int = _CELL) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


class Tabular:
    """Mixin: ``to_pandas``, ``to_arrow``, ``__repr__`` and ``_repr_html_`` from rows."""

    _table_columns: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def _table_rows(self) -> list[dict[str, Any]]:
        """One row by default: the scalar fields of ``to_dict()``."""
        return [flat_scalars(self.to_dict())]

    def _repr_rows(self) -> list[dict[str, Any]]:
        """What the screen shows: the table's rows unless a result has a shorter story."""
        return self._table_rows()

    def _headline(self) -> str:
        return type(self).__name__

    def _rows_and_columns(self, *, screen: bool = False) -> tuple[list[dict[str, Any]], list[str]]:
        custom = screen and type(self)._repr_rows is not Tabular._repr_rows
        source = self._repr_rows() if custom else self._table_rows()
        rows = [{k: _plain(v) for k, v in row.items()} for row in source]
        columns = [] if custom else list(self._table_columns)
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        return rows, columns

    def to_arrow(self) -> pa.Table:
        """The rows as a ``pyarrow.Table``."""
        import pyarrow as pa

        rows, columns = self._rows_and_columns()
        arrays = {name: _column([row.get(name) for row in rows]) for name in columns}
        return pa.table(arrays) if arrays else pa.table({})

    def to_pandas(self) -> pd.DataFrame:
        """The rows as a ``pandas.DataFrame`` (needs ``pip install 'watchkeeper[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is in the dev extra
            from watchkeeper._exceptions import MissingDependency

            raise MissingDependency("pandas", "pandas") from exc
        rows, columns = self._rows_and_columns()
        return pd.DataFrame.from_records(rows, columns=columns)

    def __repr__(self) -> str:
        rows, columns = self._rows_and_columns(screen=True)
        lines = [self._headline()]
        if len(rows) == 1:
            row = rows[0]
            lines += [f"  {n}: {_cell(row.get(n), _WIDTH - 4 - len(n))}" for n in columns]
            return "\n".join(lines)
        if not rows:
            return "\n".join([*lines, "  (no rows)"])
        cells = [[_cell(row.get(name)) for name in columns] for row in rows[:_REPR_ROWS]]
        widths = [max(len(name), *(len(r[i]) for r in cells)) for i, name in enumerate(columns)]
        fit, used = 0, 2
        while fit < len(columns) and (fit == 0 or used + widths[fit] <= _WIDTH):
            used, fit = used + widths[fit] + 2, fit + 1
        shown = [r[:fit] for r in cells]
        header = "  ".join(n.ljust(w) for n, w in zip(columns[:fit], widths, strict=False))
        if fit < len(columns):
            header += f"  (+{len(columns) - fit} columns)"
        lines.append("  " + header)
        for cells_of_row in shown:
            lines.append(
                "  " + "  ".join(c.ljust(w) for c, w in zip(cells_of_row, widths, strict=False))
            )
        if len(rows) > _REPR_ROWS:
            lines.append(f"  ... {len(rows) - _REPR_ROWS} more rows (to_pandas() has them all)")
        return "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self) -> str:
        rows, columns = self._rows_and_columns(screen=True)
        head = "".join(f"<th>{html.escape(name)}</th>" for name in columns)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(_cell(r.get(n), _WIDTH))}</td>" for n in columns)
            + "</tr>"
            for r in rows[:_HTML_ROWS]
        )
        more = (
            f"<p>… {len(rows) - _HTML_ROWS} more rows (to_pandas() has them all)</p>"
            if len(rows) > _HTML_ROWS
            else ""
        )
        title = html.escape(self._headline())
        return (
            f"<div><p><strong>{title}</strong></p><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{more}</div>"
        )

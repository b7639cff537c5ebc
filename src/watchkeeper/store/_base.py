"""What every repository part shares: the engine and the dialect's INSERT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

__all__ = ["RepositoryBase"]


class RepositoryBase:
    engine: Engine

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which has ``on_conflict_do_nothing``/``do_update``."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _upsert(self, table: Table, keys: Sequence[str], **values: Any) -> None:
        """Insert the row ``values``, or, where a row has the same ``keys``, replace its
        other columns with them."""
        statement = self._insert(table).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in values if name not in keys},
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

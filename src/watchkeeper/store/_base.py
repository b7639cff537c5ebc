"""What every repository part shares: the engine and the dialect's INSERT."""

from __future__ import annotations

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

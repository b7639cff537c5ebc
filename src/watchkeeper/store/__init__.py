"""The store: SQLAlchemy tables, Alembic migrations applied at start, and the repository.

SQLite (a file in the working directory) by default, PostgreSQL through a
``postgresql+psycopg://`` URL. Needs the ``server`` extra (SQLAlchemy, Alembic).
"""

from watchkeeper._exceptions import MissingDependency

try:
    import alembic as _alembic  # noqa: F401
    import sqlalchemy as _sqlalchemy  # noqa: F401
except ImportError as error:  # pragma: no cover - the extra is installed in CI
    raise MissingDependency(error.name or "sqlalchemy", "server") from error

from watchkeeper.store._migrate import current_revision, head_revision, upgrade
from watchkeeper.store._store import Store, create_store_engine
from watchkeeper.store._types import from_micros, to_micros

__all__ = [
    "Store",
    "create_store_engine",
    "current_revision",
    "from_micros",
    "head_revision",
    "to_micros",
    "upgrade",
]

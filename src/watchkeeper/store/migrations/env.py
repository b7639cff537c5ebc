"""Alembic environment: runs on the connection handed over by :func:`upgrade`."""

from __future__ import annotations

from typing import Any

from alembic import context

from watchkeeper.store._tables import metadata

VERSION_TABLE = "wk_alembic_version"


def _run(config: Any) -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "watchkeeper's migrations run through watchkeeper.store.upgrade(engine), "
            "not the alembic command line"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Outside a migration (pytest collecting doctests, say) Alembic has no context to give.
_config = getattr(context, "config", None)
if _config is not None:
    _run(_config)

"""per-model retention periods, and windows whose metrics are approximate

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

``wk_models.retention``: the model's retention periods from ``watchkeeper.yaml``
(seconds per kind: records, labels, profiles, metrics), stored by ``apply`` so that the
background loop applies them. ``wk_windows.approximate``: the window's metrics rest on
aggregates that an erasure could not reach (its raw records had been compacted).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wk_models") as batch:
        batch.add_column(sa.Column("retention", sa.Text(), nullable=True))
    with op.batch_alter_table("wk_windows") as batch:
        batch.add_column(
            sa.Column("approximate", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("wk_windows") as batch:
        batch.drop_column("approximate")
    with op.batch_alter_table("wk_models") as batch:
        batch.drop_column("retention")

"""window profiles and reference profiles

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wk_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_profile", sa.LargeBinary(), nullable=True))
    op.create_table(
        "wk_window_profiles",
        sa.Column("window_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("through_id", sa.BigInteger(), nullable=False),
        sa.Column("profile", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["wk_windows.id"],
            name=op.f("fk_wk_window_profiles_window_id_wk_windows"),
        ),
        sa.PrimaryKeyConstraint("window_id", name=op.f("pk_wk_window_profiles")),
    )


def downgrade() -> None:
    op.drop_table("wk_window_profiles")
    with op.batch_alter_table("wk_versions", schema=None) as batch_op:
        batch_op.drop_column("reference_profile")

"""profile parts: window profiles posted by senders, and compacted windows' aggregates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

``wk_profile_parts`` holds the profiles posted for a window (SDK profile mode, Spark
jobs) with their operational aggregates, and the aggregates of a window's records once
retention has deleted them (issue 16).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wk_profile_parts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=500), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("part_key", sa.String(length=100), nullable=True),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("operations", sa.Text(), nullable=False),
        sa.Column("profile", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_profile_parts")),
        sa.UniqueConstraint(
            "model_id", "part_key", name=op.f("uq_wk_profile_parts_model_id_part_key")
        ),
    )
    op.create_index(
        op.f("ix_wk_profile_parts_model_id_version_id_window_start"),
        "wk_profile_parts",
        ["model_id", "version_id", "window_start"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_wk_profile_parts_model_id_version_id_window_start"), table_name="wk_profile_parts"
    )
    op.drop_table("wk_profile_parts")

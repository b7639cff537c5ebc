"""performance parts: labelled performance profiles posted for a window

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

``wk_profile_parts.kind`` says what a part holds: ``features`` (a posted ``.wkp`` with
its operational aggregates, or a compacted window's aggregates: every existing row) or
``performance`` (a labelled performance profile, merged into the window's realized
performance at close, issue 16). A sender's idempotency key is unique per kind, so a
feature profile and a performance profile of the same flush may share it.
``wk_part_keys`` keeps every key a sender gave (those of existing parts are copied),
also after the part was compacted into one without a key, so a retry after compaction
still counts once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wk_part_keys",
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("part_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("model_id", "kind", "part_key", name=op.f("pk_wk_part_keys")),
    )
    op.execute(
        "INSERT INTO wk_part_keys (model_id, kind, part_key, created_at) "
        "SELECT model_id, 'features', part_key, created_at FROM wk_profile_parts "
        "WHERE part_key IS NOT NULL"
    )
    with op.batch_alter_table("wk_profile_parts") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="features")
        )
        batch.drop_constraint("uq_wk_profile_parts_model_id_part_key", type_="unique")
        batch.create_unique_constraint(
            "uq_wk_profile_parts_model_id_kind_part_key", ["model_id", "kind", "part_key"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM wk_profile_parts WHERE kind <> 'features'")
    with op.batch_alter_table("wk_profile_parts") as batch:
        batch.drop_constraint("uq_wk_profile_parts_model_id_kind_part_key", type_="unique")
        batch.create_unique_constraint(
            "uq_wk_profile_parts_model_id_part_key", ["model_id", "part_key"]
        )
        batch.drop_column("kind")
    op.drop_table("wk_part_keys")

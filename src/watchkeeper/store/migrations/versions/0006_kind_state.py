"""monitor kinds: fitted state per version and kind

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-05

One row per model version and monitor kind (``watchkeeper.service.kinds``): what the
kind fitted on the version's reference (a CBPE/DLE estimator, reference group
counters, the reference attribution ranking, a domain classifier's threshold) or the
state it carries between label batches (a streaming detector).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wk_kind_state",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "kind", name=op.f("pk_wk_kind_state")),
    )


def downgrade() -> None:
    op.drop_table("wk_kind_state")

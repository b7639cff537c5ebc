"""version metadata: what other systems say about a model version

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

One JSON document per model version and key (``"mlflow"``: the MLflow model URI the
version was registered from and the MLflow version it resolved to).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wk_version_metadata",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "key", name=op.f("pk_wk_version_metadata")),
    )


def downgrade() -> None:
    op.drop_table("wk_version_metadata")

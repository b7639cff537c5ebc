"""dashboard sessions: signed-in browsers, shared by every worker and kept across restarts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

One row per session: the SHA-256 of the session token (never the token), the API key
it was opened with, its CSRF token and its expiry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wk_dashboard_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_wk_dashboard_sessions")),
    )
    op.create_index(
        "ix_wk_dashboard_sessions_key_id", "wk_dashboard_sessions", ["key_id"], unique=False
    )
    op.create_index(
        "ix_wk_dashboard_sessions_expires_at",
        "wk_dashboard_sessions",
        ["expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_wk_dashboard_sessions_expires_at", table_name="wk_dashboard_sessions")
    op.drop_index("ix_wk_dashboard_sessions_key_id", table_name="wk_dashboard_sessions")
    op.drop_table("wk_dashboard_sessions")

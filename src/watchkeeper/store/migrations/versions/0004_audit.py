"""the audit trail: append-only, hash-chained

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Besides the table, a trigger refuses UPDATE and DELETE on ``wk_audit`` on both
backends, so that the application (or a mistaken hand in a SQL shell) cannot rewrite
history without first dropping the trigger; the hash chain catches whoever does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MESSAGE = "wk_audit is append-only"

_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER wk_audit_no_update BEFORE UPDATE ON wk_audit "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    f"CREATE TRIGGER wk_audit_no_delete BEFORE DELETE ON wk_audit "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
)
_POSTGRES_TRIGGERS = (
    "CREATE FUNCTION wk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$",
    "CREATE TRIGGER wk_audit_append_only BEFORE UPDATE OR DELETE ON wk_audit "
    "FOR EACH ROW EXECUTE FUNCTION wk_audit_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "wk_audit",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_wk_audit")),
        sa.UniqueConstraint("hash", name=op.f("uq_wk_audit_hash")),
    )
    with op.batch_alter_table("wk_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wk_audit_model_seq"), ["model", "seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_wk_audit_action_seq"), ["action", "seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_wk_audit_at"), ["at"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS wk_audit_append_only ON wk_audit")
        op.execute("DROP FUNCTION IF EXISTS wk_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS wk_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS wk_audit_no_delete")
    with op.batch_alter_table("wk_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_audit_at"))
        batch_op.drop_index(batch_op.f("ix_wk_audit_action_seq"))
        batch_op.drop_index(batch_op.f("ix_wk_audit_model_seq"))
    op.drop_table("wk_audit")

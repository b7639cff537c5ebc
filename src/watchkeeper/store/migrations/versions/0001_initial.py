"""initial tables

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wk_alerts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("monitor", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("feature", sa.String(length=300), nullable=True),
        sa.Column("segment", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("silenced_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("notified_state", sa.String(length=20), nullable=True),
        sa.Column("consecutive_breaches", sa.Integer(), nullable=False),
        sa.Column("consecutive_clears", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_wk_alerts")),
    )
    with op.batch_alter_table("wk_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_alerts_model_state"), ["model", "state"], unique=False
        )

    op.create_table(
        "wk_api_keys",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_wk_api_keys_key_hash")),
    )
    op.create_table(
        "wk_channels",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_wk_channels")),
    )
    op.create_table(
        "wk_host_metrics",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("cpu_percent", sa.Float(), nullable=True),
        sa.Column("memory_bytes", sa.Float(), nullable=True),
        sa.Column("dropped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_host_metrics")),
    )
    with op.batch_alter_table("wk_host_metrics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_host_metrics_model_id_version_id_ts"),
            ["model_id", "version_id", "ts"],
            unique=False,
        )

    op.create_table(
        "wk_metric_points",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("metric", sa.String(length=100), nullable=False),
        sa.Column("feature", sa.String(length=300), nullable=False),
        sa.Column("segment", sa.String(length=500), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_metric_points")),
        sa.UniqueConstraint(
            "model",
            "version",
            "metric",
            "feature",
            "segment",
            "window_start",
            name=op.f("uq_wk_metric_points_model_version_metric_feature_segment_window_start"),
        ),
    )
    with op.batch_alter_table("wk_metric_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_metric_points_model_metric_window_start"),
            ["model", "metric", "window_start"],
            unique=False,
        )

    op.create_table(
        "wk_models",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("task", sa.String(length=40), nullable=False),
        sa.Column("schema", sa.Text(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=True),
        sa.Column("active_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_models")),
        sa.UniqueConstraint("name", name=op.f("uq_wk_models_name")),
    )
    op.create_table(
        "wk_monitors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_wk_monitors")),
    )
    op.create_table(
        "wk_outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_outbox")),
    )
    with op.batch_alter_table("wk_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_outbox_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )

    op.create_table(
        "wk_records",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("segment", sa.String(length=500), nullable=False),
        sa.Column("prediction", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("scores", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("error", sa.Boolean(), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("labeled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_records")),
        sa.UniqueConstraint("model_id", "record_id", name=op.f("uq_wk_records_model_id_record_id")),
    )

    op.create_table(
        "wk_window_data",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_window_data")),
    )
    with op.batch_alter_table("wk_window_data", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_window_data_model_id_version_id_window_start"),
            ["model_id", "version_id", "window_start"],
            unique=False,
        )

    op.create_table(
        "wk_windows",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=500), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("n_labels", sa.Integer(), nullable=False),
        sa.Column("needs_recompute", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("metrics", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_windows")),
        sa.UniqueConstraint(
            "model_id",
            "version_id",
            "segment",
            "start",
            name=op.f("uq_wk_windows_model_id_version_id_segment_start"),
        ),
    )
    with op.batch_alter_table("wk_windows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_windows_model_id_status_end"),
            ["model_id", "status", "end"],
            unique=False,
        )

    op.create_table(
        "wk_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.LargeBinary(), nullable=True),
        sa.Column("baseline", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"], ["wk_models.id"], name=op.f("fk_wk_versions_model_id_wk_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_versions")),
        sa.UniqueConstraint("model_id", "name", name=op.f("uq_wk_versions_model_id_name")),
    )
    op.create_table(
        "wk_version_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rolled_back", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["wk_models.id"],
            name=op.f("fk_wk_version_activations_model_id_wk_models"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["wk_versions.id"],
            name=op.f("fk_wk_version_activations_version_id_wk_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wk_version_activations")),
    )
    with op.batch_alter_table("wk_version_activations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wk_version_activations_model_id_id"), ["model_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wk_version_activations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_version_activations_model_id_id"))

    op.drop_table("wk_version_activations")
    op.drop_table("wk_versions")
    with op.batch_alter_table("wk_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_windows_model_id_status_end"))

    op.drop_table("wk_windows")
    with op.batch_alter_table("wk_window_data", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_window_data_model_id_version_id_window_start"))

    op.drop_table("wk_window_data")
    op.drop_table("wk_records")
    with op.batch_alter_table("wk_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_outbox_status_next_attempt_at"))

    op.drop_table("wk_outbox")
    op.drop_table("wk_monitors")
    op.drop_table("wk_models")
    with op.batch_alter_table("wk_metric_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_metric_points_model_metric_window_start"))

    op.drop_table("wk_metric_points")
    with op.batch_alter_table("wk_host_metrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_host_metrics_model_id_version_id_ts"))

    op.drop_table("wk_host_metrics")
    op.drop_table("wk_channels")
    op.drop_table("wk_api_keys")
    with op.batch_alter_table("wk_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wk_alerts_model_state"))

    op.drop_table("wk_alerts")

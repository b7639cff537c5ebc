"""The tables, as SQLAlchemy Core; every name starts with ``wk_`` so that the store can
share a PostgreSQL database with other applications.

Records keep one row per prediction (the id index, the outputs, the label) and their
features go to ``wk_window_data`` as one Arrow IPC blob per batch and window, which is
what makes ingestion fast. Closing a window streams those blobs into a mergeable
profile (``wk_window_profiles``), compared with the version's reference profile
(``wk_versions.reference_profile``); late records are profiled alone and merged in.
Event times of records are integer microseconds since the epoch (compact and fast on
both backends); everything else is a timezone-aware ``UTCDateTime``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from watchkeeper.store._types import JSONText, UTCDateTime

__all__ = [
    "alerts",
    "api_keys",
    "audit",
    "channels",
    "host_metrics",
    "metadata",
    "metric_points",
    "models",
    "monitors",
    "outbox",
    "part_keys",
    "profile_parts",
    "records",
    "version_activations",
    "versions",
    "window_data",
    "window_profiles",
    "windows",
]

# SQLite only aliases the rowid (and so auto-increments) for a plain INTEGER primary key.
BigId = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

models = Table(
    "wk_models",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("task", String(40), nullable=False),
    Column("schema", JSONText, nullable=False),
    Column("window_seconds", Integer, nullable=True),
    Column("active_version_id", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # The retention periods of watchkeeper.yaml, seconds per kind (records, labels,
    # profiles, metrics); null: the server's defaults (migration 0010).
    Column("retention", JSONText, nullable=True),
)

versions = Table(
    "wk_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", Integer, ForeignKey("wk_models.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("reference", LargeBinary, nullable=True),
    # The reference's profile (watchkeeper.profile, .wkp bytes): its bins are the ones
    # every window of the version is counted on. Null without a reference, or for a
    # reference stored before migration 0003 (built at the next close).
    Column("reference_profile", LargeBinary, nullable=True),
    Column("baseline", JSONText, nullable=False),
    Column("active", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("model_id", "name"),
)

version_activations = Table(
    "wk_version_activations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", Integer, ForeignKey("wk_models.id"), nullable=False),
    Column("version_id", Integer, ForeignKey("wk_versions.id"), nullable=False),
    Column("activated_at", UTCDateTime, nullable=False),
    Column("rolled_back", Boolean, nullable=False, default=False),
    Index(None, "model_id", "id"),
)

records = Table(
    "wk_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model_id", Integer, nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("window_start", BigInteger, nullable=False),
    Column("segment", String(500), nullable=False, default=""),
    Column("prediction", Text, nullable=True),
    Column("score", Float, nullable=True),
    Column("scores", Text, nullable=True),
    Column("latency_ms", Float, nullable=True),
    Column("error", Boolean, nullable=False, default=False),
    Column("label", Text, nullable=True),
    Column("labeled_at", UTCDateTime, nullable=True),
    # No index on the window: every index costs ingestion throughput, and closing a
    # window finds its records by id from the window's feature blobs instead.
    UniqueConstraint("model_id", "record_id"),
)

window_data = Table(
    "wk_window_data",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("window_start", BigInteger, nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Index(None, "model_id", "version_id", "window_start"),
)

windows = Table(
    "wk_windows",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("segment", String(500), nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    # 64-bit: a window of 600k predictions a second for an hour passes 2**31.
    Column("n_records", BigInteger, nullable=False),
    Column("n_labels", BigInteger, nullable=False),
    Column("needs_recompute", Boolean, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("metrics", JSONText, nullable=True),
    # An erasure could not reach the aggregates the metrics rest on (raw compacted).
    Column("approximate", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("model_id", "version_id", "segment", "start"),
    Index(None, "model_id", "status", "end"),
)

window_profiles = Table(
    "wk_window_profiles",
    metadata,
    Column("window_id", BigInteger, ForeignKey("wk_windows.id"), primary_key=True),
    # The newest wk_window_data row merged into the profile: late batches are those after.
    Column("through_id", BigInteger, nullable=False),
    Column("profile", LargeBinary, nullable=False),
)

# Profiles posted for a window (SDK profile mode, Spark), with their operational
# aggregates; and, after retention deleted a window's raw records, the aggregates those
# records had (``profile`` NULL: their features are in wk_window_profiles already).
profile_parts = Table(
    "wk_profile_parts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("segment", String(500), nullable=False),
    Column("window_start", BigInteger, nullable=False),
    # What the part holds: "features" (a .wkp with operational aggregates, or a compacted
    # window's aggregates) or "performance" (a labelled performance profile, JSON).
    Column("kind", String(16), nullable=False, server_default="features"),
    # The sender's id for the part, so that a retried post is stored once (per kind).
    Column("part_key", String(100), nullable=True),
    # Rows counted: records for features, labelled rows for performance.
    Column("n_records", BigInteger, nullable=False),
    Column("operations", JSONText, nullable=False),
    Column("profile", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("model_id", "kind", "part_key"),
    Index(None, "model_id", "version_id", "window_start"),
)

# Every idempotency key a sender gave a part, kept when the part is compacted into
# another (which has no key), so that a retry after compaction still counts once.
part_keys = Table(
    "wk_part_keys",
    metadata,
    Column("model_id", Integer, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("part_key", String(100), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

metric_points = Table(
    "wk_metric_points",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model", String(200), nullable=False),
    Column("version", String(200), nullable=False),
    Column("metric", String(100), nullable=False),
    Column("feature", String(300), nullable=False),
    Column("segment", String(500), nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("value", Float, nullable=False),
    UniqueConstraint("model", "version", "metric", "feature", "segment", "window_start"),
    Index(None, "model", "metric", "window_start"),
    # Closing a window replaces its points by (model, version, segment, window start).
    Index(None, "model", "version", "segment", "window_start"),
)

host_metrics = Table(
    "wk_host_metrics",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("model_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("cpu_percent", Float, nullable=True),
    Column("memory_bytes", Float, nullable=True),
    Column("dropped", Integer, nullable=False),
    Index(None, "model_id", "version_id", "ts"),
)

alerts = Table(
    "wk_alerts",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("monitor", String(200), nullable=False),
    Column("model", String(200), nullable=False),
    Column("version", String(200), nullable=False),
    Column("metric", String(100), nullable=False),
    Column("feature", String(300), nullable=True),
    Column("segment", String(500), nullable=True),
    Column("state", String(20), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("value", Float, nullable=False),
    Column("condition", JSONText, nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("fired_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("last_notified_at", UTCDateTime, nullable=True),
    Column("acknowledged_by", String(200), nullable=True),
    Column("silenced_until", UTCDateTime, nullable=True),
    Column("message", Text, nullable=False),
    # The state machine's memory (watchkeeper.service.alerts.AlertRecord).
    Column("notified_state", String(20), nullable=True),
    Column("consecutive_breaches", Integer, nullable=False, default=0),
    Column("consecutive_clears", Integer, nullable=False, default=0),
    Index(None, "model", "state"),
)

outbox = Table(
    "wk_outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("channel", String(200), nullable=False),
    Column("event", JSONText, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    Index(None, "status", "next_attempt_at"),
)

api_keys = Table(
    "wk_api_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", JSONText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

monitors = Table(
    "wk_monitors",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("model", String(200), nullable=False),
    Column("spec", JSONText, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

channels = Table(
    "wk_channels",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("settings", JSONText, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The audit trail (migration 0004): append-only, each entry carrying the hash of the
# previous one (watchkeeper.store._repo_audit); ``seq`` is given by the writer, 1, 2, ...,
# so a missing entry is a gap and two writers cannot both append the same position.
audit = Table(
    "wk_audit",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", String(200), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("model", String(200), nullable=True),
    Column("target", String(500), nullable=False),
    Column("before", JSONText, nullable=True),
    Column("after", JSONText, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index(None, "model", "seq"),
    Index(None, "action", "seq"),
    Index(None, "at"),
)

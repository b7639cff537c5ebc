"""Request and response bodies of the HTTP API, as pydantic models.

Validation is strict: unknown fields are refused, numbers must be finite, booleans
are not numbers, timestamps are ISO-8601 text with a time zone. Prediction batches
are validated record by record (see ``_records.py``) so that one bad record does not
cost the others; the :class:`PredictionBatch` model here documents their shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from watchkeeper._vocabulary import TASKS, Task

__all__ = [
    "NAME_PATTERN",
    "TASKS",
    "AlertList",
    "AlertOut",
    "CloseWindowsIn",
    "ErrorOut",
    "HealthOut",
    "HostMetricPoint",
    "HostMetricsIn",
    "HostMetricsOut",
    "IngestOut",
    "LabelIn",
    "LabelOut",
    "LabelsIn",
    "MetricPointOut",
    "MetricSeriesOut",
    "MlflowOut",
    "MlflowVersionIn",
    "ModelIn",
    "ModelList",
    "ModelOut",
    "PredictionBatch",
    "PredictionRecord",
    "RecordErrorOut",
    "SilenceIn",
    "Timestamp",
    "VersionIn",
    "VersionList",
    "VersionOut",
    "WindowList",
    "WindowOut",
]

# Names end up in URLs, Prometheus labels and file names: keep them plain.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
MAX_BATCH = 100_000


def _require_text(value: Any) -> Any:
    # pydantic would read a bare number as seconds since 1970; an API that guesses
    # the unit of a timestamp is an API that silently stores the wrong hour.
    if not isinstance(value, str | datetime):
        raise ValueError("must be ISO-8601 text such as '2024-05-01T12:00:00Z'")
    return value


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Timestamp = Annotated[AwareDatetime, BeforeValidator(_require_text), AfterValidator(_to_utc)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False, strict=True)]
Number = StrictInt | FiniteFloat
Scalar = StrictBool | StrictInt | FiniteFloat | StrictStr | None
Name = Annotated[StrictStr, Field(pattern=NAME_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ModelIn(_Strict):
    """``POST /v1/models``: a model's name, task and (optional) feature schema."""

    name: Name
    task: Task
    schema_: dict[StrictStr, Any] | None = Field(
        default=None,
        alias="schema",
        description="feature name -> kind (numeric, categorical, boolean, datetime, text, "
        "embedding), or {'features': {...}}; features not in it are refused",
    )


class VersionIn(_Strict):
    """``POST /v1/models/{model}/versions`` as JSON; reference rows are plain objects."""

    version: Name
    reference: list[dict[StrictStr, Scalar]] | None = Field(
        default=None, max_length=MAX_BATCH, description="reference rows: feature name -> value"
    )
    baseline: dict[StrictStr, FiniteFloat] | None = None
    activate: StrictBool = False


class PredictionRecord(_Strict):
    """One logged prediction (documentation of the per-record validation)."""

    id: StrictStr = Field(min_length=1, max_length=256)
    timestamp: Timestamp
    features: dict[StrictStr, Scalar | list[Number]] = Field(default_factory=dict)
    prediction: Scalar = None
    score: Number | dict[StrictStr, Number] | None = None
    latency_ms: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    error: StrictBool | None = None
    segment: dict[StrictStr, StrictStr | StrictInt | StrictBool] = Field(default_factory=dict)


class PredictionBatch(_Strict):
    """``POST /v1/models/{model}/predictions`` as JSON."""

    version: Name
    records: list[PredictionRecord] = Field(min_length=1, max_length=MAX_BATCH)


class LabelIn(_Strict):
    id: StrictStr = Field(min_length=1, max_length=256)
    label: Scalar


class LabelsIn(_Strict):
    """``POST /v1/models/{model}/labels``: ground truth by prediction id."""

    labels: list[LabelIn] = Field(min_length=1, max_length=MAX_BATCH)


class HostMetricPoint(_Strict):
    timestamp: Timestamp
    cpu_percent: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    memory_bytes: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    dropped: Annotated[StrictInt, Field(ge=0)] = 0


class HostMetricsIn(_Strict):
    """``POST /v1/models/{model}/host-metrics``: CPU, memory and drops reported by the SDK."""

    version: Name
    points: list[HostMetricPoint] = Field(min_length=1, max_length=10_000)


class CloseWindowsIn(_Strict):
    """``POST /v1/models/{model}/windows/close``: close windows ending at or before ``now``."""

    now: Timestamp | None = None


class SilenceIn(_Strict):
    """``POST /v1/alerts/{key}/silence``: no notification until ``until``."""

    until: Timestamp


# Responses: documentation only; handlers answer with the results' to_dict().


class ErrorOut(BaseModel):
    detail: str
    errors: list[dict[str, Any]] = Field(default_factory=list)


class ModelOut(BaseModel):
    name: str
    task: str
    schema_: dict[str, Any] = Field(alias="schema")
    active_version: str | None
    created_at: datetime


class ModelList(BaseModel):
    models: list[ModelOut]


class MlflowOut(BaseModel):
    """The MLflow model a version was registered from (``name``/``version`` null for a run)."""

    uri: str
    name: str | None = None
    version: str | None = None
    run_id: str | None = None
    source: str | None = None
    model_id: str | None = None


class VersionOut(BaseModel):
    model: str
    version: str
    active: bool
    created_at: datetime
    has_reference: bool
    baseline: dict[str, float]
    mlflow: MlflowOut | None = None


class MlflowVersionIn(_Strict):
    """``PUT /v1/models/{model}/versions/{version}/mlflow``: the MLflow model URI.

    The tracking server is the server's own (``MLFLOW_TRACKING_URI``); a body naming
    another (``tracking_uri``) is refused like any unknown field.
    """

    uri: StrictStr = Field(min_length=1, max_length=1000, examples=["models:/churn/3"])
    baseline: dict[StrictStr, FiniteFloat] | None = None
    activate: StrictBool = False


class VersionList(BaseModel):
    versions: list[VersionOut]


class RecordErrorOut(BaseModel):
    index: int
    id: str | None
    field: str
    message: str


class IngestOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RecordErrorOut]


class LabelOut(BaseModel):
    accepted: int
    duplicates: int
    unknown_ids: list[str] = Field(description="at most 100 of the ids no prediction has")
    n_unknown: int


class HostMetricsOut(BaseModel):
    accepted: int


class WindowOut(BaseModel):
    model: str
    version: str
    segment: str | None
    start: datetime
    end: datetime
    status: Literal["open", "closed"]
    n_records: int
    n_labels: int
    metrics: dict[str, Any]
    # An erasure could not reach part of the window's data (held as aggregates only).
    approximate: bool = False


class WindowList(BaseModel):
    windows: list[WindowOut]


class MetricPointOut(BaseModel):
    model: str
    version: str
    metric: str
    value: float | None
    window_start: datetime
    window_end: datetime
    feature: str | None
    segment: str | None


class MetricSeriesOut(BaseModel):
    points: list[MetricPointOut]


class AlertOut(BaseModel):
    key: str
    monitor: str
    model: str
    version: str
    metric: str
    feature: str | None
    segment: str | None
    state: str
    severity: str
    value: float | None
    fired_at: datetime
    resolved_at: datetime | None
    acknowledged_by: str | None
    silenced_until: datetime | None
    message: str


class AlertList(BaseModel):
    alerts: list[AlertOut]


class HealthOut(BaseModel):
    status: str
    database: str | None = None

"""A window's labelled performance profile, built next to the data and posted (issue 16).

Where labels come with the predictions (batch scoring of labelled data, a join of
predictions with late labels in the lake), the sender profiles them per window and
segment and posts the profile, not the rows::

    post = performance_post("churn", "v3", window_start, y_true, y_pred, scores,
                            classes=[0, 1], segment={"region": "eu"},
                            idempotency_key="job-42-eu")
    send_performance_post(http, post)   # http: an httpx.Client with base_url and key

The server answers ``POST /v1/models/{m}/performance-profiles`` (scope ``ingest``): the
profile's rows count as the window's labels, and at close realized performance is
computed over them and the window's labelled records: threshold metrics exact,
ROC AUC and average precision within a stated bound (docs/scale.md). Profiles must be on
the version's edges and classes, which ``fetch_performance_edges`` reads; the defaults
here (:func:`~watchkeeper.performance.probability_edges`,
:func:`~watchkeeper.performance.error_edges`) are the server's.

A :class:`PerformancePost` has the shape of the SDK's profile posts (``path`` with its
query, ``body``, ``headers``, ``n_records``), so one poster sends both; it is the same on
every retry, and its ``Idempotency-Key`` makes a retry count once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from watchkeeper._exceptions import InputError, WatchkeeperError
from watchkeeper.client._answers import detail, json_of

if TYPE_CHECKING:
    import httpx
    import numpy.typing as npt

    from watchkeeper.fairness import GroupCounters
    from watchkeeper.performance import ClassificationProfile, RegressionProfile

__all__ = [
    "PerformancePost",
    "bias_post",
    "counters_post",
    "fetch_performance_edges",
    "performance_post",
    "profile_post",
    "scores_post",
    "send_performance_post",
]

MEDIA_TYPE = "application/json"


@dataclass(frozen=True, kw_only=True)
class PerformancePost:
    """One window's performance profile, ready to post (the same on every retry).

    ``n_records`` is the number of labelled rows the profile counts.
    """

    path: str
    body: bytes
    headers: dict[str, str]
    n_records: int


def _segment(segment: str | Mapping[str, Any] | None) -> str | None:
    if segment is None or isinstance(segment, str):
        return segment or None
    return ",".join(f"{key}={segment[key]}" for key in sorted(segment)) or None


def _query(window_start: datetime, version: str, segment: Any) -> str:
    query = {"version": version, "window_start": _start(window_start)}
    where = _segment(segment)
    if where:
        query["segment"] = where
    return urlencode(query)


def _headers(idempotency_key: str | None) -> dict[str, str]:
    headers = {"Content-Type": MEDIA_TYPE}
    if idempotency_key is not None:
        if not 0 < len(idempotency_key) <= 100:
            raise InputError("idempotency_key must be 1 to 100 characters")
        headers["Idempotency-Key"] = idempotency_key
    return headers


def _start(window_start: datetime) -> str:
    if window_start.tzinfo is None:
        raise InputError(
            f"window_start {window_start.isoformat()} has no time zone; give an aware datetime"
        )
    return window_start.astimezone(UTC).isoformat()


def profile_post(
    model: str,
    version: str,
    window_start: datetime,
    profile: ClassificationProfile | RegressionProfile,
    *,
    segment: str | Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> PerformancePost:
    """The post of a built (or merged) profile, e.g. one of Spark's
    ``performance_profiles``.

    >>> from watchkeeper.performance import classification_profile
    >>> p = classification_profile([0, 1, 1], [0, 1, 0], [0.2, 0.9, 0.4], classes=[0, 1])
    >>> post = profile_post("churn", "v3", datetime(2024, 6, 1, 10, tzinfo=UTC), p,
    ...                     segment={"region": "eu"}, idempotency_key="job-1")
    >>> post.path
    '/v1/models/churn/performance-profiles?version=v3&window_start=2024-06-01T10%3A00%3A00%2B00%3A00&segment=region%3Deu'
    >>> post.n_records, post.headers["Idempotency-Key"]
    (3, 'job-1')
    """
    body = json.dumps(profile.to_dict(), separators=(",", ":")).encode()
    return PerformancePost(
        path=f"/v1/models/{quote(model, safe='')}/performance-profiles?"
        f"{_query(window_start, version, segment)}",
        body=body,
        headers=_headers(idempotency_key),
        n_records=profile.n_rows,
    )


def performance_post(
    model: str,
    version: str,
    window_start: datetime,
    y_true: Sequence[Any] | npt.ArrayLike,
    y_pred: Sequence[Any] | npt.ArrayLike,
    scores: npt.ArrayLike | None = None,
    *,
    classes: Sequence[Any] | None = None,
    edges: npt.ArrayLike | None = None,
    segment: str | Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> PerformancePost:
    """The post of one window's labelled predictions.

    With ``classes`` (every class, in the model's order) the profile is a classifier's:
    ``scores`` one column per class, or for two classes the score of ``classes[1]``;
    ``None`` for a model without scores (its window then has no ROC AUC). Without
    ``classes`` it is a regressor's (``scores`` unused). ``edges`` default to the
    server's (1,000 probability bins; the default absolute-error edges).

    >>> post = performance_post("churn", "v3", datetime(2024, 6, 1, 10, tzinfo=UTC),
    ...                         [0, 1, 1, 0], [0, 1, 0, 0], [0.1, 0.8, 0.45, 0.3],
    ...                         classes=[0, 1])
    >>> body = json.loads(post.body)
    >>> body["kind"], body["confusion"], post.n_records
    ('classification', [[2, 0], [1, 1]], 4)
    """
    from watchkeeper.performance import classification_profile, regression_profile

    profile: ClassificationProfile | RegressionProfile
    if classes is not None:
        profile = classification_profile(y_true, y_pred, scores, classes=classes, edges=edges)
    else:
        profile = regression_profile(y_true, y_pred, edges=edges)
    return profile_post(
        model, version, window_start, profile, segment=segment, idempotency_key=idempotency_key
    )


def send_performance_post(http: httpx.Client, post: PerformancePost) -> dict[str, Any]:
    """Post ``post`` with ``http`` (base URL and ``Authorization`` set); the server's
    answer (``accepted``, ``duplicate``, ``window_start``, ``segment``).

    Raises :class:`~watchkeeper.WatchkeeperError` with the server's reason when the post
    is refused; a retry of the same post after a network error counts once.
    """
    response = http.post(post.path, content=post.body, headers=post.headers)
    if response.status_code != 200:
        raise WatchkeeperError(
            f"the server refused the performance profile ({response.status_code}): "
            f"{detail(json_of(response), response)}"
        )
    answer: dict[str, Any] = response.json()
    return answer


def fetch_performance_edges(http: httpx.Client, model: str, version: str) -> dict[str, Any]:
    """What the version's performance profiles are counted on: ``kind``
    (classification or regression), ``classes`` (None when the model declares none),
    ``edges`` and the model's ``window_seconds``."""
    path = f"/v1/models/{quote(model, safe='')}/versions/{quote(version, safe='')}"
    response = http.get(f"{path}/performance-edges")
    if response.status_code != 200:
        raise WatchkeeperError(
            f"could not read the performance edges ({response.status_code}): "
            f"{detail(json_of(response), response)}"
        )
    answer: dict[str, Any] = response.json()
    return answer


def scores_post(
    model: str,
    version: str,
    window_start: datetime,
    scores: npt.ArrayLike,
    *,
    classes: Sequence[Any] | None = None,
    regression: bool = False,
    segment: str | Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> PerformancePost:
    """The post of one window's score sketches (``POST .../score-profiles``), so that its
    score statistics cover traffic sent as profiles.

    ``scores``: a binary model's positive-class scores (1-D), a regressor's predictions
    (1-D, ``regression=True``), or a multiclass model's ``(n, k)`` scores with
    ``classes``. ``n_records`` is the number of rows sketched.

    >>> post = scores_post("churn", "v3", datetime(2024, 6, 1, 10, tzinfo=UTC), [0.2, 0.9])
    >>> body = json.loads(post.body)
    >>> body["kind"], list(body["series"]), body["series"][""]["n"]
    ('scores', [''], 2)
    """
    import numpy as np

    from watchkeeper.performance._profiles import class_key
    from watchkeeper.performance._score_sketch import score_sketch, signed_edges

    matrix = np.asarray(scores, dtype=np.float64)
    edges = signed_edges() if regression else None
    if matrix.ndim == 1:
        series = {"": score_sketch(matrix, edges)}
    elif classes is not None and matrix.shape[1:] == (len(classes),):
        series = {class_key(c): score_sketch(matrix[:, k]) for k, c in enumerate(classes)}
    else:
        raise InputError(
            f"scores have shape {matrix.shape}; give one column, or (n, k) with k classes"
        )
    body = {"kind": "scores", "version": 1,
            "series": {name: sketch.to_dict() for name, sketch in series.items()}}  # fmt: skip
    return PerformancePost(
        path=f"/v1/models/{quote(model, safe='')}/score-profiles?"
        f"{_query(window_start, version, segment)}",
        body=json.dumps(body, separators=(",", ":")).encode(),
        headers=_headers(idempotency_key),
        n_records=int(matrix.shape[0]),
    )


def bias_post(
    model: str,
    version: str,
    window_start: datetime,
    y_pred: Sequence[Any] | npt.ArrayLike,
    sensitive: Mapping[str, Sequence[Any]],
    y_true: Sequence[Any] | npt.ArrayLike | None = None,
    *,
    positive_label: Any = None,
    segment: str | Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> PerformancePost:
    """The post of one window's bias group counters (``POST .../bias-profiles``), one
    :class:`~watchkeeper.fairness.GroupCounters` per sensitive column, so that the bias
    series cover traffic sent as profiles. ``y_true`` (None without labels) makes the
    label-based metrics (equalized odds) count these rows; ``positive_label`` must be
    the reference's (default: 1 for 0/1 labels).

    >>> post = bias_post("churn", "v3", datetime(2024, 6, 1, 10, tzinfo=UTC), [1, 0, 1],
    ...                  {"gender": ["f", "m", "m"]})
    >>> body = json.loads(post.body)
    >>> body["kind"], [g["group"] for g in body["columns"]["gender"]["groups"]]
    ('bias', [['f'], ['m']])
    """
    from watchkeeper.fairness import count_groups

    counters = {
        column: count_groups(
            y_true, y_pred, sensitive_features={column: list(values)},
            positive_label=positive_label,
        )
        for column, values in sensitive.items()
    }  # fmt: skip
    return counters_post(
        model, version, window_start, counters, segment=segment, idempotency_key=idempotency_key
    )


def counters_post(
    model: str,
    version: str,
    window_start: datetime,
    counters: Mapping[str, GroupCounters],
    *,
    segment: str | Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> PerformancePost:
    """The post of one window's group counters already counted (or merged), one
    :class:`~watchkeeper.fairness.GroupCounters` per sensitive column counted on that
    column alone (``POST .../bias-profiles``); ``n_records`` is the rows they count.

    >>> from watchkeeper.fairness import count_groups
    >>> gender = count_groups(None, [1, 0], sensitive_features={"gender": ["f", "m"]})
    >>> post = counters_post("churn", "v3", datetime(2024, 6, 1, 10, tzinfo=UTC),
    ...                      {"gender": gender.merge(gender)})
    >>> post.n_records
    4
    """
    body = {"kind": "bias", "version": 1,
            "columns": {column: c.to_dict() for column, c in counters.items()}}  # fmt: skip
    first = next(iter(counters.values()), None)
    return PerformancePost(
        path=f"/v1/models/{quote(model, safe='')}/bias-profiles?"
        f"{_query(window_start, version, segment)}",
        body=json.dumps(body, separators=(",", ":")).encode(),
        headers=_headers(idempotency_key),
        n_records=0 if first is None else int(first.total().n),
    )

"""The names a ``watchkeeper.yaml`` may use: metrics, tasks, channel types.

One table each, read by the validator, the docs and the tests. The metrics are the
service's entries of the metric catalogue (:mod:`watchkeeper._catalogue`), which also
says which way each is worse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from watchkeeper._catalogue import service_metrics
from watchkeeper._vocabulary import TASKS

__all__ = [
    "CHANNEL_TYPES",
    "METRICS",
    "TASKS",
    "ChannelType",
    "MetricInfo",
    "known_metrics",
]


@dataclass(frozen=True)
class MetricInfo:
    """A metric name monitors may watch; ``per_feature`` metrics take ``columns``."""

    name: str
    per_feature: bool
    meaning: str
    problems: tuple[str, ...] = ()  # performance metrics only: the problems they apply to


# The service's own metrics, read from the catalogue (performance metrics come below).
METRICS: Mapping[str, MetricInfo] = MappingProxyType(
    {
        spec.name: MetricInfo(spec.name, spec.per_feature, spec.description)
        for spec in service_metrics()
        if not spec.problems
    }
)


def known_metrics() -> dict[str, MetricInfo]:
    """The service's metrics plus the performance registry's, by name.

    >>> metrics = known_metrics()
    >>> metrics["drift_score"].per_feature, metrics["rmse"].problems
    (True, ('regression',))
    """
    out = dict(METRICS)
    for spec in service_metrics():
        if spec.problems:
            out.setdefault(spec.name, MetricInfo(spec.name, False, spec.description, spec.problems))
    return out


@dataclass(frozen=True)
class ChannelType:
    """A notification channel type and the settings it takes.

    ``one_of`` lists groups of keys of which exactly one must be given (a URL in
    the file, or the environment variable holding it).
    """

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.required, *self.optional, *(k for group in self.one_of for k in group))


CHANNEL_TYPES: Mapping[str, ChannelType] = MappingProxyType(
    {
        "webhook": ChannelType(
            "webhook", (), ("secret_env", "headers", "timeout"), (("url", "url_env"),)
        ),
        "slack": ChannelType("slack", (), ("timeout",), (("url", "url_env"),)),
        "email": ChannelType(
            "email",
            ("host", "from", "to"),
            ("port", "starttls", "username", "password_env", "timeout"),
        ),
        "pagerduty": ChannelType("pagerduty", ("routing_key_env",), ("url", "source", "timeout")),
    }
)

# Keys that would hold a secret's value; the file names the variable instead.
SECRET_KEYS = ("secret", "password", "routing_key", "token", "api_key")

"""The service's own errors, beside :mod:`watchkeeper._exceptions`.

The hierarchy::

    WatchkeeperError
    ├── NotFound       an unknown model, version, alert or API key (HTTP 404)
    └── Conflict       the request contradicts what is stored (HTTP 409)

Bad data in a request is an :class:`watchkeeper._exceptions.InputError` (HTTP 422).
"""

from __future__ import annotations

from watchkeeper._exceptions import WatchkeeperError

__all__ = ["Conflict", "NotFound"]


class NotFound(WatchkeeperError):  # noqa: N818 (the HTTP status's own name)
    """A model, version, alert or key that the store does not hold.

    >>> str(NotFound("model 'churn' does not exist; create it with POST /v1/models"))
    "model 'churn' does not exist; create it with POST /v1/models"
    """


class Conflict(WatchkeeperError):  # noqa: N818 (the HTTP status's own name)
    """A request that contradicts the stored state, e.g. a model re-created with another task.

    >>> isinstance(Conflict("model 'churn' exists with task 'regression'"), WatchkeeperError)
    True
    """

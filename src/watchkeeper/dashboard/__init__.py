"""The web dashboard: every model's health at a glance, down to the feature.

Server-rendered pages under ``/ui`` (sign in with an API key, then a session
cookie), charts drawn by a small script from read endpoints, and generators of
Grafana dashboards and Prometheus alerting rules for teams that run those. See
docs/dashboard.md.
"""

from watchkeeper.dashboard._router import dashboard_router
from watchkeeper.dashboard._session import Session, SessionStore

__all__ = ["Session", "SessionStore", "dashboard_router"]

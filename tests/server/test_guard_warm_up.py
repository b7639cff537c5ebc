"""The server builds the guard's weights and tables when it starts, not on the first
request (about 18 ms that the first scan in a process would otherwise pay)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from watchkeeper.llm.guard._classifier import load_weights
from watchkeeper.llm.guard._guard import warm_up
from watchkeeper.llm.guard._structure import _bmp_words
from watchkeeper.llm.monitoring._guard_features import warm_up_features
from watchkeeper.server import create_app
from watchkeeper.service import MonitoringService


def test_the_guard_is_warm_before_the_first_request(memory: MonitoringService) -> None:
    for cached in (warm_up, load_weights, _bmp_words, warm_up_features):
        cached.cache_clear()
    with TestClient(create_app(memory), base_url="http://localhost"):
        # Started, no request sent yet.
        assert warm_up.cache_info().currsize == 1
        assert load_weights.cache_info().currsize == 1
        assert _bmp_words.cache_info().currsize == 1
        assert warm_up_features.cache_info().currsize == 1


def test_what_the_server_holds_at_start_is_out_of_the_collectors_reach(
    memory: MonitoringService,
) -> None:
    """Frozen while serving (a full collection would otherwise traverse every object
    of the app and the guard's tables), unfrozen at shutdown, so that a process that
    starts and stops apps can still collect them."""
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = create_app(memory)
    with TestClient(app, base_url="http://localhost") as client:
        frozen = gc.get_freeze_count()
        assert frozen > 10_000
        # The app's own objects are among them: a collection no longer sees its routes.
        routes = app.router.routes
        assert not any(o is routes for o in gc.get_objects())
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0
    assert any(o is routes for o in gc.get_objects())

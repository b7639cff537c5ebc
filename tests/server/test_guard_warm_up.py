"""The server builds the guard's weights and tables when it starts, not on the first
request (about 18 ms that the first scan in a process would otherwise pay)."""

from __future__ import annotations

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

"""What the server does on its own: apply the config at start (its ``server: retention:``
becoming every model's default periods), then, every tick, close
the windows whose end has passed, apply each model's retention periods
(:mod:`watchkeeper.service._retention`), deliver due notifications and push to Graphite.

The loop runs the blocking service calls in a worker thread so that ingestion keeps
being answered, and it never lets an error stop the server: a failed tick is logged
(without secrets) and the next one tries again.

Several processes on one PostgreSQL store (``serve --workers N``): only the leader
(:class:`~watchkeeper.service._leader.Leadership`, an advisory lock) runs the ticks, and
the config is applied by one process at a time.

Once started (guard warmed, config applied), the objects the process holds are frozen
out of the garbage collector's reach (``gc.freeze``): a full collection traverses every
tracked object, about 200,000 after start (the app, the routes, the guard's tables),
which costs 100 to 150 ms, and a request that happens to trigger one waits that long.
Frozen, a full collection reads only what requests left behind. They are unfrozen at
shutdown, so that a process that starts and stops apps (a test suite) can still
collect them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from watchkeeper.llm.guard._guard import warm_up
from watchkeeper.llm.monitoring._guard_features import warm_up_features
from watchkeeper.service._leader import Leadership
from watchkeeper.service._protocol import ServiceAPI
from watchkeeper.service._settings import Settings

if TYPE_CHECKING:
    from watchkeeper.service.exposition import GraphitePusher

__all__ = ["background_lifespan", "run_tick"]

log = logging.getLogger("watchkeeper.server")


def _apply_config(service: ServiceAPI, path: str, leader: Leadership) -> None:
    from watchkeeper.service.config import load_config

    config = load_config(path)
    with leader.exclusive("apply"):  # one process at a time on a shared store
        result = service.apply_config(config)
    # Every worker: the file's server-wide periods become the default of every model,
    # those created through the API included (service/_retention.py: the precedence).
    service.use_server_retention(config.server.retention)
    log.info("applied %s: %s", path, result.to_dict())


def _graphite_pusher(address: str | None) -> GraphitePusher | None:
    if not address:
        return None
    from watchkeeper.service.exposition import GraphitePusher

    host, _, port = address.rpartition(":")
    return GraphitePusher(host or address, int(port) if host else 2003)


def run_tick(service: ServiceAPI, pusher: GraphitePusher | None = None) -> dict[str, int]:
    """One pass of the background work; returns counts for logs and tests."""
    retained = 0
    # Retention first, so that what it removes (compaction included) is in its audited
    # run rather than in the close's compaction.
    for model in service.list_models():
        try:  # each model's own periods; audited as "system" when something went
            retained += sum(service.run_retention(model.name).values())
        except Exception:
            log.exception("the retention run of model %r failed", model.name)
    closed = 0
    for model in service.list_models():
        try:
            closed += len(service.close_windows(model.name))
        except Exception:
            log.exception("closing the windows of model %r failed", model.name)
    delivered = service.deliver_notifications().sent
    pushed = 0
    if pusher is not None:
        pushed = pusher.push(service.latest_metrics(), service.list_alerts(state="firing")).sent
    return {"closed": closed, "retained": retained, "delivered": delivered, "pushed": pushed}


def background_lifespan(
    service: ServiceAPI, settings: Settings
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """A FastAPI lifespan warming the guard and running the config at start, and the
    tick loop until shutdown."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The guard's weights and tables are built here, not by the first request.
        await run_in_threadpool(warm_up)
        await run_in_threadpool(warm_up_features)  # the descriptors of logged requests
        leader = service.leadership()
        if settings.config_path:
            await run_in_threadpool(_apply_config, service, settings.config_path, leader)
        task: asyncio.Task[None] | None = None
        if settings.tick_seconds > 0:
            pusher = _graphite_pusher(settings.graphite)

            async def loop() -> None:
                while True:
                    await asyncio.sleep(settings.tick_seconds)
                    try:
                        if not await run_in_threadpool(leader.holds):
                            continue  # another process leads the background work
                        await run_in_threadpool(run_tick, service, pusher)
                    except Exception:
                        log.exception("background tick failed; trying again next tick")

            task = asyncio.create_task(loop())
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            leader.release()

    return lifespan

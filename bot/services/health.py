"""An optional HTTP endpoint for operators: is every store being scanned, how much is owed.

It answers whoever reaches it, without a login, so it tells counts and states only: no
Client-Id, store name or chat. It listens on 127.0.0.1 unless HEALTH_HOST says otherwise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import web

from bot.clock import utcnow
from bot.core.push import PushState, push_state
from storage import Database
from storage import outbox as outbox_db
from storage import stores as stores_db

STALE_AFTER_INTERVALS = 3


class HealthServer:
    def __init__(
        self,
        db: Database,
        interval_seconds: int,
        *,
        clock: Callable[[], datetime] = utcnow,
        replica_id: str = "",
        push: bool = False,
    ):
        """`push`: Ozon's push notifications are served (the stores' push states are told)."""
        self._db = db
        self._push = push
        self._replica_id = replica_id
        self._stale_after = timedelta(seconds=interval_seconds * STALE_AFTER_INTERVALS)
        self._clock = clock
        self._started = clock()
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        app.router.add_get("/health", self.health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def health(self, request: web.Request) -> web.Response:
        now = self._clock()
        oldest_allowed = now - self._stale_after
        stores = await stores_db.all_stores(self._db, active_only=True)
        stale = sum(1 for store in stores if (store.last_scan_at or self._started) < oldest_allowed)
        failing = sum(1 for store in stores if store.failing_since is not None)
        body = {
            "status": "ok" if not stale else "stale",
            "stores": {"watched": len(stores), "stale": stale, "failing": failing},
            "outbox_depth": await outbox_db.depth(self._db),
            "replica": self._replica_id,
        }
        if self._push:
            states = Counter(push_state(store.push_seen_at, now).value for store in stores)
            body["push"] = {state.value: states[state.value] for state in PushState}
        return web.json_response(body, status=200 if not stale else 503)

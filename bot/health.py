"""An optional HTTP endpoint for operators: is every store being scanned, how much is owed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import web

from bot.clock import utcnow
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
    ):
        self._db = db
        self._stale_after = timedelta(seconds=interval_seconds * STALE_AFTER_INTERVALS)
        self._clock = clock
        self._started = clock()
        self._runner: web.AppRunner | None = None

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_get("/health", self.health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "0.0.0.0", port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def health(self, request: web.Request) -> web.Response:
        now = self._clock()
        oldest_allowed = now - self._stale_after
        stores = await stores_db.all_stores(self._db, active_only=True)
        report = [
            {
                "client_id": store.client_id,
                "name": store.name,
                "last_scan_at": store.last_scan_at.isoformat() if store.last_scan_at else None,
                "stale": (store.last_scan_at or self._started) < oldest_allowed,
            }
            for store in stores
        ]
        healthy = not any(store["stale"] for store in report)
        body = {
            "status": "ok" if healthy else "stale",
            "stores": report,
            "outbox_depth": await outbox_db.depth(self._db),
        }
        return web.json_response(body, status=200 if healthy else 503)

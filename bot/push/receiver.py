"""The HTTP endpoint Ozon posts push notifications to, one address per store (the base URL and
the store's token). Each notification is written to the database before it is answered and
acted on after (bot/push/inbox.py): the answer never waits for Ozon or Telegram, since a
notification answered later than 5 s pauses every notification of the seller (push_resending)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from importlib import metadata

from aiohttp import web

from bot.clock import utcnow
from bot.core.push import (
    LOOPBACK,
    OZON_NETWORKS,
    MissingField,
    Network,
    PushType,
    allowed_sender,
    parse_networks,
    read_notification,
    sender_of,
)
from bot.ozon.transport import wire_time
from storage import Database
from storage import push as push_db

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
APP_NAME = "ozon-deadline-bot"


def _version() -> str:
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:  # run from a source tree that was not installed
        return "0"


VERSION = _version()


def error(status: int, code: str, message: str) -> web.Response:
    """service_response's error shape."""
    body = {"error": {"code": code, "message": message, "details": None}}
    return web.json_response(body, status=status)


class PushReceiver:
    def __init__(
        self,
        db: Database,
        *,
        allowed: tuple[str, ...] = (),
        proxies: tuple[str, ...] = (),
        on_notification: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = utcnow,
    ):
        self._db = db
        self._allowed: tuple[Network, ...] = parse_networks(allowed or OZON_NETWORKS + LOOPBACK)
        self._proxies: tuple[Network, ...] = parse_networks(proxies or LOOPBACK)
        self._on_notification = on_notification
        self._clock = clock
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post("/{path:.*}", self.receive)
        return app

    async def start(self, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def receive(self, request: web.Request) -> web.Response:
        sender = sender_of(request.remote or "", request.headers.get("X-Forwarded-For"),
                           self._proxies)  # fmt: skip
        if not allowed_sender(sender, self._allowed):
            log.info("push refused: sent from %s, outside Ozon's addresses", sender)
            return error(403, "ERROR_UNKNOWN", "the sender is not one of Ozon's addresses")
        # The token is the last part of the path, whatever prefix a reverse proxy keeps.
        token = request.match_info["path"].rstrip("/").rsplit("/", 1)[-1]
        store = await push_db.store_by_token(self._db, token) if token else None
        if store is None:
            return error(404, "ERROR_UNKNOWN", "no store has this address")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return error(413, "ERROR_UNKNOWN", f"the body is over {MAX_BODY} bytes")
        try:
            notification = read_notification(json.loads(raw))
        except (ValueError, MissingField) as problem:  # JSONDecodeError is a ValueError
            reason = str(problem) if isinstance(problem, MissingField) else "the body is not JSON"
            return error(400, "ERROR_PARAMETER_VALUE_MISSED", reason)
        if notification.seller_id is not None and notification.seller_id != store.client_id:
            log.warning("store %s: a push notification for another seller refused",
                        store.client_id)  # fmt: skip
            return error(403, "ERROR_UNKNOWN", "seller_id is not this address's seller")
        now = self._clock()
        acted_on = notification.kind not in (None, PushType.PING)
        body = raw.decode() if acted_on else None
        kind = notification.kind or str(notification.body["message_type"])
        fresh = await push_db.receive(self._db, store.id, kind, notification.key, body, now)
        if notification.kind is PushType.PING:
            return web.json_response({"version": VERSION, "name": APP_NAME, "time": wire_time(now)})
        if acted_on and fresh:
            self._on_notification()
        return web.json_response({"result": True})

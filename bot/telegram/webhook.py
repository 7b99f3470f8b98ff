"""Webhook mode: Telegram posts each update to our HTTP endpoint instead of being long-polled."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)


class _UpdateHandler(SimpleRequestHandler):
    """aiogram's handler, minus closing the bot session when the web app shuts down.

    run() owns the session: the outbox and updates still handled in the background keep
    sending through it until run()'s shutdown block has drained them.
    """

    async def close(self) -> None:
        return None


async def serve_webhook(dispatcher: Dispatcher, bot: Bot, settings: Settings) -> None:
    """Register the webhook, serve updates until SIGTERM/SIGINT, then stop listening.

    The webhook stays registered on exit, so Telegram keeps the updates that arrive while
    the bot restarts and delivers them once it listens again.
    """
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ConfigError("webhook mode needs both WEBHOOK_URL and WEBHOOK_SECRET")
    secret = settings.webhook_secret.get_secret_value()
    path = urlsplit(settings.webhook_url).path or "/"

    stop = asyncio.Event()

    def on_signal(sig: signal.Signals) -> None:
        log.warning("received %s, stopping", sig.name)
        stop.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(sig, on_signal, sig)

    app = web.Application()
    # aiogram answers 401 to a request without the right X-Telegram-Bot-Api-Secret-Token
    # before the update is parsed, so a stranger who finds the URL cannot inject updates.
    _UpdateHandler(dispatcher, bot, secret_token=secret).register(app, path=path)
    setup_application(app, dispatcher, bot=bot)
    # Every update is one request: an access log line each would drown the bot's own lines.
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        except OSError as error:
            raise ConfigError(
                f"cannot listen on WEBHOOK_HOST:WEBHOOK_PORT"
                f" ({settings.webhook_host}:{settings.webhook_port}): {error.strerror}"
            ) from None
        # Listening first: Telegram starts posting as soon as setWebhook succeeds.
        try:
            await bot.set_webhook(
                url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=dispatcher.resolve_used_update_types(),
                drop_pending_updates=False,
            )
        except TelegramBadRequest as error:
            raise ConfigError(f"Telegram refused WEBHOOK_URL: {error.message}") from None
        log.info(
            "webhook mode: listening on %s:%s%s for %s",
            settings.webhook_host,
            settings.webhook_port,
            path,
            settings.webhook_url,
        )
        await stop.wait()
    finally:
        await runner.cleanup()

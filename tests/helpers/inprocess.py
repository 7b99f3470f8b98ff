"""The bot's dispatcher, wired by the composition root, in the test's own process: updates are
fed with `Dispatcher.feed_raw_update`, with the fake Telegram and fake Ozon over HTTP and a real
database. For what a process adds nothing to (a handler's answer, an error's sentence)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from cryptography.fernet import Fernet

from bot.app import Parts, assemble
from bot.config import load_settings
from bot.services.leadership import HEARTBEAT_SECONDS
from fakes.ozon import FakeOzon
from fakes.telegram import FakeTelegram
from handlers import routers


@asynccontextmanager
async def bot_parts(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, **settings: object
) -> AsyncIterator[Parts]:
    chosen = {
        "bot_token": telegram.token,
        "telegram_api_url": telegram.url,
        "ozon_api_url": ozon.url,
        "database_path": tmp_path / "data" / "bot.sqlite3",
        "encryption_key": Fernet.generate_key().decode(),
        "throttle_burst": 1000,
        **settings,
    }
    parts = await assemble(load_settings(_env_file=None, **chosen))
    # As `run` does: alone on its database this process leads, and renews it while it runs.
    await parts.leadership.tick()
    renewing = asyncio.create_task(_renew(parts))
    try:
        yield parts
    finally:
        renewing.cancel()
        await parts.close()
        # aiogram's routers live in their modules and join one dispatcher for good; the next
        # test's dispatcher takes them again.
        for router in routers():
            router._parent_router = None


async def _renew(parts: Parts) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        await parts.leadership.tick()


async def feed(parts: Parts, telegram: FakeTelegram) -> None:
    """Hands every update the fake has queued to the dispatcher, one after another."""
    for update in telegram.take_updates():
        await parts.dispatcher.feed_raw_update(parts.bot, update)


async def until(
    condition: Callable[[], object], telegram: FakeTelegram | None = None, turns: int = 1500
) -> None:
    """Lets the bot's own tasks (the sender, a scan) run until `condition` holds: a bound on
    the wait, not a measurement. On failure, what the fake Telegram saw."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"condition not met\n{telegram.summary() if telegram else ''}")

"""A conversation continues wherever the next update lands: the /connect wizard started by one
bot process goes on in another (a replica, or the same bot restarted), since aiogram's FSM
state lives in the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER
from fakes.telegram import FakeTelegram
from tests.helpers.inprocess import bot_parts, feed, until

pytestmark = pytest.mark.service


def test_the_connect_wizard_goes_on_in_another_process(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")

    async def step(text: str, expect: str) -> None:
        """One update, handled by a bot assembled for it alone: nothing kept in memory."""
        async with bot_parts(tmp_path, telegram, ozon) as parts:
            telegram.user_message(USER, text)
            await feed(parts, telegram)
            await until(lambda: any(expect in t for t in telegram.texts(USER)), telegram)

    async def run() -> None:
        await step("/connect", "Client-Id")
        await step(CLIENT_ID, "API key")
        await step(API_KEY, "Connected")

    asyncio.run(run())
    assert telegram.violations == [] and ozon.violations == []

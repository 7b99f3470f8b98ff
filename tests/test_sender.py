"""The outbox sender against the fake Telegram: faults are survived, nothing is lost or doubled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.send import drain
from bot.telegram.sender import OutboxSender
from fakes.telegram import FakeTelegram
from storage import Database
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from tests.helpers.engine import open_db

pytestmark = pytest.mark.service

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
A, B, GROUP = 101, 102, -103


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        for chat in (A, B):
            fake.user_message(chat, "/start")  # so that the fake knows these chats
        fake.user_message(GROUP, "/start", user_id=A, chat_type="group")
        yield fake


def run(telegram: FakeTelegram, path: Path, prepare: Callable[[Database], Awaitable[None]]) -> None:
    """Runs the sender until the outbox is empty (at most 20 s)."""

    async def go() -> None:
        db = await open_db(path)
        session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))
        bot = Bot(telegram.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        sender = OutboxSender(db, bot, messages_per_second=30)
        for chat, kind in ((A, "private"), (B, "private"), (GROUP, "group")):
            await chats_db.ensure_chat(db, chat, kind, "UTC", "en", NOW)
        store = await stores_db.save_store(
            db, owner_user_id=A, client_id="1", name="Shop", seal=lambda _: "x",
            missing_methods=[], key_expires_at=None, now=NOW,
        )  # fmt: skip
        for chat in (A, B, GROUP):
            await stores_db.subscribe(db, chat, store, None, NOW)
        await prepare(db)
        await drain(db, sender, 20)
        await bot.session.close()
        await db.close()

    asyncio.run(go())


def owe(chat: int, texts: list[str]) -> Callable[[Database], Awaitable[None]]:
    async def prepare(db: Database) -> None:
        for text in texts:
            await outbox_db.enqueue(db, chat_id=chat, thread_id=None, action="send", text=text,
                                    reply_markup=None, now=NOW)  # fmt: skip

    return prepare


def test_a_burst_through_429s_arrives_whole_and_in_order(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    telegram.inject("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=2)
    texts = [f"alert {i}" for i in range(8)]
    run(telegram, tmp_path / "db", owe(A, texts))
    assert [t for t in telegram.texts(A) if t.startswith("alert")] == texts


def test_a_blocked_chat_is_paused_and_the_others_still_get_theirs(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    telegram.inject("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=B)

    async def prepare(db: Database) -> None:
        await owe(B, ["to B 1", "to B 2"])(db)
        await owe(A, ["to A"])(db)

    run(telegram, tmp_path / "db", prepare)
    assert "to A" in telegram.texts(A) and not [t for t in telegram.texts(B) if "to B" in t]

    async def state() -> list:
        db = await open_db(tmp_path / "db")
        rows = await db.fetch_all("SELECT chat_id, state FROM subscriptions ORDER BY chat_id")
        await db.close()
        return [tuple(row) for row in rows]

    assert (B, "paused") in asyncio.run(state())


def test_a_migrated_group_gets_the_message_at_its_new_id(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    new_id = -1000103
    telegram.inject("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                    migrate_to_chat_id=new_id, chat_id=GROUP)  # fmt: skip
    telegram.user_message(new_id, "/start", user_id=A, chat_type="supergroup")
    run(telegram, tmp_path / "db", owe(GROUP, ["to the team"]))
    assert "to the team" in telegram.texts(new_id)


def test_server_errors_are_retried(telegram: FakeTelegram, tmp_path: Path) -> None:
    telegram.inject("sendMessage", 502, "Bad Gateway", times=1)
    run(telegram, tmp_path / "db", owe(A, ["after a 502"]))
    assert telegram.texts(A).count("after a 502") == 1


def test_a_long_text_is_split_between_lines(telegram: FakeTelegram, tmp_path: Path) -> None:
    lines = [f"line {i:04d} " + "x" * 80 for i in range(100)]
    run(telegram, tmp_path / "db", owe(A, ["\n".join(lines)]))
    parts = [t for t in telegram.texts(A) if t.startswith("line")]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts).split("\n") == lines


def test_a_group_that_removed_the_bot_is_reported_to_the_owner(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    telegram.inject("sendMessage", 403, "Forbidden: bot was kicked from the group chat",
                    chat_id=GROUP)  # fmt: skip
    run(telegram, tmp_path / "db", owe(GROUP, ["to the team"]))
    assert any("I can no longer write to a chat" in text and "Shop" in text
               for text in telegram.texts(A))  # fmt: skip

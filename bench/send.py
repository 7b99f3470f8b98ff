"""Benchmark 2: alerts drained from the outbox by the real OutboxSender into the fake Telegram;
throughput against the configured global rate, Telegram's limits checked on the fake's log."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import math
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.report import Figure
from bot.telegram.pacing import GROUP_LIMIT, GROUP_WINDOW, PER_CHAT_INTERVAL
from bot.telegram.sender import OutboxSender
from fakes.telegram import FakeTelegram
from storage import Database
from storage import outbox as outbox_db

# The fake stamps a request on arrival; the sender stamps it on departure: allow for jitter.
JITTER = 0.05


@dataclass(frozen=True)
class SendResult:
    seeded: int
    delivered: int  # distinct alerts the fake accepted
    duplicates: int
    lost: int
    rate: float  # messages per second achieved
    violations: dict[str, int]
    figures: list[Figure]


def chat_ids(chats: int) -> list[int]:
    """A fifth of the chats are groups (negative ids)."""
    return [-(500_000 + i) if i % 5 == 0 else 500_000 + i for i in range(chats)]


async def seed_outbox(db: Database, alerts: int, chats: list[int]) -> None:
    """Round-robin over the chats, as a scan of many stores leaves them."""
    now = datetime.now(UTC)
    async with db.transaction():
        for index in range(alerts):
            await outbox_db.enqueue(
                db, chat_id=chats[index % len(chats)], thread_id=None, action="send",
                text=f"alert {index}", reply_markup=None, now=now,
            )  # fmt: skip


async def _drain(telegram: FakeTelegram, path: Path, alerts: int, chats: int, rate: float) -> None:
    db = await Database.open(path)
    await seed_outbox(db, alerts, chat_ids(chats))
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))
    bot = Bot(telegram.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    sender = OutboxSender(db, bot, messages_per_second=rate)
    # Long enough for everything at 90 % of the rate and the groups' per-minute limit, twice.
    await drain(db, sender, 2 * max(alerts / rate, alerts / chats * GROUP_WINDOW / 20) + 10)
    await bot.session.close()
    await db.close()


async def drain(db: Database, sender: OutboxSender, give_up_after: float) -> None:
    """Runs the sender until the outbox is empty (or `give_up_after` seconds passed)."""
    task = asyncio.create_task(sender.run())
    deadline = time.monotonic() + give_up_after
    # The outbox is a table, not an event: watching it drain means polling it.
    while await outbox_db.depth(db) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    sender.stop()
    await task


def violations(sends: list[tuple[int, float]], rate: float) -> dict[str, int]:
    """Sends (chat, arrival) that break a limit: per chat, per group a minute, global a second."""
    by_chat: dict[int, list[float]] = defaultdict(list)
    for chat, at in sends:
        by_chat[chat].append(at)
    per_chat = sum(
        1
        for stamps in by_chat.values()
        for a, b in itertools.pairwise(stamps)
        if b - a < PER_CHAT_INTERVAL - JITTER
    )
    per_group = sum(
        1
        for chat, stamps in by_chat.items()
        if chat < 0
        for i, at in enumerate(stamps)
        if bisect.bisect_left(stamps, at + GROUP_WINDOW - JITTER) - i > GROUP_LIMIT
    )
    stamps = sorted(at for _, at in sends)
    allowed = math.floor(rate)
    global_ = sum(
        1
        for i, at in enumerate(stamps)
        if bisect.bisect_left(stamps, at + 1 - JITTER) - i > allowed
    )
    return {"per_chat": per_chat, "per_group": per_group, "global": global_}


def run(alerts: int = 5000, chats: int = 1000, rate: float = 25.0) -> SendResult:
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as telegram:
        asyncio.run(_drain(telegram, Path(tmp) / "bot.sqlite3", alerts, chats, rate))
        return analyse(telegram, alerts, rate, "send")


def analyse(telegram: FakeTelegram, alerts: int, rate: float, bench: str) -> SendResult:
    """What the fake Telegram accepted of `alerts` seeded alerts: the rate, the limits, the
    lost and the doubled."""
    accepted = [
        call
        for call in telegram.calls_to("sendMessage")
        if call["status"] == 200 and call["params"]["text"].startswith("alert ")
    ]
    texts = [call["params"]["text"] for call in accepted]
    sends = [(int(call["params"]["chat_id"]), call["at"]) for call in accepted]
    span = max(at for _, at in sends) - min(at for _, at in sends) if len(sends) > 1 else 0.0
    achieved = (len(sends) - 1) / span if span else 0.0
    broken = violations(sends, rate)
    lost = alerts - len(set(texts))
    duplicates = len(texts) - len(set(texts))
    least = 0.95 if bench == "fleet" else 0.9
    figures = [
        Figure(bench, "messages/s", achieved, "msg/s", rate, f"ratio >= {least}",
               achieved >= least * rate),
        Figure(bench, "limit violations", sum(broken.values()), "sends", None, "== 0",
               not any(broken.values())),
        Figure(bench, "lost / doubled", lost + duplicates, "alerts", None, "== 0",
               lost + duplicates == 0),
    ]  # fmt: skip
    return SendResult(alerts, len(set(texts)), duplicates, lost, achieved, broken, figures)

"""Benchmark 3: callback presses arriving at once on alert messages of the real bot process;
the time from each update being offered to getUpdates to its answerCallbackQuery reaching the
fake Telegram."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.botrun import SeededStore, percentile, seed_stores
from bench.report import Figure
from tests.botproc import BotProcess
from tests.fakes.ozon import FakeOzon
from tests.fakes.telegram import FakeTelegram

PER_CHAT = 5  # alerts per chat: at the group threshold, so each posting gets its own message
CLIENT_ID, API_KEY = "777001", "bench-buttons-key"
VERB = ":cancel"  # the first button of a private alert: asks Ozon for the cancel reasons


@dataclass(frozen=True)
class ButtonsResult:
    presses: int
    answered: int
    latencies: list[float]
    figures: list[Figure]


def _alert_buttons(telegram: FakeTelegram, chats: list[int]) -> list[tuple[int, int, str]]:
    """(chat, message_id, callback data) of every alert's cancel button."""
    found = []
    for chat in chats:
        for message in telegram.bot_messages(chat):
            rows = (message["reply_markup"] or {}).get("inline_keyboard", [])
            data = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
            found += [(chat, message["message_id"], d) for d in data if d.endswith(VERB)]
    return found


def run(presses: int = 200, timeout: float = 120) -> ButtonsResult:
    chats = [900_000 + i for i in range(max(1, presses // PER_CHAT))]
    deadline = datetime.now(UTC) + timedelta(hours=2)
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeTelegram() as telegram,
        FakeOzon() as ozon,
    ):
        process = BotProcess(Path(tmp), telegram, ozon, LOG_LEVEL="WARNING")
        seed_stores(process, ozon, [SeededStore(CLIENT_ID, API_KEY, chats)])
        ozon.set_postings(
            CLIENT_ID,
            [FakeOzon.make_posting(f"7700-{i:04d}-1", deadline) for i in range(PER_CHAT)],
        )
        process.start()
        try:
            telegram.wait_for(
                lambda: len(_alert_buttons(telegram, chats)) >= len(chats) * PER_CHAT, timeout
            )
            targets = _alert_buttons(telegram, chats)[:presses]
            offered: dict[str, float] = {}
            for chat, message_id, data in targets:
                offered[telegram.press(chat, message_id, data)] = time.monotonic()
            answered = lambda: {  # noqa: E731
                call["params"]["callback_query_id"]: call["at"]
                for call in telegram.calls_to("answerCallbackQuery")
                if call["status"] == 200
            }
            telegram.wait_for(lambda: offered.keys() <= answered().keys(), timeout)
            answers = answered()
        finally:
            process.kill()
        floor = _fake_floor(telegram, targets)
    latencies = [answers[query] - at for query, at in offered.items() if query in answers]
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    floor_p50, floor_p99 = percentile(floor, 0.5) * 1000, percentile(floor, 0.99) * 1000
    figures = [
        Figure("buttons", "press to answer p50", p50, "ms", floor_p50),
        Figure("buttons", "press to answer p99", p99, "ms", floor_p99, "<= 150", p99 <= 150),
        Figure("buttons", "unanswered", len(offered) - len(latencies), "presses", None, "== 0",
               len(latencies) == len(offered)),
    ]  # fmt: skip
    return ButtonsResult(len(offered), len(latencies), latencies, figures)


def _fake_floor(telegram: FakeTelegram, targets: list[tuple[int, int, str]]) -> list[float]:
    """The same presses answered at once by a bare httpx client, bypassing the bot: how long
    the fake Telegram itself takes to take that many answers (the baseline)."""
    queries = {telegram.press(chat, message_id, data, force=True): time.monotonic()
               for chat, message_id, data in targets}  # fmt: skip
    url = f"{telegram.url}/bot{telegram.token}/answerCallbackQuery"

    async def answer_all() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            await asyncio.gather(
                *(client.post(url, json={"callback_query_id": query}) for query in queries)
            )

    asyncio.run(answer_all())
    arrived = {
        call["params"]["callback_query_id"]: call["at"]
        for call in telegram.calls_to("answerCallbackQuery")
        if call["params"]["callback_query_id"] in queries
    }
    return [arrived[query] - at for query, at in queries.items() if query in arrived]

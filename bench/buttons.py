"""Benchmark 3: bursts of callback presses arriving at once on alert messages of the real bot
process; the time from each update being delivered by getUpdates to its answerCallbackQuery
reaching the fake Telegram. Several bursts, because one burst's figure moves by a third from
run to run on a shared 2-core machine; the first burst is also reported on its own (the bot's
connections to Telegram are then opened by the burst itself). Both fakes run in child
processes (bench/child.py): the bot, the fakes and the benchmark do not share an interpreter."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery

from bench.botrun import SeededStore, add_to_ozon, percentile, store_in_bot
from bench.child import FakeChild
from bench.report import Figure
from fakes.leaks import api_keys, telegram_requests
from fakes.ozon import FakeOzon
from fakes.process import BotProcess
from fakes.telegram import FakeTelegram

# A burst presses the first button of every private alert (cancel: asks Ozon for the reasons
# and shows them); the next burst presses "back" on the screens it opened; and so on.
VERBS = ("cancel", "back")


@dataclass(frozen=True)
class ButtonsResult:
    presses: int
    answered: int
    bursts: list[list[float]]  # press-to-answer times of each burst, s
    figures: list[Figure]


# ----- run in the fakes' processes -----


def owned_stores(chats: list[int]) -> list[SeededStore]:
    """A store per chat, owned by the user of that private chat: every press is allowed."""
    return [SeededStore(str(777_000 + i), f"bench-buttons-key-{i}", [chat])
            for i, chat in enumerate(chats)]  # fmt: skip


def buttons_ozon(stores: list[SeededStore], deadline: datetime) -> FakeOzon:
    ozon = FakeOzon()
    add_to_ozon(ozon, stores)
    for store in stores:
        number = f"{store.client_id}-0000-1"
        ozon.set_postings(store.client_id, [FakeOzon.make_posting(number, deadline)])
    return ozon


def alert_buttons(
    telegram: FakeTelegram, chats: list[int], verb: str
) -> list[tuple[int, int, str]]:
    """(chat, message_id, callback data) of every alert's button with this verb."""
    found = []
    with telegram._lock:
        for chat in chats:
            for message in telegram.bot_messages(chat):
                rows = (message["reply_markup"] or {}).get("inline_keyboard", [])
                data = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
                found += [(chat, message["message_id"], d) for d in data if d.split(":")[2] == verb]
    return found


def wait_for_buttons(telegram: FakeTelegram, chats: list[int], verb: str, timeout: float) -> None:
    telegram.wait_for(lambda: len(alert_buttons(telegram, chats, verb)) >= len(chats), timeout)


def press_all(
    telegram: FakeTelegram, targets: list[tuple[int, int, str]], force: bool
) -> dict[str, int]:
    """Presses every target at once (under the lock: one getUpdates answer can carry all);
    returns callback query id -> update id."""
    with telegram._lock:
        return {telegram.press(*target, force=force): telegram.last_update_id for target in targets}


def answered_at(telegram: FakeTelegram) -> dict[str, float]:
    with telegram._lock:
        return {
            call["params"]["callback_query_id"]: call["at"]
            for call in telegram.calls_to("answerCallbackQuery")
            if call["status"] == 200
        }


def delivered_at(telegram: FakeTelegram) -> dict[int, float]:
    with telegram._lock:
        return dict(telegram.delivered_at)


def wait_for_answers(telegram: FakeTelegram, queries: list[str], timeout: float) -> None:
    telegram.wait_for(lambda: set(queries) <= answered_at(telegram).keys(), timeout)


# ----- run in the benchmark's process -----


def run(presses: int = 200, bursts: int = 5, timeout: float = 120) -> ButtonsResult:
    # One alert per chat, pressed once per burst by its user: 200 presses are 200 people, none
    # of them near the per-user throttle.
    chats = [900_000 + i for i in range(max(1, presses))]
    stores = owned_stores(chats)
    deadline = datetime.now(UTC) + timedelta(hours=2)
    measured: list[list[float]] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeChild(FakeTelegram, keep=[telegram_requests]) as telegram,
        FakeChild(buttons_ozon, stores, deadline, keep=[api_keys]) as ozon,
    ):
        # The default scan interval: the first scan sends the alerts, none runs amid the presses.
        process = BotProcess(Path(tmp), telegram, ozon, LOG_LEVEL="WARNING",  # type: ignore[arg-type]
                             CHECK_INTERVAL_SECONDS="120")  # fmt: skip
        store_in_bot(process, stores)
        process.start()
        try:
            for burst in range(bursts):
                verb = VERBS[burst % len(VERBS)]
                telegram.run(wait_for_buttons, chats, verb, timeout)
                targets = telegram.run(alert_buttons, chats, verb)[:presses]
                pressed = telegram.run(press_all, targets, False)
                telegram.run(wait_for_answers, list(pressed), timeout)
                measured.append(_latencies(telegram, pressed))
        finally:
            process.kill()
        floor = asyncio.run(_aiogram_floor(telegram, targets, bursts))
    answered = sum(map(len, measured))
    figures = [
        *_burst_figures("", measured, floor, target=True),
        *_burst_figures("first burst ", measured[:1], floor[:1], target=False),
        Figure("buttons", "unanswered", bursts * len(targets) - answered, "presses", None,
               "== 0", answered == bursts * len(targets)),
    ]  # fmt: skip
    return ButtonsResult(bursts * len(targets), answered, measured, figures)


def _latencies(telegram: FakeChild, pressed: dict[str, int]) -> list[float]:
    answers, delivered = telegram.run(answered_at), telegram.run(delivered_at)
    return [answers[query] - delivered[update] for query, update in pressed.items()
            if query in answers and update in delivered]  # fmt: skip


def _burst_figures(
    label: str, bursts: list[list[float]], floor: list[list[float]], target: bool
) -> list[Figure]:
    """p50 and p99 over every press of these bursts, beside the baseline's."""
    pooled = [s for burst in bursts for s in burst]
    floor_pooled = [s for burst in floor for s in burst]
    p50, p99 = percentile(pooled, 0.5) * 1000, percentile(pooled, 0.99) * 1000
    base50, base99 = percentile(floor_pooled, 0.5) * 1000, percentile(floor_pooled, 0.99) * 1000
    checked = ("<= 150", p99 <= 150) if target else ("", None)
    return [
        Figure("buttons", f"{label}press to answer p50", p50, "ms", base50),
        Figure("buttons", f"{label}press to answer p99", p99, "ms", base99, *checked),
    ]


def queued_updates(telegram: FakeTelegram) -> list[dict]:
    with telegram._lock:
        return list(telegram._updates)


async def _aiogram_floor(
    telegram: FakeChild, targets: list[tuple[int, int, str]], bursts: int
) -> list[list[float]]:
    """The same bursts of presses fed to a bare aiogram dispatcher whose only handler answers
    them: what any aiogram bot needs on this machine, against this fake, before its own work
    (the baseline). Measured from feeding each burst to each answer reaching the fake."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))
    bot = Bot(str(telegram.token), session=session)
    router = Router()

    @router.callback_query()
    async def answer(query: CallbackQuery) -> None:
        await query.answer()

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    measured = []
    try:
        # Warm, as the running bot is: its types built, its connections open.
        telegram.run(press_all, targets[:1], True)
        await dispatcher.feed_raw_update(bot, telegram.run(queued_updates)[-1])
        for _ in range(bursts):
            telegram.run(press_all, targets, True)
            updates = telegram.run(queued_updates)[-len(targets) :]
            began = time.monotonic()  # the same clock as the fake's, in another process (Linux)
            await asyncio.gather(*(dispatcher.feed_raw_update(bot, update) for update in updates))
            arrived = telegram.run(answered_at)
            queries = [update["callback_query"]["id"] for update in updates]
            measured.append([arrived[query] - began for query in queries if query in arrived])
        return measured
    finally:
        await session.close()

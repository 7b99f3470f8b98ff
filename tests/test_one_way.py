"""One way to Telegram: the redraws of presses and the alerts of a scan share one pacer, so a
burst of both into one group keeps the per-chat and per-group limits, checked where Telegram
would check them (the fake), and the redraw someone is waiting for goes first.

Time runs ten times faster for the pacer and the fake alike (the same clock), so a minute of
the group limit passes in six seconds."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER
from fakes.telegram import CHAT_WRITES, FakeTelegram
from storage import chats as chats_db
from storage import stores as stores_db
from tests.helpers.alerts import buttons
from tests.helpers.inprocess import bot_parts, feed, until

pytestmark = pytest.mark.service

GROUP = -1001777
POSTINGS = 24  # alerts into the group: more than its 20 a minute
SPEED = 10.0
SLACK = 0.3  # seconds of the fast clock: the trip from the pacer to the fake, ten times over


def fast_clock() -> float:
    return time.monotonic() * SPEED


async def fast_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds / SPEED)


def test_a_burst_of_presses_and_alerts_in_one_group_keeps_the_limits(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Shop")
    due = datetime.now(UTC) + timedelta(hours=2)
    ozon.set_postings(
        CLIENT_ID, [FakeOzon.make_posting(f"9300-{i:04d}-1", due) for i in range(POSTINGS)]
    )
    telegram.clock = fast_clock
    pressed: list[int] = []

    def group_writes() -> list[dict[str, Any]]:
        return [call for call in telegram.sent if call["method"] in CHAT_WRITES
                and call["params"].get("chat_id") == GROUP]  # fmt: skip

    async def scenario() -> None:
        async with bot_parts(tmp_path, telegram, ozon) as parts:
            parts.sender.pacer.clock = fast_clock
            parts.sender.pacer.sleep = fast_sleep
            sending = asyncio.create_task(parts.sender.run())
            telegram.user_message(USER, f"/connect {CLIENT_ID} {API_KEY}")
            await feed(parts, telegram)
            [store] = await stores_db.stores_of_owner(parts.db, USER)
            now = datetime.now(UTC)
            await chats_db.ensure_chat(parts.db, GROUP, "supergroup", "UTC", "en", now)
            await chats_db.change_setting(
                parts.db, chat_id=GROUP, name="threshold", value=100, user_id=USER,
                user_name="Alice", now=now,
            )  # fmt: skip
            await stores_db.subscribe(parts.db, GROUP, store.id, None, now)
            await parts.scanner.scan_all()
            await until(lambda: len(telegram.bot_messages(GROUP)) >= 3, telegram, turns=3000)
            for alert in telegram.bot_messages(GROUP)[:3]:
                claim = buttons(alert)["🙋 I'll handle it"]
                telegram.press(GROUP, alert["message_id"], claim, user_id=USER,
                               chat_type="supergroup")  # fmt: skip
                pressed.append(alert["message_id"])
            await feed(parts, telegram)
            await until(lambda: len(telegram.bot_messages(GROUP)) == POSTINGS
                        and len(telegram.calls_to("editMessageText")) >= len(pressed),
                        telegram, turns=3000)  # fmt: skip
            parts.sender.stop()
            await sending

    asyncio.run(scenario())
    assert telegram.limit_breaches(GROUP, slack=SLACK) == []
    # (The private chat is not checked for its one a second: the answer to /connect goes at
    # once, as a reply to someone who just wrote, and is only counted.)
    writes = group_writes()
    assert len(writes) > 20  # the group limit was reached, and waited for
    order = [(call["method"], call["params"].get("message_id")) for call in writes]
    redraws = [i for i, (method, _) in enumerate(order) if method == "editMessageText"]
    assert len(redraws) == len(pressed)
    # The redraws went one after another, ahead of alerts owed to the group before them.
    assert redraws == list(range(redraws[0], redraws[0] + len(pressed)))
    assert order[redraws[-1] + 1 :] and all(m == "sendMessage" for m, _ in order[redraws[-1] + 1 :])

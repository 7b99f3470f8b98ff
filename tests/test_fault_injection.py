"""Faults on both sides at once, against the real bot process: every alert owed to a reachable
chat arrives exactly once, within Telegram's limits, and the bot keeps running."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, SCAN_PATH, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.chat import wait_scans
from tests.helpers.prepare import prepare

pytestmark = pytest.mark.e2e

OWNER, BLOCKED, TEAM = 8101, 8102, -1008103


def test_the_bot_rides_out_ozon_and_telegram_faults(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Shop")
    now = datetime.now(UTC)
    good = [
        FakeOzon.make_posting("7700-0001-1", now + timedelta(hours=3)),
        FakeOzon.make_posting("7700-0002-1", now + timedelta(minutes=40)),
        FakeOzon.make_posting("7700-0003-1", now - timedelta(hours=1)),
    ]
    # Products of a shape the bot cannot read: left out, and the posting still alerted.
    odd = FakeOzon.make_posting("7700-0004-1", now) | {"products": "many"}
    ozon.set_postings(CLIENT_ID, [*good, odd])
    for status, body in (
        (500, {"code": 13, "message": "internal error"}),
        (429, {"code": 8, "message": "You have reached request rate limit per second"}),
        (503, {"code": 14, "message": "Circle is open"}),
        (200, '{"postings": [{"posting_num'),  # truncated JSON
    ):
        ozon.inject(
            SCAN_PATH, status, body, headers={"Retry-After": "0"} if status == 429 else None
        )
    telegram.inject("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=2)
    telegram.inject("sendMessage", 502, "Bad Gateway")
    telegram.inject("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=BLOCKED)

    process = BotProcess(tmp_path, telegram, ozon)
    prepare(process, [OWNER, BLOCKED, TEAM])
    process.start()

    def alerts() -> Counter[tuple[int, str]]:
        return Counter(
            (int(c["params"]["chat_id"]), c["params"]["text"].split("<b>")[2].split("</b>")[0])
            for c in telegram.calls_to("sendMessage")
            if c.get("status") == 200 and c["params"]["text"].startswith(("⏰", "🔴"))
        )

    try:
        telegram.wait_for(lambda: len(alerts()) == 8, timeout=40)
        telegram.wait_for(
            lambda: any("can no longer write to a chat" in t for t in telegram.texts(OWNER)), 20
        )
        wait_scans(ozon, telegram, 3)  # a few more scans: nothing may repeat
        assert process.running
    finally:
        process.kill()
    sent = alerts()
    expected = {(chat, p["posting_number"]) for chat in (OWNER, TEAM) for p in [*good, odd]}
    assert set(sent) == expected
    assert max(sent.values()) == 1  # exactly once
    assert not [t for t in telegram.texts(BLOCKED) if "7700" in t]
    assert "7700-0004-1: left out what could not be read: products" in process.logs()
    assert not any("not been answering" in t for t in telegram.texts(OWNER))  # retries sufficed
    assert process.query("SELECT state FROM subscriptions WHERE chat_id = ?", (BLOCKED,)) == [
        ("paused",)
    ]

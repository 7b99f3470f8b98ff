"""Abuse, on the running bot: a flood from one user, API key guessing, and /stats."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.chat import say

pytestmark = pytest.mark.e2e

OPERATOR, FLOODER, OTHER = 7999, 7301, 7302


@pytest.fixture
def guarded_bot(tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon) -> Iterator[BotProcess]:
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    ozon.set_postings(CLIENT_ID, [])
    # No refill worth counting during a test: a burst is exactly THROTTLE_BURST (10) commands.
    process = BotProcess(
        tmp_path, telegram, ozon, BOT_ADMIN_IDS=str(OPERATOR), THROTTLE_PER_SECOND="0.0001"
    ).start()
    telegram.wait_for(lambda: telegram.calls_to("getUpdates"), timeout=20)
    yield process
    process.kill()
    assert telegram.violations == [] and ozon.violations == []


def test_one_flooding_user_is_slowed_and_others_are_not(
    guarded_bot: BotProcess, telegram: FakeTelegram
) -> None:
    for _ in range(30):
        telegram.user_message(FLOODER, "/help", user_id=FLOODER)
    say(telegram, "/help", "/connect", chat=OTHER, user_id=OTHER)
    telegram.wait_for(lambda: any("Too many requests" in t for t in telegram.texts(FLOODER)))
    telegram.wait_for(lambda: len(telegram.texts(FLOODER)) == 11)  # the burst and one notice
    say(telegram, "/help", "/connect", chat=OTHER, user_id=OTHER)  # after the flood is handled
    texts = telegram.texts(FLOODER)
    assert sum("Too many requests" in t for t in texts) == 1 and len(texts) == 11


def test_key_guessing_is_slowed_and_reported(
    guarded_bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    checks = len(ozon.calls_to("/v1/roles"))
    for attempt in range(3):
        say(telegram, f"/connect {CLIENT_ID} guessed-key-{attempt:04d}", "did not accept")
    assert len(ozon.calls_to("/v1/roles")) == checks + 3
    answer = say(telegram, f"/connect {CLIENT_ID} guessed-key-0004", "Too many wrong keys")
    assert "in 1 min" in answer
    assert len(ozon.calls_to("/v1/roles")) == checks + 3  # the fourth never reached Ozon
    telegram.wait_for(lambda: any("wrong Ozon API keys" in t for t in telegram.texts(OPERATOR)))
    report = next(t for t in telegram.texts(OPERATOR) if "wrong Ozon API keys" in t)
    assert f"User {USER} sent 3 wrong" in report
    # Even the right key waits out the pause: the guard cannot tell a lucky guess.
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Too many wrong keys")
    assert guarded_bot.query("SELECT COUNT(*) FROM stores") == [(0,)]


def test_stats_only_for_operators(guarded_bot: BotProcess, telegram: FakeTelegram) -> None:
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    stats = say(telegram, "/stats", "Bot statistics", chat=OPERATOR, user_id=OPERATOR)
    assert "Stores: 1 (1 watched, 0 with Ozon failing)" in stats
    assert "Chats: 2 private, 0 groups" in stats
    assert "Outbox: 0 owed" in stats
    assert "Answered by replica" in stats
    refused = say(telegram, "/stats", "did not understand", chat=USER)
    assert "Romashka" not in refused

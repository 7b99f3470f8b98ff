"""No silent failure, handler by handler, in-process: a handler that raises gets one honest
sentence with a reference the log repeats; an action that failed after reaching Ozon says it
may have happened; a press on a message Telegram no longer shows is answered; refusals speak the
chat's language."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.i18n.texts import Texts
from bot.ozon.changes import PostingChanges
from bot.services.advice import AdviceService
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER
from fakes.telegram import FakeTelegram
from tests.helpers.chat import now
from tests.helpers.inprocess import bot_parts, feed, until

pytestmark = pytest.mark.service

CANCEL = "/v2/posting/fbs/cancel"


def reference_in(text: str) -> str:
    found = re.search(r"\(ref ([0-9a-f]{6})\)", text)
    assert found, text
    return found.group(1)


def test_a_failing_command_gets_one_sentence_and_a_reference(
    tmp_path: Path,
    telegram: FakeTelegram,
    ozon: FakeOzon,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(self: AdviceService, tx: Texts, chat_id: int) -> str:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(AdviceService, "advice_for", broken)

    async def scenario() -> None:
        async with bot_parts(tmp_path, telegram, ozon) as parts:
            telegram.user_message(USER, "/advice")
            await feed(parts, telegram)

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    [told] = [text for text in telegram.texts(USER) if "went wrong" in text]
    assert "Nothing was sent to Ozon" in told
    reference = reference_in(told)
    assert f"ref {reference}" in caplog.text and "the disk is on fire" in caplog.text


def test_a_failure_after_ozon_took_the_action_says_it_may_have_happened(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon, monkeypatch: pytest.MonkeyPatch
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka")
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("9100-0001-1", now() + timedelta(hours=2))])
    sent_to_ozon = PostingChanges.cancel

    async def cancel_then_fail(self: PostingChanges, *args: Any, **kwargs: Any) -> None:
        await sent_to_ozon(self, *args, **kwargs)
        raise RuntimeError("lost the answer")

    monkeypatch.setattr(PostingChanges, "cancel", cancel_then_fail)

    def alert() -> dict[str, Any] | None:
        return next((m for m in telegram.bot_messages(USER) if "9100-0001-1" in m["text"]), None)

    async def press(label: str) -> None:
        shown = alert()
        assert shown is not None
        rows = shown["reply_markup"]["inline_keyboard"]
        data = next(b["callback_data"] for row in rows for b in row if label in b["text"])
        telegram.press(USER, shown["message_id"], data)
        await feed(parts, telegram)

    async def scenario() -> None:
        nonlocal parts
        async with bot_parts(tmp_path, telegram, ozon) as parts:
            sending = asyncio.create_task(parts.sender.run())
            telegram.user_message(USER, f"/connect {CLIENT_ID} {API_KEY}")
            await feed(parts, telegram)
            await until(lambda: alert() is not None)
            await press("Cancel")
            await until(lambda: "Pick the reason" in alert()["text"])
            await press("ran out")
            await until(lambda: "error index" in alert()["text"])
            await press("Yes, cancel it")
            parts.sender.stop()
            await sending
            states = await parts.db.fetch_all("SELECT state FROM actions WHERE kind = 'cancel'")
            assert [row[0] for row in states] == ["unknown"]

    parts: Any = None
    asyncio.run(scenario())
    assert len(ozon.calls_to(CANCEL)) == 1
    [told] = [text for text in telegram.texts(USER) if "went wrong" in text]
    assert "it may have happened" in told and "Seller Center" in told
    reference_in(told)


def test_a_press_on_a_message_telegram_no_longer_shows_is_answered(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    async def scenario() -> None:
        async with bot_parts(tmp_path, telegram, ozon) as parts:
            telegram.user_message(USER, "/start")
            await feed(parts, telegram)
            old = telegram.bot_messages(USER)[-1]
            query = telegram.press(USER, old["message_id"], "al:forged:cancel", force=True)
            [update] = telegram.take_updates()
            message = update["callback_query"]["message"]
            update["callback_query"]["message"] = {
                "chat": message["chat"], "message_id": message["message_id"], "date": 0,
            }  # fmt: skip
            await parts.dispatcher.feed_raw_update(parts.bot, update)
            assert telegram.callback_answers[query]["text"].startswith("This message is too old")

    asyncio.run(scenario())


def test_the_throttle_speaks_the_chat_language(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    group = -1004455

    async def scenario() -> None:
        async with bot_parts(
            tmp_path, telegram, ozon, throttle_burst=1, throttle_per_second=0.001
        ) as parts:
            # The group's first speaker reads Chinese: so does the group.
            telegram.user_message(group, "大家好", user_id=7301, chat_type="supergroup",
                                  language_code="zh")  # fmt: skip
            for _ in range(2):  # someone whose Telegram speaks English, one command too many
                telegram.user_message(group, "/help", user_id=7302, chat_type="supergroup",
                                      language_code="en")  # fmt: skip
            await feed(parts, telegram)

    asyncio.run(scenario())
    assert telegram.texts(group)[-1] == "请求过于频繁：请等几秒后再试。"

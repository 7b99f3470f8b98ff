"""The bot speaks the chat's language: English, Russian or Simplified Chinese; buyers always get
Russian, and the seller sees the Russian text with what it says in their language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n.catalogs import language_of
from bot.i18n.texts import texts_for
from bot.views.format import format_lead, format_moment
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import buttons
from tests.helpers.chat import now, say
from tests.helpers.texts import in_language


@pytest.mark.unit
@pytest.mark.parametrize(
    ("code", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("zh-hans", "zh"), ("zh_TW", "zh"), ("en-GB", "en"),
     ("uk", "en"), (None, "en"), ("", "en")],
)  # fmt: skip
def test_telegram_language_codes_pick_a_catalog(code: str | None, language: str) -> None:
    assert language_of(code) == language


@pytest.mark.unit
@pytest.mark.parametrize(
    ("count", "noun"),
    [(1, "отправление"), (2, "отправления"), (4, "отправления"), (5, "отправлений"),
     (11, "отправлений"), (21, "отправление"), (22, "отправления"), (112, "отправлений")],
)  # fmt: skip
def test_russian_plurals(count: int, noun: str) -> None:
    ru = texts_for("ru")
    assert f"{count} {noun} " in ru("status.store", store="S", count=count, scanned="")


@pytest.mark.unit
def test_english_and_chinese_plurals() -> None:
    en, zh = texts_for("en"), texts_for("zh")
    assert "1 posting to" in en("status.store", store="S", count=1, scanned="")
    assert "2 postings to" in en("status.store", store="S", count=2, scanned="")
    assert "3 个货件" in zh("status.store", store="S", count=3, scanned="")


@pytest.mark.unit
def test_moments_and_stages_read_naturally_in_each_language() -> None:
    moment = datetime(2026, 11, 6, 21, 8, tzinfo=UTC)
    expected = {
        "en": ("Fri 06 Nov 21:08 UTC", "4h"),
        "ru": ("пт, 6 нояб. 21:08 UTC", "4 ч"),
        "zh": ("11月6日 周五 21:08 UTC", "4小时"),
    }
    for language, (shown, lead) in expected.items():
        tx = texts_for(language)
        assert format_moment(tx, moment, "UTC") == shown
        assert format_lead(tx, 4 * 3600) == lead


def label(language: str, key: str) -> str:
    return texts_for(language).plain(key)


@pytest.mark.e2e
def test_a_chat_speaks_its_language_and_buyers_read_russian(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    deadline = now() + timedelta(hours=3)
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("7100-0001-1", deadline)])
    # A Russian user: the chat is created in Russian, and so is everything after.
    say(telegram, "/start", in_language("ru", "start")[:40], language_code="ru")
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", in_language("ru", "connect.done")[:10])
    stage = in_language("ru", "alert.stage.lead")
    telegram.wait_for(lambda: any(stage in text for text in telegram.texts(USER)), 20)
    alert = next(m for m in telegram.bot_messages(USER) if "7100-0001-1" in m["text"])
    assert "4 ч</b>" in alert["text"]
    assert format_moment(texts_for("ru"), deadline, "Europe/Moscow") in alert["text"]

    # Switched to Chinese with a tap: the answer already in Chinese.
    say(telegram, "/language", in_language("ru", "language.current")[:12])
    picker = telegram.bot_messages(USER)[-1]
    telegram.press(USER, picker["message_id"], buttons(picker)["简体中文"])
    telegram.wait_for(lambda: in_language("zh", "language.set") in telegram.texts(USER)[-1])

    # The buyer message: Russian for the buyer, its meaning in Chinese for the seller.
    def press(text: str, expect: str) -> dict:
        message = next(m for m in telegram.bot_messages(USER) if "7100-0001-1" in m["text"])
        data = next(d for shown, d in buttons(message).items() if text in shown)
        telegram.press(USER, message["message_id"], data)
        telegram.wait_for(lambda: any(expect in m["text"] for m in telegram.bot_messages(USER)))
        return next(m for m in telegram.bot_messages(USER) if expect in m["text"])

    # The alert was sent in Russian and keeps its buttons; the steps after speak Chinese.
    press(label("ru", "button.message_buyer"), in_language("zh", "action.buyer.templates"))
    press(label("zh", "template.date"), in_language("zh", "action.buyer.cause"))
    press(label("zh", "cause.stock"), in_language("zh", "action.buyer.days"))
    preview = press("", "Здравствуйте!")
    assert in_language("zh", "meaning.date") in preview["text"]
    assert "из-за временного отсутствия товара" in preview["text"]
    assert bot.query("SELECT language FROM chats WHERE id = ?", (USER,)) == [("zh",)]

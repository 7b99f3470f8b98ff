"""One-tap responses, end to end: the real bot, the fake Telegram and the fake Ozon."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import CANCEL, alert_of, buttons, tap, tap_wait
from tests.helpers.chat import now, say, wait_scans

pytestmark = pytest.mark.e2e

ANSWER = "answerCallbackQuery"


@pytest.fixture
def bot_env() -> dict[str, str]:
    """These tests tap faster than a person: the per-user throttle would answer instead."""
    return {"THROTTLE_BURST": "1000"}


def start(bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon, *postings: dict) -> None:
    ozon.set_postings(CLIENT_ID, list(postings))
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    numbers = [p["posting_number"] for p in postings]
    telegram.wait_for(lambda: all(alert_of(telegram, n) for n in numbers), timeout=20)


def answers(telegram: FakeTelegram) -> list[str]:
    return [a.get("text", "") for a in telegram.callback_answers.values()]


def posting(number: str, hours: float = 2, **kwargs: object) -> dict:
    return FakeOzon.make_posting(number, now() + timedelta(hours=hours), **kwargs)


def test_cancel_with_a_reason_exactly_once(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    start(bot, telegram, ozon, posting("4100-0001-1"), posting("4100-0002-1"))
    shown = alert_of(telegram, "4100-0001-1")
    assert shown is not None
    assert set(buttons(shown)) == {"❌ Cancel order", "💬 Message buyer", "🙋 Ask Ozon for time"}

    tap(telegram, "4100-0001-1", "Cancel", "Pick the reason Ozon accepts")
    confirm = tap(telegram, "4100-0001-1", "ran out", "counts against your error index")
    assert "1,200.00 RUB" in confirm["text"]
    ok = buttons(confirm)["Yes, cancel it"]
    # Two presses at once (a double tap, or two people): one Ozon call.
    first = telegram.press(USER, confirm["message_id"], ok)
    second = telegram.press(USER, confirm["message_id"], ok, force=True)
    telegram.wait_for(lambda: "Cancelled by @alice" in alert_of(telegram, "4100-0001-1")["text"])
    # Both taps are answered: the second behind the first, which acted.
    telegram.wait_for(lambda: {first, second} <= set(telegram.callback_answers))
    cancels = [c for c in ozon.calls_to(CANCEL) if c["body"]["posting_number"] == "4100-0001-1"]
    assert len(cancels) == 1 and cancels[0]["body"]["cancel_reason_id"] == 352
    done = alert_of(telegram, "4100-0001-1")
    assert buttons(done) == {}  # nothing left to do on a cancelled posting
    assert any(a.startswith(("Already", "No longer needed")) for a in answers(telegram))

    # Reason 402 needs a typed explanation, which Ozon receives.
    tap(telegram, "4100-0002-1", "Cancel", "Pick the reason")
    tap(telegram, "4100-0002-1", "Other", "type it in one message")
    telegram.user_message(USER, "Supplier went bankrupt")
    confirm = alert_of(telegram, "4100-0002-1")
    telegram.wait_for(lambda: "Supplier went bankrupt" in alert_of(telegram, "4100-0002-1")["text"])
    confirm = alert_of(telegram, "4100-0002-1")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, cancel it"])
    telegram.wait_for(
        lambda: any(c["body"]["posting_number"] == "4100-0002-1" for c in ozon.calls_to(CANCEL))
    )
    assert ozon.calls_to(CANCEL)[-1]["body"]["cancel_reason_message"] == "Supplier went bankrupt"
    history = say(telegram, "/history", "Last actions")
    assert history.count("cancel by @alice — done") == 2
    telegram.user_message(USER, "/history csv")
    telegram.wait_for(lambda: telegram.calls_to("sendDocument"))


def test_ozon_refusals_keep_the_alert_actionable(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    start(bot, telegram, ozon, posting("4200-0001-1"))
    for status, body, expect in (
        (
            400,
            {"code": 3, "message": "posting is already being packed"},
            "posting is already being packed",
        ),
        (
            409,
            {"code": 9, "message": "conflict with another change"},
            "conflict with another change",
        ),
        (500, {"code": 13, "message": "internal error"}, "Ozon is not answering"),
    ):
        tap(telegram, "4200-0001-1", "Cancel", "Pick the reason")
        confirm = tap(telegram, "4200-0001-1", "ran out", "error index")
        ozon.inject(CANCEL, status, body)
        calls = len(ozon.calls_to(CANCEL))
        telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, cancel it"])
        after = tap_wait(telegram, "4200-0001-1", expect)
        assert "Cancel order" in " ".join(buttons(after))  # still actionable
        assert len(ozon.calls_to(CANCEL)) == calls + 1  # a cancel is never retried blindly
    assert "failed" in say(telegram, "/history", "Last actions")


def test_message_the_buyer_and_relay_the_answer_once(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    start(bot, telegram, ozon, posting("4300-0001-1"), posting("4300-0002-1"))
    tap(telegram, "4300-0001-1", "Message buyer", "what do you offer")
    tap(telegram, "4300-0001-1", "a new shipping date", "What caused the delay")
    tap(telegram, "4300-0001-1", "Out of stock", "Which new shipping date")
    preview = tap(telegram, "4300-0001-1", "", "will get, in Russian")
    assert "Здравствуйте!" in preview["text"] and "4300-0001-1" in preview["text"]
    assert "из-за временного отсутствия товара" in preview["text"]
    telegram.press(USER, preview["message_id"], buttons(preview)["Send to the buyer"])
    tap_wait(telegram, "4300-0001-1", "Buyer messaged by @alice (a new shipping date)")
    sent = [
        m for m in ozon.chat_messages(CLIENT_ID, "4300-0001-1") if m["user"]["type"] == "Seller"
    ]
    assert len(sent) == 1 and sent[0]["data"][0].startswith("Здравствуйте!")

    ozon.buyer_writes(CLIENT_ID, "4300-0001-1", "Хорошо, подожду")
    telegram.wait_for(lambda: any("Хорошо, подожду" in t for t in telegram.texts(USER)), 20)
    wait_scans(ozon, telegram, 2)
    relayed = [m for m in telegram.bot_messages(USER) if "Хорошо, подожду" in m["text"]]
    assert len(relayed) == 1
    assert relayed[0]["reply_to"] == alert_of(telegram, "4300-0001-1")["message_id"]

    # The seller's own text: over 1,000 characters is refused with the limit stated.
    tap(telegram, "4300-0002-1", "Message buyer", "what do you offer")
    tap(telegram, "4300-0002-1", "own text", "at most 1,000 characters")
    telegram.user_message(USER, "я" * 1001)
    telegram.wait_for(lambda: "your text has 1001" in alert_of(telegram, "4300-0002-1")["text"])
    telegram.user_message(USER, "Здравствуйте! Отправим завтра.")
    preview = tap_wait(telegram, "4300-0002-1", "Your own text")
    telegram.press(USER, preview["message_id"], buttons(preview)["Send to the buyer"])
    tap_wait(telegram, "4300-0002-1", "Buyer messaged by @alice (own text)")


def test_buyer_chats_need_a_premium_plan(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Romashka", subscription="PREMIUM_LITE")
    start(bot, telegram, ozon, posting("4400-0001-1"))
    tap(telegram, "4400-0001-1", "Message buyer", "Premium Plus or Premium Pro")
    starts = ozon.calls_to("/v1/chat/start")
    assert not [c for c in starts if c["body"]["posting_number"] == "4400-0001-1"]


def test_extend_only_where_ozon_allows_it(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    start(
        bot,
        telegram,
        ozon,
        posting("4500-0001-1", available_actions=("cancel", "set_cutoff"),
                promise=(now() + timedelta(days=1), now() + timedelta(days=2))),
        posting("4500-0002-1", available_actions=("set_timeslot",)),
        posting("4500-0003-1", available_actions=("cancel",)),
    )  # fmt: skip
    owed = alert_of(telegram, "4500-0001-1")
    assert "📅 Set shipping date" in buttons(owed) and "🚚 Move delivery day" not in buttons(owed)
    assert "Ozon needs your shipping date by" in owed["text"]
    assert "cannot be packed" in owed["text"]
    moving = buttons(alert_of(telegram, "4500-0002-1"))
    assert "🚚 Move delivery day" in moving and "📅 Set shipping date" not in moving
    ordinary = buttons(alert_of(telegram, "4500-0003-1"))
    assert {"📅 Set shipping date", "🚚 Move delivery day"}.isdisjoint(ordinary)
    assert "🙋 Ask Ozon for time" in ordinary

    for number, label, picked, confirmed, noted, path in (
        ("4500-0001-1", "Set shipping date", "Ozon needs it by", "Set the shipping date",
         "Shipping date set to", "/v1/posting/cutoff/set"),
        ("4500-0002-1", "Move delivery day", "stays as it is", "Move the delivery of",
         "Delivery moved to", "/v1/posting/fbs/timeslot/set"),
    ):  # fmt: skip
        picker = tap(telegram, number, label, picked)
        days = [text for text in buttons(picker) if text != "« Back"]
        if number == "4500-0001-1":  # today to the last day of the promise, warehouse days
            assert len(days) == 3
        confirm = tap(telegram, number, days[-1], confirmed)
        telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, set this date"])
        tap_wait(telegram, number, noted)
        assert [c["body"]["posting_number"] for c in ozon.calls_to(path)] == [number]
    sent = ozon.calls_to("/v1/posting/cutoff/set")[0]["body"]["new_cutoff_date"]
    promise_end = now() + timedelta(days=2)
    assert now() < datetime.fromisoformat(sent.replace("Z", "+00:00")) <= promise_end

    tap(telegram, "4500-0003-1", "Ask Ozon", "what caused the delay")
    support = tap(telegram, "4500-0003-1", "Supplier delay", "Просим продлить срок сборки")
    assert "задержка у поставщика" in support["text"] and "4500-0003-1" in support["text"]
    message = alert_of(telegram, "4500-0003-1")
    telegram.press(USER, message["message_id"], buttons(message)["« Back"])
    telegram.wait_for(lambda: "Просим" not in alert_of(telegram, "4500-0003-1")["text"])
    assert "🙋 Ask Ozon for time" in buttons(alert_of(telegram, "4500-0003-1"))
    assert "Shipping date set" not in alert_of(telegram, "4500-0003-1")["text"]


def test_forged_replayed_and_stale_buttons_do_nothing(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    start(bot, telegram, ozon, posting("4600-0001-1"))
    alert = alert_of(telegram, "4600-0001-1")
    real = buttons(alert)["❌ Cancel order"]
    telegram.press(USER, alert["message_id"], "al:AAAAAAAAAAA:cancel", force=True)
    telegram.press(USER, alert["message_id"], "ac:forged:ok", force=True)
    token = real.split(":")[1]
    telegram.press(USER, alert["message_id"], f"al:{token}:launch", force=True)
    # The same genuine button replayed from another chat.
    stranger = 9009
    telegram.user_message(stranger, "/start")
    telegram.wait_for(lambda: telegram.texts(stranger))
    other = telegram.bot_messages(stranger)[-1]["message_id"]
    telegram.press(stranger, other, real, force=True)
    telegram.wait_for(lambda: answers(telegram).count("This button is no longer valid.") == 4)

    ozon.update_posting(CLIENT_ID, "4600-0001-1", status="delivering")
    telegram.wait_for(lambda: "Handed over" in alert_of(telegram, "4600-0001-1")["text"], 20)
    telegram.press(USER, alert["message_id"], real, force=True)
    telegram.wait_for(lambda: any("No longer needed" in a for a in answers(telegram)))
    reasons = ozon.calls_to("/v1/posting/fbs/cancel-reason")
    assert not [c for c in reasons if "4600-0001-1" in c["body"]["related_posting_numbers"]]
    # Past its alert's life (retention deleted the message), the button is unknown.
    with sqlite3.connect(bot.database) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM messages WHERE token = ?", (token,))
    telegram.press(USER, alert["message_id"], real, force=True)
    telegram.wait_for(lambda: answers(telegram).count("This button is no longer valid.") == 5)


def test_a_posting_of_a_grouped_alert_opens_its_own_alert(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.set_postings(CLIENT_ID, [posting(f"4700-{i:04d}-1") for i in range(6)])
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: any("6 postings due" in t for t in telegram.texts(USER)), 20)
    group = next(m for m in telegram.bot_messages(USER) if "6 postings due" in m["text"])
    assert len(buttons(group)) == 6
    telegram.press(USER, group["message_id"], buttons(group)["⚙️ 4700-0003-1"])
    telegram.wait_for(lambda: alert_of(telegram, "4700-0003-1") is not None)
    own = alert_of(telegram, "4700-0003-1")
    assert own["reply_to"] == group["message_id"] and "❌ Cancel order" in buttons(own)

    ozon.update_posting(CLIENT_ID, "4700-0003-1", status="delivering")
    telegram.wait_for(lambda: "Handed over" in alert_of(telegram, "4700-0003-1")["text"], 20)
    telegram.wait_for(
        lambda: "✅ handed over" in telegram.messages[USER][group["message_id"]]["text"]
    )
    assert len(buttons(telegram.messages[USER][group["message_id"]])) == 5


def test_a_refused_chat_is_explained_by_ozons_chat_window(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    start(bot, telegram, ozon, posting("4800-0001-1"))
    tap(telegram, "4800-0001-1", "Message buyer", "what do you offer")
    tap(telegram, "4800-0001-1", "wait or cancel", "What caused the delay")
    preview = tap(telegram, "4800-0001-1", "Our mistake", "will get, in Russian")
    assert "по нашей вине" in preview["text"] and "полным возвратом" in preview["text"]
    # The plan was checked when the wizard began: what Ozon refuses now is the chat's window.
    ozon.inject("/v1/chat/start", 403, {"code": 7, "message": "Chat creation time expired"})
    telegram.press(USER, preview["message_id"], buttons(preview)["Send to the buyer"])
    after = tap_wait(telegram, "4800-0001-1", "within 72 hours after payment or delivery")
    assert "Chat creation time expired" in after["text"] and "within 48 hours" in after["text"]
    assert "Buyer messaged" not in after["text"]


def test_the_sample_store_buttons_act_only_on_the_sample(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    say(telegram, "/connect demo", "sample store")
    telegram.wait_for(lambda: alert_of(telegram, "10000004-0001-1") is not None, 20)
    calls = len(ozon.calls)
    tap(telegram, "10000004-0001-1", "Message buyer", "what do you offer")
    tap(telegram, "10000004-0001-1", "wait or cancel", "What caused the delay")
    preview = tap(telegram, "10000004-0001-1", "Supplier delay", "will get, in Russian")
    telegram.press(USER, preview["message_id"], buttons(preview)["Send to the buyer"])
    telegram.wait_for(lambda: any("Хорошо, я подожду" in t for t in telegram.texts(USER)), 20)
    tap(telegram, "10000004-0001-1", "Cancel", "Pick the reason")
    confirm = tap(telegram, "10000004-0001-1", "ran out", "error index")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, cancel it"])
    tap_wait(telegram, "10000004-0001-1", "Cancelled by @alice")
    assert len(ozon.calls) == calls  # the fake Ozon heard nothing of it

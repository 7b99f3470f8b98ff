"""rFBS and the rest of Ozon as it is today, on the real bot process: the steps of a posting
the seller delivers, a multi-box posting's box count, and every new alert line and button in
each of the three languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n.texts import texts_for
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import alert_of, buttons, tap
from tests.helpers.chat import now, say
from tests.helpers.texts import in_language

pytestmark = pytest.mark.e2e


def posting(number: str, hours: float = 2, **kwargs: object) -> dict:
    return FakeOzon.make_posting(number, now() + timedelta(hours=hours), **kwargs)


def seller_delivered(number: str) -> dict:
    return posting(number, status="awaiting_deliver", tpl_integration_type="non_integrated",
                   available_actions=("set_track_number", "non_int_delivering"),
                   promise=(now() + timedelta(days=2), now() + timedelta(days=4)))  # fmt: skip


def on_its_way(number: str) -> dict:
    return posting(number, hours=-24, status="delivering", tpl_integration_type="non_integrated",
                   available_actions=("non_int_last_mile", "non_int_delivered"),
                   promise=(now() - timedelta(hours=12), now() + timedelta(hours=3)))  # fmt: skip


def multibox(number: str) -> dict:
    made = posting(number, tpl_integration_type="aggregator")
    made.update(is_multibox=True, multi_box_qty=0)
    return made


def connect(telegram: FakeTelegram, ozon: FakeOzon, *postings: dict, language: str = "en") -> None:
    ozon.set_postings(CLIENT_ID, list(postings))
    say(telegram, "/start", in_language(language, "start")[:30], language_code=language)
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", in_language(language, "connect.done")[:10])
    numbers = [p["posting_number"] for p in postings]
    telegram.wait_for(lambda: all(alert_of(telegram, n) for n in numbers), timeout=20)


def test_the_steps_of_a_posting_the_seller_delivers(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    connect(telegram, ozon, seller_delivered("5100-0001-1"))
    alert = alert_of(telegram, "5100-0001-1")
    assert alert is not None
    assert "Delivery: rFBS, you deliver" in alert["text"]
    assert "Promised to the buyer:" in alert["text"]
    assert {"🔢 Set tracking number", "🚚 Mark as in delivery"} <= set(buttons(alert))

    tap(telegram, "5100-0001-1", "Set tracking number", "type it as your carrier gave it")
    telegram.user_message(USER, "?")
    telegram.wait_for(lambda: "does not look like a tracking number" in alert_of(
        telegram, "5100-0001-1")["text"])  # fmt: skip
    telegram.user_message(USER, "RA123456789CN")
    telegram.wait_for(lambda: "<b>RA123456789CN</b>" in alert_of(telegram, "5100-0001-1")["text"])
    confirm = alert_of(telegram, "5100-0001-1")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, send it to Ozon"])
    telegram.wait_for(lambda: "Tracking number RA123456789CN given by" in alert_of(
        telegram, "5100-0001-1")["text"])  # fmt: skip
    sent = ozon.calls_to("/v2/fbs/posting/tracking-number/set")
    assert [c["body"]["tracking_numbers"] for c in sent] == [
        [{"posting_number": "5100-0001-1", "tracking_number": "RA123456789CN"}]
    ]

    tap(telegram, "5100-0001-1", "Mark as in delivery", "once the carrier has it")
    confirm = alert_of(telegram, "5100-0001-1")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, send it to Ozon"])
    telegram.wait_for(lambda: "Handed over" in alert_of(telegram, "5100-0001-1")["text"], 20)
    assert [c["body"] for c in ozon.calls_to("/v2/fbs/posting/delivering")] == [
        {"posting_number": ["5100-0001-1"]}
    ]
    assert ozon.violations == []


def test_a_multi_box_posting_is_given_its_box_count(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    connect(telegram, ozon, multibox("5200-0001-1"))
    alert = alert_of(telegram, "5200-0001-1")
    assert alert is not None and "Multi-box posting" in alert["text"]
    tap(telegram, "5200-0001-1", "Set box count", "how many boxes")
    telegram.user_message(USER, "0")
    telegram.wait_for(lambda: "whole number from 1 to 99" in alert_of(
        telegram, "5200-0001-1")["text"])  # fmt: skip
    telegram.user_message(USER, "3")
    telegram.wait_for(lambda: "ships in <b>3</b> boxes" in alert_of(
        telegram, "5200-0001-1")["text"])  # fmt: skip
    confirm = alert_of(telegram, "5200-0001-1")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, send it to Ozon"])
    telegram.wait_for(lambda: "Box count 3 given by" in alert_of(telegram, "5200-0001-1")["text"])
    assert [c["body"] for c in ozon.calls_to("/v3/posting/multiboxqty/set")] == [
        {"posting_number": "5200-0001-1", "multi_box_qty": 3}
    ]


def test_a_posting_on_its_way_is_taken_to_the_buyer(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    connect(telegram, ozon, on_its_way("5400-0001-1"))
    promise = alert_of(telegram, "5400-0001-1")
    assert promise is not None and "left of the delivery promised to the buyer" in promise["text"]
    tap(telegram, "5400-0001-1", "Courier on the way", "status «last mile»")
    confirm = alert_of(telegram, "5400-0001-1")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, send it to Ozon"])
    telegram.wait_for(lambda: "Marked as with the courier by" in alert_of(
        telegram, "5400-0001-1")["text"])  # fmt: skip
    assert "✅ Delivered" in buttons(alert_of(telegram, "5400-0001-1"))
    tap(telegram, "5400-0001-1", "Delivered", "only once the buyer has it")
    confirm = alert_of(telegram, "5400-0001-1")
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, send it to Ozon"])
    telegram.wait_for(lambda: "Marked as delivered by" in alert_of(telegram, "5400-0001-1")["text"])
    for path in ("/v2/fbs/posting/last-mile", "/v2/fbs/posting/delivered"):
        assert [c["body"] for c in ozon.calls_to(path)] == [{"posting_number": ["5400-0001-1"]}]


@pytest.mark.parametrize("language", ["en", "ru", "zh"])
def test_every_new_alert_and_button_speaks_the_chat_language(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon, language: str
) -> None:
    failed = posting("5300-0005-1", hours=3)
    failed["substatus"] = "ship_failed"
    connect(
        telegram,
        ozon,
        posting("5300-0001-1", available_actions=("cancel", "set_cutoff")),
        posting("5300-0002-1", available_actions=("set_timeslot",)),
        seller_delivered("5300-0003-1"),
        multibox("5300-0004-1"),
        failed,
        posting("5300-0006-1", hours=20, status="awaiting_approve"),  # five at 4h: not grouped
        posting("5300-0007-1", hours=0.4, is_express=True),
        on_its_way("5300-0008-1"),
        language=language,
    )
    tx = texts_for(language)

    def has(number: str, *keys: str) -> None:
        alert = alert_of(telegram, number)
        assert alert is not None
        for key in keys:
            assert in_language(language, key) in alert["text"], (number, key)

    def labels(number: str) -> set[str]:
        return set(buttons(alert_of(telegram, number) or {}))

    has("5300-0001-1", "alert.set_cutoff")
    assert tx.plain("button.set_cutoff") in labels("5300-0001-1")
    assert tx.plain("button.timeslot") in labels("5300-0002-1")
    has("5300-0003-1", "alert.delivery", "delivery.non_integrated", "alert.promise")
    assert {tx.plain("button.tracking"), tx.plain("button.delivering")} <= labels("5300-0003-1")
    has("5300-0004-1", "alert.multibox", "delivery.aggregator")
    assert tx.plain("button.boxes") in labels("5300-0004-1")
    has("5300-0006-1", "alert.state.awaiting_approve")
    has("5300-0007-1", "alert.express")
    has("5300-0008-1", "alert.state.delivering", "alert.promise")
    promise = alert_of(telegram, "5300-0008-1") or {}
    assert in_language(language, "promise.stage") in promise["text"]
    assert {tx.plain("button.last_mile"), tx.plain("button.delivered")} <= labels("5300-0008-1")
    trap = in_language(language, "trap.ship_failed")
    telegram.wait_for(lambda: any(trap in text for text in telegram.texts(USER)))

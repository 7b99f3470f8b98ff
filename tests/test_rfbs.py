"""rFBS and the rest of Ozon as it is today, on the real bot process: the steps of a posting
the seller delivers, a multi-box posting's box count, and every new alert line and button in
each of the three languages."""

from __future__ import annotations

import re
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


def two_products(number: str) -> dict:
    products = [{"sku": sku, "offer_id": f"O-{sku}", "name": name, "quantity": quantity,
                 "price": {"amount": "500.00", "currency": "RUB"}}
                for sku, name, quantity in ((501, "Yoga mat", 2), (502, "Ball", 1))]  # fmt: skip
    return posting(number, products=products, available_actions=("cancel", "product_cancel"))


def multibox(number: str) -> dict:
    made = posting(number, tpl_integration_type="aggregator")
    made.update(is_multibox=True, multi_box_qty=0)
    return made


def packing_failed(number: str, **kwargs: object) -> dict:
    made = posting(number, hours=5, available_actions=("cancel", "ship_async_retry"), **kwargs)
    made["substatus"] = "ship_failed"
    return made


def connect(telegram: FakeTelegram, ozon: FakeOzon, *postings: dict, language: str = "en") -> None:
    ozon.set_postings(CLIENT_ID, list(postings))
    say(telegram, "/start", in_language(language, "start")[:30], language_code=language)
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", in_language(language, "connect.done")[:10])
    numbers = [p["posting_number"] for p in postings]
    telegram.wait_for(lambda: all(alert_of(telegram, n) for n in numbers), timeout=20)


def test_the_steps_of_rfbs_postings_from_packing_to_the_buyer(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    """One process for six postings: one packed the seller delivers, one multi-box to
    pack, one on its way to the buyer, one an item of which is short, and two whose packing
    failed at Ozon, one of them of marked goods."""
    marked = packing_failed("5600-0002-1")
    marked["requirements"] = {"products_requiring_mandatory_mark": ["1001"]}
    connect(telegram, ozon, seller_delivered("5100-0001-1"), multibox("5200-0001-1"),
            on_its_way("5400-0001-1"), two_products("5500-0001-1"),
            packing_failed("5600-0001-1"), marked)  # fmt: skip
    alert = alert_of(telegram, "5100-0001-1")
    assert alert is not None
    assert "Delivery: rFBS, you deliver" in alert["text"]
    assert "Promised to the buyer:" in alert["text"]
    assert {"🔢 Set tracking number", "🚚 Mark as in delivery"} <= set(buttons(alert))

    typed(telegram, "5100-0001-1", "Set tracking number", "type it as your carrier gave it",
          ("?", "does not look like a tracking number"),
          ("RA123456789CN", "<b>RA123456789CN</b>"))  # fmt: skip
    confirm(telegram, "5100-0001-1", "Tracking number RA123456789CN given by")
    sent = ozon.calls_to("/v2/fbs/posting/tracking-number/set")
    assert [c["body"]["tracking_numbers"] for c in sent] == [
        [{"posting_number": "5100-0001-1", "tracking_number": "RA123456789CN"}]
    ]
    tap(telegram, "5100-0001-1", "Mark as in delivery", "once the carrier has it")
    confirm(telegram, "5100-0001-1", "Handed over")
    assert [c["body"] for c in ozon.calls_to("/v2/fbs/posting/delivering")] == [
        {"posting_number": ["5100-0001-1"]}
    ]

    assert "Multi-box posting" in (alert_of(telegram, "5200-0001-1") or {})["text"]
    typed(telegram, "5200-0001-1", "Set box count", "how many boxes",
          ("0", "whole number from 1 to 99"), ("3", "ships in <b>3</b> boxes"))  # fmt: skip
    confirm(telegram, "5200-0001-1", "Box count 3 given by")
    assert [c["body"] for c in ozon.calls_to("/v3/posting/multiboxqty/set")] == [
        {"posting_number": "5200-0001-1", "multi_box_qty": 3}
    ]

    promise = alert_of(telegram, "5400-0001-1")
    assert promise is not None and "left of the delivery promised to the buyer" in promise["text"]
    tap(telegram, "5400-0001-1", "Courier on the way", "status «last mile»")
    confirm(telegram, "5400-0001-1", "Marked as with the courier by")
    tap(telegram, "5400-0001-1", "Delivered", "only once the buyer has it")
    confirm(telegram, "5400-0001-1", "Marked as delivered by")
    for path in ("/v2/fbs/posting/last-mile", "/v2/fbs/posting/delivered"):
        assert [c["body"] for c in ozon.calls_to(path)] == [{"posting_number": ["5400-0001-1"]}]

    tap(telegram, "5500-0001-1", "Cancel some items", "which product is short")
    tap(telegram, "5500-0001-1", "Yoga mat × 2", "How many units")
    tap(telegram, "5500-0001-1", "1", "Pick the reason Ozon accepts")
    typed(telegram, "5500-0001-1", "ran out", "Ozon needs an explanation",
          ("Only one mat left", "The rest of the posting stays"))  # fmt: skip
    shown = alert_of(telegram, "5500-0001-1") or {}
    assert (
        "Cancel 1 × SKU 501" in shown["text"] and "counts against your error index" in shown["text"]
    )
    telegram.press(USER, shown["message_id"], buttons(shown)["Yes, cancel it"])
    telegram.wait_for(lambda: "1 × 501 cancelled by" in alert_of(telegram, "5500-0001-1")["text"])
    assert [c["body"] for c in ozon.calls_to("/v2/posting/fbs/product/cancel")] == [{
        "posting_number": "5500-0001-1", "cancel_reason_id": 352,
        "cancel_reason_message": "Only one mat left", "items": [{"sku": 501, "quantity": 1}],
    }]  # fmt: skip
    assert not ozon.calls_to("/v2/posting/fbs/cancel")  # the posting itself stays

    # Marking codes are entered per unit, in Seller Center: no button for it here.
    assert "📦 Pack again" not in buttons(alert_of(telegram, "5600-0002-1") or {})
    tap(telegram, "5600-0001-1", "Pack again", "as one package with:\n• Test product × 1")
    confirm(telegram, "5600-0001-1", "Sent to Ozon to pack again by")
    assert [c["body"] for c in ozon.calls_to("/v4/posting/fbs/ship")] == [{
        "posting_number": "5600-0001-1",
        "packages": [{"products": [{"product_id": 1_000_000_001, "quantity": 1}]}],
    }]  # fmt: skip
    # Failing again, byte for byte as before the request, is a new message.
    failed = [t for t in telegram.texts(USER) if "Packing of 5600-0001-1 failed" in t]
    assert len(failed) == 1
    ozon.update_posting(CLIENT_ID, "5600-0001-1", substatus="ship_failed",
                        available_actions=["cancel", "ship_async_retry"])  # fmt: skip
    telegram.wait_for(lambda: len([t for t in telegram.texts(USER)
                                   if "Packing of 5600-0001-1 failed" in t]) == 2, 20)  # fmt: skip
    assert ozon.violations == []


def typed(telegram: FakeTelegram, number: str, label: str, asked: str,
          *answers: tuple[str, str]) -> None:  # fmt: skip
    """Starts a typed step, then types each text and waits for what the alert then says."""
    tap(telegram, number, label, asked)
    for text, expect in answers:
        telegram.user_message(USER, text)
        telegram.wait_for(lambda shown=expect: shown in (alert_of(telegram, number) or {})
                          .get("text", ""))  # fmt: skip


def confirm(telegram: FakeTelegram, number: str, expect: str) -> None:
    shown = alert_of(telegram, number) or {}
    telegram.press(USER, shown["message_id"], buttons(shown)["Yes, send it to Ozon"])
    telegram.wait_for(lambda: expect in (alert_of(telegram, number) or {}).get("text", ""), 20)


LANGUAGES = {"en": 7101, "ru": 7102, "zh": 7103}  # one chat and one store per language


def test_every_new_alert_and_button_speaks_each_chat_language(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    failed = packing_failed("5300-0005-1")
    unshipped = posting("5300-0009-1", hours=20, status="awaiting_deliver")
    unshipped["substatus"] = "posting_not_in_carriage"
    postings = [
        posting(
            "5300-0001-1",
            available_actions=("cancel", "set_cutoff", "product_cancel"),
            products=[
                {
                    "sku": 7,
                    "name": "Mat",
                    "quantity": 2,
                    "price": {"amount": "9.00", "currency": "RUB"},
                }
            ],
        ),
        posting("5300-0002-1", available_actions=("set_timeslot",)),
        seller_delivered("5300-0003-1"),
        multibox("5300-0004-1"),
        failed,
        posting("5300-0006-1", hours=20, status="awaiting_approve"),  # five at 4h: not grouped
        posting("5300-0007-1", hours=0.4, is_express=True),
        on_its_way("5300-0008-1"),
        unshipped,
    ]
    # The three chats are paced apart (one message a second each): connected together.
    for language, chat in LANGUAGES.items():
        client_id, key = f"53000{chat}", f"key-{chat}"
        ozon.add_store(client_id, key, name="Romashka")
        ozon.set_postings(client_id, postings)
        ozon.set_stock(client_id, 7, 1001, 2)  # 5300-0001-1's two mats: none spare
        say(telegram, "/start", in_language(language, "start")[:30], chat=chat,
            language_code=language)  # fmt: skip
        telegram.user_message(chat, f"/connect {client_id} {key}")
    numbers = [p["posting_number"] for p in postings]
    telegram.wait_for(lambda: all(
        in_chat(telegram, chat, n) for chat in LANGUAGES.values() for n in numbers
    ), timeout=30)  # fmt: skip
    for language, chat in LANGUAGES.items():
        check_language(telegram, language, chat)


def in_chat(telegram: FakeTelegram, chat: int, number: str) -> dict | None:
    return next((m for m in telegram.bot_messages(chat) if f"<b>{number}</b>" in m["text"]), None)


def check_language(telegram: FakeTelegram, language: str, chat: int) -> None:
    tx = texts_for(language)

    def has(number: str, *keys: str) -> None:
        text = (in_chat(telegram, chat, number) or {})["text"]
        for key in keys:
            assert in_language(language, key) in text, (language, number, key)

    def labels(number: str) -> set[str]:
        return set(buttons(in_chat(telegram, chat, number) or {}))

    has("5300-0001-1", "alert.set_cutoff")
    assert {tx.plain("button.set_cutoff"), tx.plain("button.cancel_items")} <= labels("5300-0001-1")
    assert tx.plain("button.timeslot") in labels("5300-0002-1")
    has("5300-0003-1", "alert.delivery", "delivery.non_integrated", "alert.promise")
    assert {tx.plain("button.tracking"), tx.plain("button.delivering")} <= labels("5300-0003-1")
    has("5300-0004-1", "alert.multibox", "delivery.aggregator")
    assert tx.plain("button.boxes") in labels("5300-0004-1")
    assert tx.plain("button.repack") in labels("5300-0005-1")
    has("5300-0006-1", "alert.state.awaiting_approve")
    has("5300-0007-1", "alert.express")
    has("5300-0008-1", "promise.stage", "alert.state.delivering", "alert.promise")
    assert {tx.plain("button.last_mile"), tx.plain("button.delivered")} <= labels("5300-0008-1")
    # Messages of their own, after the alerts in the chat's paced queue.
    told = [
        longest_literal(language, key)
        for key in ("trap.ship_failed", "trap.posting_not_in_carriage", "stock.line.spare")
    ]
    telegram.wait_for(lambda: all(any(literal in text for text in telegram.texts(chat))
                                  for literal in told), timeout=20)  # fmt: skip


def longest_literal(language: str, key: str) -> str:
    """The longest stretch of a catalog text between placeholders and tags: what tells it
    apart from the texts that open alike."""
    return max(re.split(r"\{[^}]*\}|<[^>]+>", texts_for(language).template(key)), key=len)

"""Postings on their way: an rFBS posting is warned about before the end of the delivery window
promised to the buyer, with the steps Ozon offers; one the bot watched is followed, so that a
posting the sorting centre did not accept is told."""

from __future__ import annotations

import json

import pytest

from bot.watch.delivery import DELIVERY_EVERY
from tests.helpers.scan import CLIENT_ID, Harness, edits, posting, sends

pytestmark = pytest.mark.service


def on_its_way(harness: Harness, number: str, promise_hours: float) -> dict:
    made = posting(number, harness.at(-24), status="delivering",
                   tpl_integration_type="non_integrated",
                   available_actions=("non_int_last_mile", "non_int_delivered"),
                   promise=(harness.at(-12), harness.at(promise_hours)))  # fmt: skip
    return made


def test_the_promise_to_the_buyer_is_warned_before_it_ends(harness: Harness) -> None:
    harness.postings(
        on_its_way(harness, "81-1-1", 3),
        on_its_way(harness, "82-1-1", 60),  # far from any stage
        on_its_way(harness, "85-1-1", -0.5),  # broken half an hour ago: news
        on_its_way(harness, "86-1-1", -72),  # broken days before the bot first saw it
        posting("83-1-1", harness.at(-24), status="delivering"),  # FBS the bot never watched
    )
    items = harness.scan()
    told = {text.split("<b>")[2].split("</b>")[0]: text for text in sends(items)}
    assert sorted(told) == ["81-1-1", "85-1-1"]
    assert "Less than 4h left of the delivery promised to the buyer" in told["81-1-1"]
    assert "Delivery: rFBS, you deliver" in told["81-1-1"]
    assert "Promised to the buyer:" in told["81-1-1"]
    assert "The delivery promised to the buyer has passed" in told["85-1-1"]
    keyboard = json.loads(next(i.reply_markup for i in items if i.action == "send") or "{}")
    labels = [b["text"] for row in keyboard["inline_keyboard"] for b in row]
    assert labels[:2] == ["🛵 Courier on the way", "✅ Delivered"]
    assert sends(harness.scan()) == []  # once per stage
    # Handed over before the bot knew it: no hand-over moment for advice or the digest to count.
    assert harness.rows(
        "SELECT outcome, outcome_at FROM postings WHERE posting_number = '81-1-1'"
    ) == [("in_delivery", None)]
    lists = harness.ozon.calls_to("/v4/posting/fbs/list")
    assert lists and lists[0]["body"]["filter"]["statuses"] == [
        "driver_pickup",
        "delivering",
        "sent_by_seller",
    ]
    assert lists[0]["body"]["with"] == {"analytics_data": True}

    harness.ozon.update_posting(CLIENT_ID, "81-1-1", status="delivered", available_actions=[])
    harness.now += DELIVERY_EVERY  # postings on their way are read every DELIVERY_EVERY
    done = edits(harness.scan())
    assert len(done) == 1 and "Delivered to the buyer" in done[0] and "81-1-1" in done[0]
    assert harness.ozon.violations == []


def test_a_posting_not_accepted_after_hand_over_is_told(harness: Harness) -> None:
    harness.postings(posting("84-1-1", harness.at(2), status="awaiting_deliver"))
    assert len(sends(harness.scan())) == 1
    harness.ozon.update_posting(CLIENT_ID, "84-1-1", status="delivering")
    assert any("Handed over" in text for text in edits(harness.scan()))
    harness.now += DELIVERY_EVERY  # postings on their way are read every DELIVERY_EVERY
    assert sends(harness.scan()) == []  # followed on its way from now on: nothing to tell
    harness.ozon.update_posting(CLIENT_ID, "84-1-1", status="not_accepted", substatus="")
    harness.now += DELIVERY_EVERY
    items = harness.scan()
    told = sends(items)
    assert len(told) == 1 and "84-1-1 was not accepted at the sorting centre" in told[0]
    assert sends(harness.scan()) == []


def test_a_posting_naming_no_delivery_type_is_rfbs_by_its_warehouse(harness: Harness) -> None:
    rfbs = posting("87-1-1", harness.at(3), tpl_integration_type="", warehouse_id=2002)
    fbs = posting("88-1-1", harness.at(3), tpl_integration_type="")  # an FBS warehouse
    harness.postings(rfbs, fbs, posting("89-1-1", harness.at(60), warehouse_id=2002,
                                        tpl_integration_type="aggregator"))  # fmt: skip
    told = {text.split("<b>")[2].split("</b>")[0]: text for text in sends(harness.scan())}
    assert "Delivery: rFBS" in told["87-1-1"]  # its warehouse's is_rfbs
    assert "Delivery:" not in told["88-1-1"]

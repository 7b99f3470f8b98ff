"""Statuses and substatuses that trap sellers: a posting that looks done and is not gets a
message of its own, once; a posting Ozon is still checking keeps its alert, saying so."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.traps import can_pack_again, trap_entered
from bot.ozon.models import Posting, Product, Requirements
from fakes.ozon import FakeOzon
from tests.helpers.scan import CLIENT_ID, Harness, edits, posting, sends


@pytest.mark.unit
def test_a_trap_is_entered_once() -> None:
    assert trap_entered("awaiting_packaging", "ship_failed", None) == "ship_failed"
    assert trap_entered("awaiting_packaging", "ship_failed", ("awaiting_packaging", "")) == (
        "ship_failed"
    )
    assert trap_entered("awaiting_packaging", "ship_failed", ("awaiting_packaging",
                                                              "ship_failed")) is None  # fmt: skip
    assert trap_entered("not_accepted", "", ("awaiting_deliver", "")) == "not_accepted"
    assert trap_entered("awaiting_deliver", "posting_transferring_to_delivery", None) is None


@pytest.mark.service
def test_packed_but_in_no_shipment_is_told_once(harness: Harness) -> None:
    harness.postings(posting("61-1-1", harness.at(3), status="awaiting_deliver"))
    assert len(sends(harness.scan())) == 1
    harness.ozon.update_posting(CLIENT_ID, "61-1-1", substatus="posting_not_in_carriage")
    told = [text for text in sends(harness.scan()) if "61-1-1" in text]
    assert len(told) == 1 and "is packed but in no shipment" in told[0]
    assert "Add it to a shipment" in told[0]
    assert not [text for text in sends(harness.scan()) if "no shipment" in text]
    assert harness.ozon.violations == []


@pytest.mark.service
def test_packing_failed_is_told_even_when_first_seen(harness: Harness) -> None:
    harness.postings(posting("62-1-1", harness.at(30)))
    ozon = harness.ozon
    ozon.update_posting(CLIENT_ID, "62-1-1", substatus="ship_failed")
    told = sends(harness.scan())
    assert len(told) == 1 and "Packing of 62-1-1 failed at Ozon" in told[0]
    assert sends(harness.scan()) == []


@pytest.mark.service
def test_not_accepted_gets_a_new_message_beside_the_edited_alert(harness: Harness) -> None:
    harness.postings(posting("63-1-1", harness.at(2), status="awaiting_deliver"))
    assert len(sends(harness.scan())) == 1
    harness.ozon.update_posting(CLIENT_ID, "63-1-1", status="not_accepted", substatus="")
    items = harness.scan()
    told = sends(items)
    assert len(told) == 1 and "63-1-1 was not accepted at the sorting centre" in told[0]
    assert "Disputed" in told[0]
    assert len(edits(items)) == 1  # the alert says what became of it
    assert sends(harness.scan()) == []


@pytest.mark.service
def test_a_posting_ozon_is_checking_keeps_its_alert_and_says_so(harness: Harness) -> None:
    harness.postings(posting("64-1-1", harness.at(3)))
    assert len(sends(harness.scan())) == 1
    harness.ozon.update_posting(CLIENT_ID, "64-1-1", status="awaiting_approve", substatus="")
    harness.now += harness.at(2.5) - harness.at(0)  # now within the hour: the next stage
    items = harness.scan()
    alert = sends(items)
    assert len(alert) == 1 and "waiting for Ozon's approval: do not pack yet" in alert[0]
    assert "Less than 1h" in alert[0]
    keyboard = next(item.reply_markup for item in items if item.action == "send")
    assert keyboard is not None and "Cancel order" in keyboard  # its buttons stay


@pytest.mark.unit
def test_packing_again_is_offered_only_where_nothing_is_entered_per_unit() -> None:
    at = datetime(2026, 12, 5, tzinfo=UTC)
    failed = Posting.model_validate(
        FakeOzon.make_posting("65-1-1", at, available_actions=("ship_async_retry",))
        | {"substatus": "ship_failed"}
    )
    assert can_pack_again(failed)
    assert not can_pack_again(failed.model_copy(update={"substatus": "ship_async_in_process"}))
    marked = failed.model_copy(
        update={"requirements": Requirements(products_requiring_mandatory_mark=["1001"])}
    )
    assert not can_pack_again(marked)
    unknown = failed.model_copy(update={"products": [Product(sku=None, quantity=1)]})
    assert not can_pack_again(unknown)

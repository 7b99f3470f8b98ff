"""The scan against a real database and the fake Seller API, with an injected clock:
what is alerted, edited and grouped, and that nothing repeats."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest

from bot.ozon import OzonApi, PostingPage
from bot.security.crypto import KeyCipher
from bot.services.sellers import Sellers
from bot.watch.postings import PostingSync
from bot.watch.scanner import Scanner
from fakes.ozon import FakeOzon
from storage import outbox as outbox_db
from tests.helpers.engine import open_db
from tests.helpers.scan import CHAT, CLIENT_ID, KEY, Harness, edits, posting, sends

pytestmark = pytest.mark.service
LIST = "/v4/posting/fbs/list"

T = TypeVar("T")


def test_each_posting_gets_its_current_stage_once(harness: Harness) -> None:
    harness.postings(
        posting("1-1-1", harness.at(30)),
        posting("2-1-1", harness.at(3)),
        posting("3-1-1", harness.at(50 / 60), status="awaiting_deliver"),
        posting("4-1-1", harness.at(-2)),
    )
    first = {text.split("<b>")[2].split("</b>")[0]: text for text in sends(harness.scan())}
    assert sorted(first) == ["2-1-1", "3-1-1", "4-1-1"]
    assert "Less than 4h" in first["2-1-1"] and "not packed" in first["2-1-1"]
    assert "Less than 1h" in first["3-1-1"] and "packed, not handed over" in first["3-1-1"]
    assert "Overdue" in first["4-1-1"] and "overdue by 2 h" in first["4-1-1"]
    assert "MSK" in first["2-1-1"]  # the chat's time zone, not UTC
    assert harness.scan() == []  # nothing twice
    harness.now += timedelta(hours=7)  # 30 h posting is now 23 h away, two are overdue
    again = sorted(text for text in sends(harness.scan()) if "Still overdue" not in text)
    assert len(again) == 3
    assert "1-1-1" in again[0] and "Less than 1d" in again[0]
    assert all("Overdue" in text for text in again[1:])
    assert harness.ozon.violations == []


def test_deadline_moved_later_edits_and_warns_again(harness: Harness) -> None:
    harness.postings(posting("5-1-1", harness.at(0.5)))
    assert len(sends(harness.scan())) == 1
    harness.ozon.update_posting(CLIENT_ID, "5-1-1", shipment_date=harness.at(30))
    moved = harness.scan()
    assert sends(moved) == []
    assert len(edits(moved)) == 1 and "Deadline moved" in edits(moved)[0]
    harness.now += timedelta(hours=29, minutes=30)  # 30 min before the new deadline
    assert len(sends(harness.scan())) == 1


def test_deadline_moved_earlier_alerts_the_new_stage(harness: Harness) -> None:
    harness.postings(posting("6-1-1", harness.at(20)))
    assert "Less than 1d" in sends(harness.scan())[0]
    harness.ozon.update_posting(CLIENT_ID, "6-1-1", shipment_date=harness.at(0.5))
    items = harness.scan()
    assert len(edits(items)) == 1 and "Deadline moved" in edits(items)[0]
    assert len(sends(items)) == 1 and "Less than 1h" in sends(items)[0]


def test_handed_over_and_ozon_cancellation_edit_alerts(harness: Harness) -> None:
    harness.postings(posting("7-1-1", harness.at(2)), posting("8-1-1", harness.at(-1)))
    assert len(sends(harness.scan())) == 2
    harness.ozon.update_posting(CLIENT_ID, "7-1-1", status="delivering")
    cancellation = {
        "cancel_reason_id": 1, "cancel_reason": "Shipment time expired",
        "cancellation_type": "ozon", "cancellation_initiator": "Ozon",
        "affect_cancellation_rating": True, "cancelled_after_ship": False,
    }  # fmt: skip
    harness.ozon.update_posting(CLIENT_ID, "8-1-1", status="cancelled", cancellation=cancellation)
    items = harness.scan()
    texts = edits(items)
    assert any("Handed over" in text and "7-1-1" in text for text in texts)
    assert any(
        "Cancelled" in text and "by Ozon" in text and "counts against" in text for text in texts
    )
    notices = sends(items)
    assert len(notices) == 1 and "Ozon cancelled posting 8-1-1" in notices[0]
    assert harness.scan() == []
    assert harness.ozon.calls_to("/v4/posting/fbs/list")


def test_more_than_five_at_one_stage_are_grouped(harness: Harness) -> None:
    harness.postings(*(posting(f"9{i}-1-1", harness.at(3)) for i in range(7)))
    items = sends(harness.scan())
    assert len(items) == 1
    assert "7 postings due within 4h" in items[0]
    assert all(f"9{i}-1-1" in items[0] for i in range(7))


def test_many_grouped_postings_split_below_telegram_limit(harness: Harness) -> None:
    harness.postings(*(posting(f"{1000 + i}-0001-1", harness.at(-1)) for i in range(120)))
    items = sends(harness.scan())
    assert len(items) > 1
    assert all(len(text) <= 4096 for text in items)
    assert sum(text.count("-0001-1") for text in items) == 120


def test_an_alert_not_yet_sent_goes_out_with_its_latest_text(harness: Harness) -> None:
    harness.postings(posting("11-1-1", harness.at(2)))
    pending = harness.scan(deliver=False)
    assert len(pending) == 1 and "Less than 4h" in pending[0].text
    harness.ozon.update_posting(CLIENT_ID, "11-1-1", status="delivering")
    owed = harness.scan()
    assert len(owed) == 1 and owed[0].action == "send"  # one message, no separate edit
    assert "Handed over" in owed[0].text


def test_only_the_newest_pending_edit_is_kept(harness: Harness) -> None:
    harness.postings(posting("12-1-1", harness.at(2)))
    harness.scan()
    harness.ozon.update_posting(CLIENT_ID, "12-1-1", shipment_date=harness.at(3))
    harness.scan(deliver=False)
    harness.ozon.update_posting(CLIENT_ID, "12-1-1", status="cancelled")
    owed = harness.scan()
    assert [item.action for item in owed] == ["edit"]
    assert "Cancelled" in owed[0].text


def test_moved_within_its_stage_is_an_edit_and_later_stages_still_come(harness: Harness) -> None:
    harness.postings(*(posting(f"13{i}-1-1", harness.at(3)) for i in range(6)))
    assert len(sends(harness.scan())) == 1  # one grouped message
    harness.ozon.update_posting(CLIENT_ID, "130-1-1", shipment_date=harness.at(3.5))
    moved = harness.scan()
    assert sends(moved) == []
    assert len(edits(moved)) == 1 and edits(moved)[0].count("130-1-1") == 1
    assert "moved to" in edits(moved)[0]
    harness.now += timedelta(hours=3)  # 30 min before the new deadline, the others overdue
    later = sends(harness.scan())
    assert any("Less than 1h" in text and "130-1-1" in text for text in later)


def test_alerts_go_out_even_when_the_status_lookup_fails(harness: Harness) -> None:
    harness.postings(posting("14-1-1", harness.at(2)), posting("15-1-1", harness.at(30)))
    harness.scan()
    harness.ozon.set_postings(CLIENT_ID, [posting("15-1-1", harness.at(1.5))])  # 14 left the list
    refusal = {"code": 7, "message": "Api-Key is missing a required role for a method"}
    harness.ozon.inject("/v4/posting/fbs/list", 403, refusal)
    harness.now += timedelta(hours=28)
    items = sends(harness.scan())
    assert len(items) == 1 and "15-1-1" in items[0]


def test_a_posting_repeated_on_two_pages_is_alerted_once(harness: Harness) -> None:
    same = posting("16-1-1", harness.at(0.5))
    harness.ozon.handlers["/v4/posting/fbs/unfulfilled/list"] = lambda client_id, body: (
        200,
        {"postings": [same], "count": 1, "has_next": not body.get("cursor"), "cursor": "page2"},
    )
    try:
        harness.postings(posting("17-1-1", harness.at(0.5)))
        items = sends(harness.scan())
    finally:
        del harness.ozon.handlers["/v4/posting/fbs/unfulfilled/list"]
    assert len(items) == 1 and "16-1-1" in items[0]


def test_a_posting_that_left_the_window_silently_is_looked_up(harness: Harness) -> None:
    harness.postings(posting("18-1-1", harness.at(0.5)))
    harness.scan()
    harness.ozon.update_posting(CLIENT_ID, "18-1-1", shipment_date=harness.at(24 * 20))
    items = harness.scan()
    assert harness.ozon.calls_to("/v3/posting/fbs/get")
    assert len(edits(items)) == 1 and "Deadline moved" in edits(items)[0]


def test_a_posting_that_comes_back_is_shown_as_pending_again(harness: Harness) -> None:
    harness.postings(posting("19-1-1", harness.at(2)))
    harness.scan()
    harness.ozon.update_posting(CLIENT_ID, "19-1-1", status="arbitration")
    assert "In arbitration" in edits(harness.scan())[0]
    harness.ozon.update_posting(CLIENT_ID, "19-1-1", status="awaiting_packaging")
    back = edits(harness.scan())
    assert len(back) == 1 and "arbitration" not in back[0] and "time left" not in back[0]
    assert "left" in back[0]


def test_a_refused_key_pauses_the_store_with_one_notice(harness: Harness) -> None:
    harness.postings(posting("20-1-1", harness.at(2)))
    harness.scan()
    harness.ozon.add_store(CLIENT_ID, "rotated-key")  # the stored key is no longer valid
    notice = sends(harness.scan())
    assert len(notice) == 1 and "refuses the API key of <b>Shop</b>" in notice[0]
    assert "Invalid Api-Key" in notice[0]
    calls = len(harness.ozon.calls)
    assert harness.scan() == [] and len(harness.ozon.calls) == calls  # paused: no retry storm


def scan_series(
    harness: Harness, steps: list[tuple[timedelta, dict | None]], observe: Callable[[], T]
) -> list[tuple[T, list[str]]]:
    """Scans by one scanner, as in the running bot: before each, the clock moves on and a
    posting may change at Ozon; after each, what `observe` sees and the outbox texts."""

    async def run() -> list[tuple[T, list[str]]]:
        db = await open_db(harness.path)
        api = OzonApi(harness.ozon.url)
        scanner = Scanner(
            db, Sellers(api, KeyCipher([KEY])), (86400, 14400, 3600), clock=lambda: harness.now
        )
        found = []
        try:
            for later, changed in steps:
                harness.now += later
                if changed is not None:
                    harness.ozon.update_posting(CLIENT_ID, **changed)
                await scanner.scan_all()
                items = await outbox_db.due(db, harness.now + timedelta(days=400), 10_000)
                for item in items:
                    await outbox_db.complete(db, item, 1000 + item.id)
                found.append((observe(), [item.text for item in items]))
        finally:
            await api.aclose()
            await db.close()
        return found

    return asyncio.run(run())


def parsed_postings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the numbers on every page the scan parses (a repeated page is not)."""
    parsed: list[str] = []
    parse = PostingPage._parse

    def counted(page: PostingPage) -> object:
        if page._parsed is None:
            parsed.extend(raw["posting_number"] for raw in page.raw)
        return parse(page)

    monkeypatch.setattr(PostingPage, "_parse", counted)
    return parsed


def test_a_page_ozon_repeats_is_not_parsed_again_yet_its_stages_come(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page byte for byte as last time is not parsed, its postings still count as seen, and
    their next stage still comes with time; a page that changed is read again."""
    harness.postings(posting("1-1-1", harness.at(4 + 10 / 60)), posting("2-1-1", harness.at(30)))
    parsed = parsed_postings(monkeypatch)

    def parsed_since() -> list[str]:
        found = sorted(parsed)
        parsed.clear()
        return found

    harness.scan()  # stores the store and both postings: the 1-day alert of 1-1-1
    lookups = lambda: [  # noqa: E731  (the list asked for postings on their way is no lookup)
        len(harness.ozon.calls_to("/v3/posting/fbs/get")),
        sum("statuses" not in c["body"]["filter"] for c in harness.ozon.calls_to(LIST)),
    ]
    looked_up_before = lookups()
    parsed.clear()
    moved = {"posting_number": "2-1-1", "shipment_date": harness.at(2)}
    first, repeated, crossed, changed = scan_series(harness, [
        (timedelta(minutes=1), None),  # a new scanner: the stored pages of the last scan
        (timedelta(minutes=1), None),  # the same page: nothing parsed, nothing new
        (timedelta(minutes=10), None),  # 1-1-1 now less than 4 h away
        (timedelta(minutes=1), moved),  # the page changed: read again
    ], parsed_since)  # fmt: skip
    assert first == ([], [])
    assert repeated == ([], [])
    assert crossed[0] == [] and len(crossed[1]) == 1
    assert "Less than 4h" in crossed[1][0] and "1-1-1" in crossed[1][0]
    assert changed[0] == ["1-1-1", "2-1-1"] and len(changed[1]) == 1
    assert "2-1-1" in changed[1][0] and "Less than 4h" in changed[1][0]
    # Seen on every scan: never looked up as if it had left the list.
    assert lookups() == looked_up_before


def test_a_page_changed_by_a_scan_that_failed_half_way_is_read_again_by_the_next_scanner(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages a scan leaves for the next scanner (another replica, a restart) are dropped
    as soon as a changed page is stored: a scan that then fails leaves none, and a page that
    goes back to its old bytes is not taken for what the postings table holds."""
    original = posting("1-1-1", harness.at(30))
    harness.postings(copy.deepcopy(original))
    harness.scan()  # stores the page as it is
    stored = lambda: harness.rows(  # noqa: E731
        "SELECT shipment_date FROM postings WHERE posting_number = '1-1-1'"
    )
    as_first_stored = stored()
    parsed = parsed_postings(monkeypatch)
    harness.ozon.update_posting(CLIENT_ID, posting_number="1-1-1", shipment_date=harness.at(20))

    apply_listed = PostingSync.apply_listed

    async def failing(self: PostingSync, *args: Any) -> None:
        await apply_listed(self, *args)
        raise RuntimeError("the process dies here")

    with monkeypatch.context() as inside:
        inside.setattr(PostingSync, "apply_listed", failing)
        harness.scan()  # stores the moved deadline, then fails before its pages are kept
    assert parsed == ["1-1-1"] and stored() != as_first_stored
    harness.ozon.set_postings(CLIENT_ID, [copy.deepcopy(original)])
    parsed.clear()
    harness.scan()  # the old bytes again: read, since the stored postings are newer
    assert parsed == ["1-1-1"]
    assert stored() == as_first_stored


def test_warehouses_are_asked_again_a_day_later_not_before(harness: Harness) -> None:
    harness.postings(posting("1-1-1", harness.at(30)))
    harness.scan()  # asks Ozon for the store's warehouses
    asked = lambda: len(harness.ozon.calls_to("/v2/warehouse/list"))  # noqa: E731
    before = asked()
    series = scan_series(harness, [
        (timedelta(minutes=1), None),
        (timedelta(hours=23), None),
        (timedelta(minutes=58), None),  # a day after the asking, less a minute
        (timedelta(minutes=2), None),
        (timedelta(minutes=1), None),
    ], asked)  # fmt: skip
    assert [count - before for count, _ in series] == [0, 0, 0, 1, 1]


def test_a_buyer_answer_is_relayed_in_the_chat_language(harness: Harness) -> None:
    """The words around the buyer's text are the seller's chat's, whatever language it is."""
    harness.postings(posting("8800-0001-1", harness.at(30)))
    harness.scan()
    harness.sql("UPDATE chats SET language = 'ru' WHERE id = ?", (CHAT,))
    harness.sql(
        "INSERT INTO buyer_chats (store_id, posting_number, chat_id, ozon_chat_id, follow_until)"
        " SELECT id, '8800-0001-1', ?, ?, '2999-01-01T00:00:00.000000Z' FROM stores",
        (CHAT, FakeOzon.chat_id("8800-0001-1")),
    )
    harness.ozon.buyer_writes(CLIENT_ID, "8800-0001-1", "Жду, спасибо")
    relayed = [text for text in sends(harness.scan()) if "Жду, спасибо" in text]
    assert len(relayed) == 1
    assert relayed[0].startswith("💬 <b>Покупатель по отправлению 8800-0001-1 ответил:</b>")


def test_an_empty_shipment_date_in_one_lookup_leaves_the_rest_of_the_scan_going(
    harness: Harness,
) -> None:
    ozon = harness.ozon
    harness.postings(posting("31-1-1", harness.at(2)), posting("32-1-1", harness.at(3)))
    assert len(sends(harness.scan())) == 2
    # Both leave the watch window without a status change: each is looked up alone. Ozon
    # documents an empty shipment_date for some postings; the first answers with one.
    ozon.update_posting(CLIENT_ID, "31-1-1", shipment_date="")
    ozon.update_posting(CLIENT_ID, "32-1-1", shipment_date=harness.at(24 * 40))
    items = harness.scan()
    looked_up = [call["body"]["posting_number"] for call in ozon.calls_to("/v3/posting/fbs/get")]
    assert looked_up == ["31-1-1", "32-1-1"]
    moved = edits(items)
    assert len(moved) == 1 and "32-1-1" in moved[0] and "Deadline moved" in moved[0]
    ozon.calls.clear()
    harness.scan()  # the odd one is asked about again, not given up on
    assert "31-1-1" in [c["body"]["posting_number"] for c in ozon.calls_to("/v3/posting/fbs/get")]


def test_an_express_posting_is_warned_at_its_own_stages(harness: Harness) -> None:
    harness.postings(
        posting("71-1-1", harness.at(50 / 60), is_express=True),
        posting("72-1-1", harness.at(50 / 60)),
    )
    first = sends(harness.scan())
    assert len(first) == 1 and "72-1-1" in first[0] and "Less than 1h" in first[0]
    harness.now += timedelta(minutes=20)  # 29 minutes left
    owed = harness.scan()
    assert len(sends(owed)) == 1 and "71-1-1" in sends(owed)[0]
    assert "Less than 30m" in sends(owed)[0] and "Express" in sends(owed)[0]
    harness.now += timedelta(minutes=20)  # 9 minutes left
    last = sends(harness.scan())
    assert len(last) == 1 and "71-1-1" in last[0] and "Less than 10m" in last[0]

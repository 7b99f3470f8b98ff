"""Ozon's push notifications on the real bot process, the fakes playing Ozon (sending the
documented messages, fakes/ozon_push.py) and Telegram, with scans ten minutes apart: what a
notification changes reaches the chat within seconds, through the scan's own code."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from fakes.ozon import FakeOzon
from fakes.ozon_push import post, push_message
from fakes.ozon_store import StoreEndpoints
from fakes.ports import free_port
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import alert_of, buttons, tap, tap_wait
from tests.helpers.chat import now, say

pytestmark = pytest.mark.e2e
LIST = "/v4/posting/fbs/unfulfilled/list"
GET = "/v3/posting/fbs/get"
STOCKS = "/v2/product/info/stocks-by-warehouse/fbs"


def start(tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon,
          **env: str) -> tuple[BotProcess, str]:  # fmt: skip
    """The bot serving push on a port of its own, a store connected; returns the store's
    address as /stores shows it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/ozon"
    process = BotProcess(tmp_path, telegram, ozon, OZON_PUSH_BASE_URL=base,
                         OZON_PUSH_PORT=str(port), CHECK_INTERVAL_SECONDS="600",
                         **env).start()  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    ozon.wait_for(lambda: any(c["path"] == LIST for c in ozon.calls), 20)  # the first scan
    shown = say(telegram, "/stores", "Instant updates")
    assert "not set up" in shown and "Settings → Notifications → Push notifications" in shown
    found = re.search(r"http://127\.0\.0\.1:\d+/ozon/[\w-]+", shown)
    assert found is not None
    return process, found.group(0)


def gets_of(ozon: FakeOzon, number: str) -> int:
    return sum(1 for c in ozon.calls_to(GET) if c["body"]["posting_number"] == number)


def told(telegram: FakeTelegram, number: str) -> int:
    return sum(f"<b>{number}</b>" in text for text in telegram.texts(USER))


def test_each_posting_notification_reaches_the_chat_at_once(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Shop")
    health = free_port()
    process, url = start(tmp_path, telegram, ozon, HEALTH_PORT=str(health))
    push_states = lambda: httpx.get(f"http://127.0.0.1:{health}/health").json()["push"]  # noqa: E731
    assert push_states() == {"off": 1, "receiving": 0, "silent": 0}
    ping = post(url, push_message("TYPE_PING", time=now()))
    assert ping.status_code == 200 and ping.headers["Content-Type"].startswith("application/json")
    assert set(ping.json()) == {"version", "name", "time"}
    assert "receiving (the last one 0 min ago)" in say(telegram, "/stores", "Instant updates")
    assert push_states() == {"off": 0, "receiving": 1, "silent": 0}

    scans = len(ozon.calls_to(LIST))
    new = FakeOzon.make_posting("5001-0001-1", now() + timedelta(hours=3))
    handed = FakeOzon.make_posting("5001-0002-1", now() + timedelta(hours=3),
                                   status="awaiting_deliver")  # fmt: skip
    ozon.set_postings(CLIENT_ID, [new, handed])
    notification = push_message("TYPE_NEW_POSTING", posting_number="5001-0001-1",
                                seller_id=int(CLIENT_ID))  # fmt: skip
    answer = post(url, notification)
    assert answer.status_code == 200 and answer.json() == {"result": True}
    telegram.wait_for(lambda: alert_of(telegram, "5001-0001-1") is not None, 15)
    assert post(url, notification).json() == {"result": True}  # Ozon sending it again

    ozon.update_posting(CLIENT_ID, "5001-0001-1", shipment_date=now() + timedelta(minutes=30))
    post(url, push_message("TYPE_CUTOFF_DATE_CHANGED", posting_number="5001-0001-1",
                           new_cutoff_date=now() + timedelta(minutes=30),
                           seller_id=int(CLIENT_ID)))  # fmt: skip
    telegram.wait_for(lambda: any("Less than 1h" in t and "5001-0001-1" in t
                                  for t in telegram.texts(USER)), 15)  # fmt: skip
    post(url, push_message("TYPE_NEW_POSTING", posting_number="5001-0002-1",
                           seller_id=int(CLIENT_ID)))  # fmt: skip
    telegram.wait_for(lambda: alert_of(telegram, "5001-0002-1") is not None, 15)
    ozon.update_posting(CLIENT_ID, "5001-0002-1", status="delivering")
    post(url, push_message("TYPE_STATE_CHANGED", posting_number="5001-0002-1",
                           seller_id=int(CLIENT_ID)))  # fmt: skip
    telegram.wait_for(lambda: "Handed over" in (alert_of(telegram, "5001-0002-1") or {}).get(
        "text", ""), 15)  # fmt: skip
    post(url, push_message("TYPE_DELIVERY_DATE_CHANGED", posting_number="5001-0002-1",
                           seller_id=int(CLIENT_ID)))  # fmt: skip
    ozon.wait_for(lambda: gets_of(ozon, "5001-0002-1") >= 3, 15)  # read again, nothing to tell
    ozon.update_posting(CLIENT_ID, "5001-0001-1", status="cancelled")
    post(url, push_message("TYPE_POSTING_CANCELLED", posting_number="5001-0001-1",
                           seller_id=int(CLIENT_ID)))  # fmt: skip
    telegram.wait_for(lambda: any("Cancelled" in m["text"] and "5001-0001-1" in m["text"]
                                  for m in telegram.bot_messages(USER)), 15)  # fmt: skip
    # Acted on once each, by reading Ozon again; no scan ran meanwhile.
    assert gets_of(ozon, "5001-0001-1") == 3
    assert len(ozon.calls_to(LIST)) == scans
    assert process.query("SELECT COUNT(*) FROM push_inbox WHERE done_at IS NULL") == [(0,)]
    assert telegram.violations == [] and ozon.violations == []
    process.stop()


def test_what_ozon_did_not_send_is_refused_in_ozons_error_shape(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Shop")
    process, url = start(tmp_path, telegram, ozon)
    ping = push_message("TYPE_PING", time=now())
    cases = {
        "a wrong token": (post(url.rsplit("/", 1)[0] + "/not-a-token", ping), 404,
                          "ERROR_UNKNOWN"),
        "a foreign address": (post(url, ping, forwarded_for="8.8.8.8"), 403, "ERROR_UNKNOWN"),
        "another seller": (post(url, push_message("TYPE_NEW_POSTING", seller_id=999)), 403,
                           "ERROR_UNKNOWN"),
        "an oversized body": (post(url, None, raw=b'{"pad": "' + b"x" * 70_000 + b'"}'), 413,
                              "ERROR_UNKNOWN"),
        "broken JSON": (post(url, None, raw=b"{not json"), 400, "ERROR_PARAMETER_VALUE_MISSED"),
        "a missing field": (post(url, {"message_type": "TYPE_NEW_POSTING"}), 400,
                            "ERROR_PARAMETER_VALUE_MISSED"),
    }  # fmt: skip
    for name, (answer, status, code) in cases.items():
        assert answer.status_code == status, name
        assert set(answer.json()) == {"error"}, name
        assert answer.json()["error"]["code"] == code, name
        assert set(answer.json()["error"]) == {"code", "message", "details"}, name
    # Ozon's own addresses behind the local reverse proxy, and a type the bot does not act on.
    assert post(url, ping, forwarded_for="195.34.21.7").status_code == 200
    read = push_message("TYPE_MESSAGE_READ", seller_id=CLIENT_ID)
    assert post(url, read).json() == {"result": True}
    assert process.query("SELECT COUNT(*) FROM push_inbox") == [(0,)]
    assert url.rsplit("/", 1)[1] not in process.logs()  # the token is never logged
    # A new address: the old one is answered 404 from then on.
    stores = telegram.bot_messages(USER)[-1]
    button = next(b for row in stores["reply_markup"]["inline_keyboard"] for b in row
                  if "New push address" in b["text"])  # fmt: skip
    telegram.press(USER, stores["message_id"], button["callback_data"])
    telegram.wait_for(lambda: any("has a new push address" in t for t in telegram.texts(USER)))
    assert post(url, ping).status_code == 404
    process.stop()


def test_a_notification_answered_then_killed_is_acted_on_after_the_restart(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Shop")
    process, url = start(tmp_path, telegram, ozon)
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("5002-0001-1", now() + timedelta(hours=3))])
    ozon.latency = 5.0  # Ozon slow: the bot is killed before it read the posting
    answer = post(url, push_message("TYPE_NEW_POSTING", posting_number="5002-0001-1",
                                    seller_id=int(CLIENT_ID)))  # fmt: skip
    assert answer.status_code == 200
    process.kill()
    assert told(telegram, "5002-0001-1") == 0
    ozon.latency = 0.0
    # A healthy push makes the scan the safety net, every PUSH_POLL_INTERVAL_SECONDS: at 1 s,
    # the restarted bot scans at once, and sees the posting the notification told of.
    process.env["PUSH_POLL_INTERVAL_SECONDS"] = "1"
    process.start()
    telegram.wait_for(lambda: alert_of(telegram, "5002-0001-1") is not None, 30)
    ozon.wait_for(lambda: len(ozon.calls_to(LIST)) >= 2, 20)
    telegram.wait_for(lambda: process.query(
        "SELECT COUNT(*) FROM push_inbox WHERE done_at IS NULL") == [(0,)], 20)  # fmt: skip
    assert told(telegram, "5002-0001-1") == 1
    process.stop()


def test_a_buyers_answer_comes_by_push_once_and_a_closed_chat_is_let_go(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY, name="Shop")
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("5003-0001-1", now() + timedelta(hours=2))])
    process, url = start(tmp_path, telegram, ozon)
    telegram.wait_for(lambda: alert_of(telegram, "5003-0001-1") is not None, 20)
    tap(telegram, "5003-0001-1", "Message buyer", "what do you offer")
    tap(telegram, "5003-0001-1", "a new shipping date", "What caused the delay")
    tap(telegram, "5003-0001-1", "Out of stock", "Which new shipping date")
    preview = tap(telegram, "5003-0001-1", "", "will get, in Russian")
    telegram.press(USER, preview["message_id"], buttons(preview)["Send to the buyer"])
    tap_wait(telegram, "5003-0001-1", "Buyer messaged by")
    chat = StoreEndpoints.chat_id("5003-0001-1")

    def relayed(words: str) -> int:
        return sum(words in text for text in telegram.texts(USER))

    def new_message() -> dict:
        count = len(ozon.chat_messages(CLIENT_ID, "5003-0001-1"))
        return push_message("TYPE_NEW_MESSAGE", chat_id=chat, seller_id=CLIENT_ID,
                            message_id=str(count))  # fmt: skip

    ozon.buyer_writes(CLIENT_ID, "5003-0001-1", "Хорошо, подожду")
    post(url, new_message())
    telegram.wait_for(lambda: relayed("Хорошо, подожду") == 1, 15)
    scans, stocks = len(ozon.calls_to(LIST)), len(ozon.calls_to(STOCKS))
    # A stock change asks for a scan of the store that checks its stock again; its history
    # poll finds nothing new.
    post(url, push_message("TYPE_STOCKS_CHANGED", seller_id=int(CLIENT_ID)))
    ozon.wait_for(lambda: len(ozon.calls_to(LIST)) > scans, 15)
    ozon.wait_for(lambda: len(ozon.calls_to(STOCKS)) > stocks, 15)
    ozon.wait_for(lambda: len(ozon.calls_to("/v3/chat/history")) >= 2, 15)
    post(url, push_message("TYPE_CHAT_CLOSED", chat_id=chat, seller_id=CLIENT_ID))
    telegram.wait_for(lambda: process.query(
        "SELECT COUNT(*) FROM push_inbox WHERE done_at IS NULL") == [(0,)], 15)  # fmt: skip
    histories = len(ozon.calls_to("/v3/chat/history"))
    ozon.buyer_writes(CLIENT_ID, "5003-0001-1", "А где заказ?")
    post(url, new_message())  # a chat no longer followed: nothing read, nothing relayed
    telegram.wait_for(lambda: process.query(
        "SELECT COUNT(*) FROM push_inbox WHERE done_at IS NULL") == [(0,)], 15)  # fmt: skip
    assert len(ozon.calls_to("/v3/chat/history")) == histories
    assert relayed("Хорошо, подожду") == 1 and relayed("А где заказ?") == 0
    process.stop()

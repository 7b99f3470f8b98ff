"""End to end: the real `python -m bot` process against the fake Telegram and Seller APIs."""

from __future__ import annotations

import signal
import socket
from datetime import timedelta
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.chat import alerts, now, say, wait_scans
from tests.helpers.texts import in_language

pytestmark = pytest.mark.e2e


def connect(telegram: FakeTelegram) -> None:
    say(telegram, "/connect", "Step 1 of 2")
    say(telegram, CLIENT_ID, "Step 2 of 2")
    key_message = telegram.user_message(USER, API_KEY)
    telegram.wait_for(lambda: any("Connected <b>Romashka</b>" in t for t in telegram.texts(USER)))
    assert telegram.messages[USER][key_message]["deleted"]


def test_connect_then_exactly_the_expected_alerts_survive_restart(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.set_postings(
        CLIENT_ID,
        [
            FakeOzon.make_posting("1000-0001-1", now() + timedelta(hours=30)),
            FakeOzon.make_posting("1000-0002-1", now() + timedelta(hours=3)),
            FakeOzon.make_posting("1000-0003-1", now() + timedelta(minutes=50)),
            FakeOzon.make_posting("1000-0004-1", now() - timedelta(hours=2)),
        ],
    )
    menus = {
        call["params"]["scope"]["type"]: [c["command"] for c in call["params"]["commands"]]
        for call in telegram.calls_to("setMyCommands")
    }
    assert menus["all_private_chats"][:3] == ["connect", "stores", "status"]
    assert menus["all_group_chats"] == [
        "subscribe",
        "unsubscribe",
        "digest",
        "advice",
        "settings",
        "language",
        "help",
    ]
    connect(telegram)
    telegram.wait_for(lambda: len(alerts(telegram)) >= 3)
    wait_scans(ozon, telegram, 3)
    sent = alerts(telegram)
    assert len(sent) == 3, sent
    by_number = {
        n: t for t in sent for n in ("1000-0002-1", "1000-0003-1", "1000-0004-1") if n in t
    }
    assert "Less than 4h" in by_number["1000-0002-1"]
    assert "Less than 1h" in by_number["1000-0003-1"]
    assert "Overdue" in by_number["1000-0004-1"]
    assert not any("1000-0001-1" in t for t in sent)
    rows = telegram.bot_messages(USER)[-1]["reply_markup"]["inline_keyboard"]
    urls = [button["url"] for row in rows for button in row if "url" in button]
    assert urls[0].startswith("https://seller.ozon.ru/app/postings/fbs?postingDetails=")

    # A batch of more than five reaching one stage together arrives as one message.
    batch = [FakeOzon.make_posting(f"2000-{i:04d}-1", now() + timedelta(hours=2)) for i in range(7)]
    ozon.set_postings(CLIENT_ID, ozon.postings(CLIENT_ID) + batch)
    telegram.wait_for(lambda: any("7 postings due within 4h" in t for t in telegram.texts(USER)))
    wait_scans(ozon, telegram, 2)
    assert len(alerts(telegram)) == 4
    messages = len(telegram.bot_messages(USER))

    # A shipped posting's alert is edited in place, not announced again.
    ozon.update_posting(CLIENT_ID, "1000-0002-1", status="delivering")
    telegram.wait_for(
        lambda: any("Handed over" in t and "1000-0002-1" in t for t in telegram.texts(USER))
    )
    wait_scans(ozon, telegram, 2)
    assert len(telegram.bot_messages(USER)) == messages
    assert telegram.calls_to("editMessageText")

    # Restart: nothing is sent again.
    sends_before = len(telegram.calls_to("sendMessage"))
    assert bot.stop(signal.SIGTERM) == 0
    bot.start()
    wait_scans(ozon, telegram, 3)
    assert len(telegram.calls_to("sendMessage")) == sends_before


def test_invalid_key_is_refused_and_not_stored(bot: BotProcess, telegram: FakeTelegram) -> None:
    message = telegram.user_message(USER, f"/connect {CLIENT_ID} wrong-key-123")
    reply = ""
    telegram.wait_for(lambda: any("did not accept" in t for t in telegram.texts(USER)))
    reply = next(t for t in telegram.texts(USER) if "did not accept" in t)
    assert "Invalid Api-Key" in reply and "Nothing was saved" in reply
    assert telegram.messages[USER][message]["deleted"]
    assert bot.query("SELECT COUNT(*) FROM stores") == [(0,)]
    say(telegram, "/stores", "No stores yet")


def test_connect_in_a_group_points_to_private_chat(bot: BotProcess, telegram: FakeTelegram) -> None:
    group = -100500
    message = telegram.user_message(
        group, f"/connect {CLIENT_ID} {API_KEY}", user_id=USER, chat_type="group"
    )
    telegram.wait_for(lambda: any("private chat" in t for t in telegram.texts(group)))
    assert telegram.messages[group][message]["deleted"]
    assert bot.query("SELECT COUNT(*) FROM stores") == [(0,)]
    telegram.wait_for(lambda: any("revoke" in t for t in telegram.texts(USER)))
    warning = next(t for t in telegram.texts(USER) if "revoke" in t)
    assert "never use a key sent in a group" in warning


def test_a_key_pasted_in_a_group_is_deleted_revoked_and_never_used(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    group = -100501
    roles_calls = len(ozon.calls_to("/v1/roles"))
    # The user speaks Russian with the bot in private; the group, begun by another, English.
    say(telegram, "/start", in_language("ru", "start")[:30], language_code="ru")
    say(telegram, "/start", in_language("en", "group.start")[:20], chat=group, user_id=7003,
        chat_type="supergroup")  # fmt: skip
    pasted = telegram.user_message(
        group, f"here is our key: {API_KEY}", user_id=USER, chat_type="supergroup"
    )
    telegram.wait_for(lambda: any("so I deleted it" in t for t in telegram.texts(group)))
    assert telegram.messages[group][pasted]["deleted"]
    private = in_language("ru", "key_in_group.private")
    telegram.wait_for(lambda: any(private in t for t in telegram.texts(USER)))
    assert not any("revoke that key" in t for t in telegram.texts(group))  # told in private
    # The bot may not delete here, and the sender never opened a private chat with it.
    telegram.inject("deleteMessage", 400, "Bad Request: message can't be deleted")
    telegram.inject("sendMessage", 403, "Forbidden: bot can't initiate conversation", chat_id=7002)
    kept = telegram.user_message(group, API_KEY, user_id=7002, chat_type="supergroup")
    telegram.wait_for(lambda: any("delete it now" in t for t in telegram.texts(group)))
    assert not telegram.messages[group][kept]["deleted"]
    assert any("revoke that key" in t for t in telegram.texts(group))
    assert len(ozon.calls_to("/v1/roles")) == roles_calls  # the key went nowhere
    assert bot.query("SELECT COUNT(*) FROM stores") == [(0,)]


def test_stores_status_timezone_and_disconnect(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    deadline = now() + timedelta(hours=10)
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("3000-0001-1", deadline)])
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    say(telegram, "/timezone Mars/Olympus", "don't know the time zone")
    say(telegram, "/timezone Asia/Shanghai", "now shown in <b>Asia/Shanghai</b>")
    assert bot.query("SELECT user_id, name, value FROM setting_changes") == [
        (USER, "timezone", "Asia/Shanghai")
    ]  # recorded with who made it, like every setting
    wait_scans(ozon, telegram, 1)
    status = say(telegram, "/status", "1 posting to pack")
    assert "Romashka" in status and "3000-0001-1" in status and "CST" in status
    listing = say(telegram, "/stores", "Your stores")
    assert "watching" in listing
    message = telegram.bot_messages(USER)[-1]
    ask = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    telegram.press(USER, message["message_id"], ask)
    telegram.wait_for(lambda: "Disconnect <b>Romashka</b>?" in telegram.texts(USER)[-1])
    yes = telegram.bot_messages(USER)[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    telegram.press(USER, message["message_id"], yes)
    telegram.wait_for(lambda: "Disconnected" in telegram.texts(USER)[-1])
    assert bot.query("SELECT COUNT(*) FROM stores") == [(0,)]
    assert telegram.calls_to("answerCallbackQuery")


def test_sandbox_store_alerts_without_ozon(bot: BotProcess, telegram: FakeTelegram) -> None:
    say(telegram, "/connect demo", "sample store")
    telegram.wait_for(lambda: sum("Sample store" in t for t in telegram.texts(USER)) >= 4, 20)
    assert any("Overdue" in t and "Yoga mat" in t for t in telegram.texts(USER))
    assert bot.query("SELECT client_id FROM stores") == [("demo",)]


def test_key_missing_roles_is_saved_with_a_warning(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.add_store("777", "narrow-key", name="Lilia", roles=[{"name": "Products", "methods": []}])
    # A Russian-speaking user: Russian texts, and Moscow time by default.
    reply = say(telegram, "/connect 777 narrow-key", "Store 777", language_code="ru")
    assert in_language("ru", "connect.missing_roles") in reply
    assert "/v4/posting/fbs/unfulfilled/list" in reply and "Europe/Moscow" in reply
    # /v1/seller/info is out of reach too, so the store is named after its Client-Id.
    assert bot.query("SELECT name FROM stores") == [("Store 777",)]
    # The scan cannot read postings with this key: one notice, and the store waits for a fix.
    notice = in_language("ru", "store.key_invalid")
    telegram.wait_for(lambda: any(notice in t for t in telegram.texts(USER)))
    listing = say(telegram, "/stores", in_language("ru", "stores.header"))
    assert in_language("ru", "stores.state.key_refused") in listing

    # A key whose roles Ozon lists by prefix grants every method below them: no warning.
    prefixes = ["/v1", "/v2", "/v3/posting", "/v3/chat", "/v4/posting"]
    ozon.add_store("778", "wide-key", name="Kashka", roles=[{"name": "All", "methods": prefixes}])
    reply = say(telegram, "/connect 778 wide-key", "Kashka", language_code="ru")
    assert in_language("ru", "connect.missing_roles") not in reply
    assert in_language("ru", "connect.done")[:10] in reply


def test_a_pasted_key_never_stays_in_the_chat(bot: BotProcess, telegram: FakeTelegram) -> None:
    stray = telegram.user_message(USER, "a1b2c3d4-e5f6-7890-abcd-ef1234567890")
    telegram.wait_for(lambda: any("looks like an API key" in t for t in telegram.texts(USER)))
    assert telegram.messages[USER][stray]["deleted"]
    one_word = telegram.user_message(USER, "/connect a1b2c3d4-e5f6-7890-abcd-ef1234567890")
    telegram.wait_for(lambda: any("CLIENT_ID API_KEY" in t for t in telegram.texts(USER)))
    assert telegram.messages[USER][one_word]["deleted"]
    say(telegram, "hello", "/help lists what I can do")
    assert bot.query("SELECT COUNT(*) FROM stores") == [(0,)]


def test_start_and_help_explain_the_bot(bot: BotProcess, telegram: FakeTelegram) -> None:
    start = say(telegram, "/start", "/connect")
    assert len(start.split("\n\n")) == 2
    help_text = say(telegram, "/help", "Commands")
    for command in ("/connect", "/stores", "/status", "/timezone"):
        assert command in help_text


def test_rejected_bot_token_stops_with_one_line(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    process = BotProcess(tmp_path, telegram, ozon, BOT_TOKEN="999:WRONG").start()
    assert process.wait(timeout=60) == 2
    assert "Telegram rejected BOT_TOKEN" in process.logs()
    assert "Traceback" not in process.logs()


def test_unreachable_telegram_gets_one_line_then_the_bot_waits_for_it(
    tmp_path: Path, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    with socket.socket() as probe:  # a port nothing listens on, until the fake takes it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    late = FakeTelegram()
    url = f"http://127.0.0.1:{port}"
    process = BotProcess(tmp_path, telegram, ozon, TELEGRAM_API_URL=url).start()
    try:
        telegram.wait_for(lambda: f"Telegram at {url} does not answer" in process.logs(), 20)
        late.start(port)
        late.wait_for(lambda: late.calls_to("getUpdates"), timeout=20)
        assert process.running
    finally:
        process.kill()
        late.stop()
    logs = process.logs()
    assert logs.count("does not answer") == 1 and "answers again" in logs
    assert "Traceback" not in logs and late.token not in logs

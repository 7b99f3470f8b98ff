"""Hostile data against the real bot process: what users type, what buttons claim to carry, what
Ozon answers. Every input gets a clear answer from the message catalog, the fake Telegram sees
only valid HTML (the fixture checks its violations), the process stays up and the tables stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n.texts import texts_for
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.chat import now, say

EN = texts_for("en")

pytestmark = pytest.mark.e2e

GROUP = -1007001
ADMIN, MEMBER, OWNER = 7011, 7012, 7013
SQL = "'; DROP TABLE stores;--"
HTML = "<b>&amp;</script>"
SHOWN_HTML = "&lt;b&gt;&amp;amp;&lt;/script&gt;"  # HTML as the bot must send it: escaped
RTL, ZWJ = "\u202e", "\u200d"
LONG = 10_000
PER_USER = 8  # below the throttle's burst of 10, with room for a first message


def catalog(key: str) -> str:
    """The recognisable part of a catalog text: all of it up to its first value."""
    return EN.template(key).split("{")[0]


NOT_CHANGED = catalog("settings.invalid")  # "That setting was not changed: "
UNKNOWN_ZONE = catalog("timezone.unknown")  # "I don't know the time zone «"
SCREEN = catalog("settings.title")
INVALID_BUTTON = EN.template("answer.invalid")
NOT_LINKED = EN.template("group.not_allowed.link")


def tables(bot: BotProcess) -> list[str]:
    return [row[0] for row in bot.query("SELECT name FROM sqlite_master WHERE type = 'table'")]


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


def popup(telegram: FakeTelegram, chat: int, message_id: int, data: str, **kwargs: object) -> str:
    """Presses a button (a forged one too) and returns the text the bot answered the press with."""
    query = telegram.press(chat, message_id, data, force=True, **kwargs)  # type: ignore[arg-type]
    telegram.wait_for(lambda: query in telegram.callback_answers)
    return telegram.callback_answers[query].get("text", "")


def alert_of(telegram: FakeTelegram, number: str) -> dict | None:
    return next((m for m in telegram.bot_messages(USER) if f"<b>{number}</b>" in m["text"]), None)


def chunks(items: list, size: int = PER_USER) -> list[tuple[int, list]]:
    """Items shared out to fresh private users (7101, 7102, …), `size` each: a user may send
    ten commands or presses at once before the bot slows them down (bot/security/throttle.py)."""
    return [(7101 + n, items[i : i + size]) for n, i in enumerate(range(0, len(items), size))]


def still_healthy(bot: BotProcess, known_tables: list[str]) -> None:
    assert bot.running
    assert tables(bot) == known_tables
    assert bot.query("PRAGMA integrity_check") == [("ok",)]
    logs = bot.logs()
    assert "Traceback" not in logs, logs[logs.find("Traceback") - 1000 :][:5000]


def test_hostile_commands_in_private_get_clear_answers(
    bot: BotProcess, telegram: FakeTelegram
) -> None:
    say(telegram, "/start", "/connect")
    known = tables(bot)
    assert {"stores", "chats", "subscriptions"} <= set(known)
    # (what the user sends, the catalog text expected, a detail it must show)
    cases = [
        # /settings: no such setting, or a value it refuses, said in one short sentence
        ("/settings " + "x" * LONG, NOT_CHANGED, "there is no setting «xxxx"),
        (f"/settings {RTL}{ZWJ}", NOT_CHANGED, f"there is no setting «{RTL}{ZWJ}»"),
        (f"/settings {SQL}", NOT_CHANGED, "there is no setting «';»"),
        ("/settings quiet <script>alert(1)</script>", NOT_CHANGED, "quiet hours look like"),
        (f"/settings quiet 23:00-08:00{RTL}", NOT_CHANGED, "is not a time of day: use HH:MM"),
        ("/settings quiet " + "1" * LONG, NOT_CHANGED, "quiet hours look like"),
        ("/settings escalation " + "9" * LONG, NOT_CHANGED, "minutes from 1 to 1440"),
        ("/settings threshold " + "0" * 5000 + "7", NOT_CHANGED, "whole number from 2 to 50"),
        ("/settings repeat 1e3", NOT_CHANGED, "minutes from 5 to 1440"),
        ("/settings leads " + "1h," * 3000, NOT_CHANGED, "cannot be read: use durations"),
        ("/settings leads 24h,0h", NOT_CHANGED, "each above zero"),
        (f"/settings contacts {HTML}", NOT_CHANGED, "list Telegram usernames"),
        (f"/settings contacts @alice_1 {SQL}", NOT_CHANGED, "list Telegram usernames"),
        ("/settings permissions cancel <b>owner</b>", NOT_CHANGED, "use an action (cancel,"),
        ("/settings timezone Europe", NOT_CHANGED, "«Europe» is not a time zone"),
        (f"/settings timezone {HTML}", NOT_CHANGED, f"«{SHOWN_HTML}» is not a time zone"),
        ("/settings timezone " + "A" * LONG, NOT_CHANGED, "«" + "A" * 64 + "» is not"),
        # Valid after all: Arabic-Indic digits are digits
        ("/settings threshold ١٥", SCREEN, "more than <b>15</b> postings"),
        # /timezone echoes what it did not know, escaped and cut to 64 characters
        ("/timezone Europe", UNKNOWN_ZONE, "«Europe»"),
        (f"/timezone {HTML}", UNKNOWN_ZONE, f"«{SHOWN_HTML}»"),
        (f"/timezone {RTL}Europe/Moscow", UNKNOWN_ZONE, f"«{RTL}Europe/Moscow»"),
        (f"/timezone 👨{ZWJ}👩{ZWJ}👧 UTC", UNKNOWN_ZONE, f"«👨{ZWJ}👩{ZWJ}👧 UTC»"),
        ("/timezone " + "<" * LONG, UNKNOWN_ZONE, "«" + "&lt;" * 64 + "»"),
        ("/timezone ../../etc/passwd", UNKNOWN_ZONE, "«../../etc/passwd»"),
        # /history with junk arguments is the plain history
        (f"/history junk{SQL}", EN.template("history.none"), ""),
        ("/history csv<script>", EN.template("history.none"), ""),
        # /connect: malformed Client-Ids and keys never reach Ozon
        (
            f"/connect 1{SQL.replace(' ', '_')} abcdefgh-1234",
            EN.template("connect.bad_client_id"),
            "",
        ),
        ("/connect ١٢٣٤٥٦ abcdefgh-1234", EN.template("connect.bad_client_id"), ""),
        ("/connect ²³ abcdefgh-1234", EN.template("connect.bad_client_id"), ""),
        ("/connect " + "1" * LONG + " abcdefgh-1234", EN.template("connect.bad_client_id"), ""),
        (f"/connect {CLIENT_ID} ключ-от-магазина", EN.template("connect.bad_key"), ""),
        (f"/connect {SQL} x", EN.template("connect.usage"), ""),
        # ... and a well-formed but wrong key is Ozon's to refuse
        (f"/connect {CLIENT_ID} {SQL.replace(' ', '_')}", catalog("connect.invalid_key"), ""),
        (f"/connect {CLIENT_ID} {HTML}", catalog("connect.invalid_key"), "Invalid Api-Key"),
        # Plain text
        ("x" * LONG, EN.template("key_like_text"), ""),
        ("слово " * (LONG // 6), EN.template("unknown_text"), ""),
        (RTL * LONG, EN.template("unknown_text"), ""),
        (HTML, EN.template("unknown_text"), ""),
        ("\x00", EN.template("unknown_text"), ""),
        (SQL, EN.template("unknown_text"), ""),
    ]
    for user, share in chunks(cases):
        for text, expected, detail in share:
            reply = say(telegram, text, expected, chat=user)
            assert detail in reply, (text[:40], reply[:400])
            assert len(reply) <= 4096 and "<script>" not in reply and "<b>&amp;" not in reply
            if "threshold ١٥" in text:
                assert bot.query("SELECT group_threshold FROM chats WHERE id = ?", (user,)) == [
                    (15,)
                ]

    # The wizard takes the same care.
    say(telegram, "/connect", EN.template("connect.ask_client_id"))
    say(telegram, "١٢٣", EN.template("connect.bad_client_id"))
    pasted = telegram.user_message(USER, "1" * 25)  # no Client-Id is that long: maybe a key
    telegram.wait_for(lambda: telegram.messages[USER][pasted]["deleted"])
    say(telegram, CLIENT_ID, catalog("connect.ask_api_key"))
    say(telegram, "<b>ключ</b>", EN.template("connect.bad_key"))
    say(telegram, "/cancel", EN.template("nothing_to_cancel"))

    assert bot.query("SELECT COUNT(*) FROM stores") == [(0,)]
    assert bot.query("SELECT DISTINCT timezone FROM chats") == [("UTC",)]
    still_healthy(bot, known)


def test_settings_buttons_work_forged_presses_are_refused_and_groups_hold(
    bot: BotProcess, telegram: FakeTelegram
) -> None:
    known = tables(bot)
    # Each real button saves its setting (a private chat has no stores' button rules to show).
    say(telegram, "/settings", SCREEN, chat=USER)
    screen = telegram.bot_messages(USER)[-1]
    offered = list(buttons(screen).items())
    assert len(offered) == 5
    for label, data in offered:
        saved = popup(telegram, USER, screen["message_id"], data)
        assert saved == EN.template("settings.saved"), label
    telegram.wait_for(lambda: "⏰ 2d, 1d, 4h, 1h" in buttons(telegram.bot_messages(USER)[-1]))
    columns = "lead_times, quiet_hours, group_threshold, escalation_delay, repeat_interval"
    saved = bot.query(f"SELECT {columns} FROM chats WHERE id = ?", (USER,))
    assert saved == [("172800,86400,14400,3600", "22:00-08:00", 10, 30 * 60, 120 * 60)]

    forged = [
        ("set:escalation:" + "9" * 48, "use a whole number of minutes from 1 to 1440"),
        ("set:threshold:" + "٩" * 20, "use a whole number from 2 to 50"),  # 54 bytes
        ("set:timezone:Europe", "«Europe» is not a time zone"),
        ("set:quiet:<b>&amp;</b>", "quiet hours look like 23:00-08:00"),
        ("set:leads:0h", "each above zero"),
        (f"set:{RTL}:{SQL}", f"there is no setting «{RTL}»"),
        ("set:permissions:cancel nobody", "use an action"),
        ("store:ask:" + "9" * 40, INVALID_BUTTON),  # beyond SQLite's integers
        ("store:yes:-1", INVALID_BUTTON),
        ("store:zap:1", INVALID_BUTTON),
        ("grp:link:1:0", NOT_LINKED),
        (f"grp:unlink:{'9' * 40}:0", INVALID_BUTTON),
        ("al:junk:cancel", INVALID_BUTTON),
        (f"ac:{SQL}", INVALID_BUTTON),
        ("ac:x:y:z:w:v", INVALID_BUTTON),
        (f"{RTL}{HTML}", INVALID_BUTTON),
        ("store:yes:99999", ""),  # not the user's store: the screen says it is gone instead
    ]
    for user, share in chunks(forged, PER_USER - 1):
        say(telegram, "/settings", SCREEN, chat=user)
        screen = telegram.bot_messages(user)[-1]
        for data, expected in share:
            assert len(data.encode()) <= 64  # what Telegram can carry at all
            text = popup(telegram, user, screen["message_id"], data)
            assert expected in text and len(text) <= 200, (data, text)
            assert expected or text == ""
        # Nothing a forged press carried was stored.
        assert bot.query(f"SELECT timezone, {columns} FROM chats WHERE id = ?", (user,)) == [
            ("UTC", None, None, None, None, None)
        ]
    telegram.wait_for(lambda: EN.template("stores.gone") in telegram.texts(user))
    hostile_commands_in_a_group(bot, telegram)
    still_healthy(bot, known)


def hostile_commands_in_a_group(bot: BotProcess, telegram: FakeTelegram) -> None:
    """Run by the test above: one bot start less."""

    def in_group(user: int, text: str, expect: str) -> str:
        before = len(telegram.texts(GROUP))
        telegram.user_message(GROUP, text, user_id=user, chat_type="supergroup", username="bob")
        telegram.wait_for(lambda: any(expect in t for t in telegram.texts(GROUP)[before:]))
        return next(t for t in telegram.texts(GROUP)[before:] if expect in t)

    telegram.chat_members[(GROUP, ADMIN)] = "administrator"
    in_group(MEMBER, f"/subscribe {SQL} {HTML}", catalog("group.not_allowed.link"))
    in_group(MEMBER, "/unsubscribe " + "x" * LONG, catalog("group.nothing_linked"))
    in_group(MEMBER, "/settings quiet <script>", EN.template("settings.not_allowed.group_admin"))
    assert NOT_CHANGED + "there is no setting «xx" in in_group(
        ADMIN, "/settings " + "x" * LONG, NOT_CHANGED
    )
    assert f"«{SHOWN_HTML}» is not a time zone" in in_group(
        ADMIN, f"/settings timezone {HTML}", NOT_CHANGED
    )
    assert "from 1 to 1440" in in_group(ADMIN, "/settings escalation 99999999999", NOT_CHANGED)
    assert "usernames" in in_group(ADMIN, f"/settings contacts @alice_1 {HTML}", NOT_CHANGED)
    in_group(ADMIN, "/settings contacts @alice_1 @bob_22, @alice_1", "<b>@alice_1 @bob_22</b>")
    in_group(MEMBER, f"/connect {SQL} x", catalog("connect.private_only"))

    # The owner, an admin of the group, links a store whatever junk follows /subscribe; forged
    # links are refused.
    telegram.chat_members[(GROUP, OWNER)] = "administrator"
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected <b>Romashka</b>", chat=OWNER)
    in_group(OWNER, f"/subscribe {SQL}{RTL}", catalog("group.pick_link"))
    picker = telegram.bot_messages(GROUP)[-1]
    [data] = buttons(picker).values()
    store_id = data.split(":")[2]
    for junk in (
        f"grp:link:{'9' * 30}:0",
        f"grp:link:{store_id}:{'9' * 30}",  # the user's own store, to a topic beyond SQLite
        f"grp:link:{store_id}:{RTL}",
        f"grp:link:{store_id}:-5",
    ):
        where = {"user_id": OWNER, "chat_type": "supergroup"}
        assert popup(telegram, GROUP, picker["message_id"], junk, **where) == INVALID_BUTTON
    assert bot.query("SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (GROUP,)) == [(0,)]
    telegram.press(GROUP, picker["message_id"], data, user_id=OWNER, chat_type="supergroup")
    telegram.wait_for(lambda: any("Linked <b>Romashka</b>" in t for t in telegram.texts(GROUP)))
    assert bot.query("SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (GROUP,)) == [(1,)]
    assert bot.query("SELECT escalation_contacts FROM chats WHERE id = ?", (GROUP,)) == [
        ("@alice_1 @bob_22",)
    ]


def test_hostile_seller_api_data_never_stops_the_alerts(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    """A store named in HTML, a tariff in an odd shape, Go's zero time, the year 9999 and
    1E+999999 roubles: each posting still gets its alert, shown as plain text."""
    ozon.add_store("515151", "hostile-key-5f0c1d9a", name=f"{HTML} {RTL}{SQL}")
    deadline = now() + timedelta(hours=2)
    good = FakeOzon.make_posting("6100-0001-1", deadline)
    tariff = FakeOzon.make_posting("6100-0002-1", deadline, tariffication={"current": "junk"})
    times = FakeOzon.make_posting("6100-0003-1", deadline) | {
        "in_process_at": "0001-01-01T00:00:00Z",
        "shipment_date_without_delay": "9999-12-31T23:59:59Z",  # not shown in Moscow time
    }
    price = {"amount": "1E+999999", "currency": "RUB"}
    rich = FakeOzon.make_posting(
        "6100-0004-1",
        deadline,
        products=[{"sku": 1, "offer_id": HTML, "name": f"<i>Mat</i> & {SQL}", "quantity": 1,
                   "price": price}],
    )  # fmt: skip
    ozon.set_postings("515151", [good, tariff, times, rich])
    say(telegram, "/timezone Europe/Moscow", catalog("timezone.set") + "Europe/Moscow")
    known = tables(bot)
    shown_name = f"<b>{SHOWN_HTML} {RTL}{SQL}</b>"  # escaped; quotes need no escaping in HTML
    say(telegram, "/connect 515151 hostile-key-5f0c1d9a", f"Connected {shown_name}")
    numbers = ("6100-0001-1", "6100-0002-1", "6100-0003-1", "6100-0004-1")
    telegram.wait_for(lambda: all(alert_of(telegram, n) for n in numbers), 20)
    assert f"&lt;i&gt;Mat&lt;/i&gt; &amp; {SQL}" in alert_of(telegram, "6100-0004-1")["text"]
    assert catalog("alert.late_after") not in alert_of(telegram, "6100-0003-1")["text"]
    assert shown_name in say(telegram, "/stores", EN.template("stores.header"))

    # Cancelling the posting with the absurd price: the confirmation names no price at all.
    alert = alert_of(telegram, "6100-0004-1")
    assert alert is not None
    telegram.press(USER, alert["message_id"], buttons(alert)["❌ Cancel order"])
    telegram.wait_for(lambda: "Pick the reason" in alert_of(telegram, "6100-0004-1")["text"])
    alert = alert_of(telegram, "6100-0004-1")
    ran_out = next(data for label, data in buttons(alert).items() if "ran out" in label)
    telegram.press(USER, alert["message_id"], ran_out)
    telegram.wait_for(lambda: "It cannot be undone" in alert_of(telegram, "6100-0004-1")["text"])
    confirm = alert_of(telegram, "6100-0004-1")["text"]
    assert "at stake" not in confirm and len(confirm) < 4096
    still_healthy(bot, known)

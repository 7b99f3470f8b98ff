"""Security on the running bot: the sample store and store ownership give no say over another
seller's alerts or a group's settings; asking for a scan scans one store; the CSV export is
inert in a spreadsheet; an action a crash left with Ozon is settled at the next start."""

from __future__ import annotations

import csv
import io
import signal
from datetime import timedelta
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import CANCEL, alert_of, buttons, group_alert, tap
from tests.helpers.chat import now, say, scans

pytestmark = pytest.mark.e2e

GROUP = -1001777
SELLER_ADMIN, INTRUDER, MEMBER = USER, 7201, 7202


@pytest.fixture
def bot_env() -> dict[str, str]:
    """Scans only when asked: each test counts the scans its steps cause. Taps come faster
    than a person's, past the per-user throttle."""
    return {"CHECK_INTERVAL_SECONDS": "600", "THROTTLE_BURST": "1000"}


def in_group(telegram: FakeTelegram, user: int, text: str, expect: str) -> str:
    before = len(telegram.texts(GROUP))
    telegram.user_message(GROUP, text, user_id=user, chat_type="supergroup",
                          username=f"user{user}")  # fmt: skip
    telegram.wait_for(lambda: any(expect in t for t in telegram.texts(GROUP)[before:]))
    return next(t for t in telegram.texts(GROUP)[before:] if expect in t)


def press(telegram: FakeTelegram, user: int, message_id: int, data: str) -> str:
    query = telegram.press(GROUP, message_id, data, user_id=user, chat_type="supergroup",
                           force=True)  # fmt: skip
    telegram.wait_for(lambda: query in telegram.callback_answers)
    return telegram.callback_answers[query].get("text") or ""


def promote(telegram: FakeTelegram, user: int, status: str) -> None:
    telegram.member_update(GROUP, user, status)
    update = telegram.last_update_id
    telegram.wait_for(lambda: update in telegram.delivered_at)


def link(telegram: FakeTelegram, user: int, store_name: str) -> None:
    in_group(telegram, user, "/subscribe", "send their alerts here")
    picker = telegram.bot_messages(GROUP)[-1]
    data = next(d for text, d in buttons(picker).items() if store_name in text)
    assert press(telegram, user, picker["message_id"], data) == ""
    telegram.wait_for(lambda: any(f"Linked <b>{store_name}" in t for t in telegram.texts(GROUP)))


def test_the_sample_store_and_plain_ownership_give_no_say_over_others(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    telegram.chat_members[(GROUP, SELLER_ADMIN)] = "administrator"
    telegram.chat_members[(GROUP, MEMBER)] = "member"
    ozon.set_postings(CLIENT_ID, [
        FakeOzon.make_posting("6600-0001-1", now() + timedelta(hours=3),
                              available_actions=("cancel",)),
    ])  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    link(telegram, SELLER_ADMIN, "Romashka")
    telegram.wait_for(lambda: group_alert(telegram, "6600-0001-1", GROUP) is not None, 20)
    alert = group_alert(telegram, "6600-0001-1", GROUP)
    assert alert is not None
    cancel = buttons(alert)["❌ Cancel order"]

    # A plain member of the group connects the sample store: it links nowhere they do not
    # administer, and makes them owner of nothing here.
    telegram.chat_members[(GROUP, INTRUDER)] = "member"
    say(telegram, "/connect demo", "sample store", chat=INTRUDER)
    demo_id = bot.query("SELECT id FROM stores WHERE owner_user_id = ?", (INTRUDER,))[0][0]
    in_group(telegram, INTRUDER, "/subscribe", "must be an admin of this group")
    forged = press(telegram, INTRUDER, alert["message_id"], f"grp:link:{demo_id}:0")
    assert forged.startswith("Only a group admin who owns the store")
    assert bot.query("SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (GROUP,)) == [(1,)]
    assert in_group(telegram, INTRUDER, "/settings permissions cancel member", "Only ").startswith(
        "Only a store's owner"
    )
    in_group(telegram, INTRUDER, "/settings quiet 00:00-23:59", "Only this chat's admins")
    assert press(telegram, INTRUDER, alert["message_id"], cancel).startswith("Only admins")

    # Made an admin (Telegram says so at once), the intruder may link the sample store, and
    # its rules are the sample store's alone: the seller's cancel stays with admins.
    promote(telegram, INTRUDER, "administrator")
    link(telegram, INTRUDER, "Sample store")
    changed = in_group(telegram, INTRUDER, "/settings permissions cancel member", "Settings")
    assert "Settings of this chat" in changed
    rules = dict(bot.query("SELECT store_id, permissions FROM subscriptions WHERE chat_id = ?",
                           (GROUP,)))  # fmt: skip
    assert rules[demo_id] == '{"cancel": "member"}'
    assert [r for s, r in rules.items() if s != demo_id] == [None]
    assert press(telegram, MEMBER, alert["message_id"], cancel).startswith("Only admins")
    # The seller's own rule, set on their store's screen, stays theirs.
    store_id = next(s for s in rules if s != demo_id)
    in_group(telegram, SELLER_ADMIN, "/settings", "Settings of this chat")
    screen = [m for m in telegram.bot_messages(GROUP) if "Settings of this chat" in m["text"]][-1]
    assert press(telegram, INTRUDER, screen["message_id"], f"rules:{store_id}:cancel:member") == (
        "Only a store's owner can change who may press its buttons here, and only for their own"
        " store."
    )
    saved = press(telegram, SELLER_ADMIN, screen["message_id"], f"rules:{store_id}:cancel:owner")
    assert saved == "Saved."
    assert press(telegram, INTRUDER, alert["message_id"], cancel) == (
        "Only the store's owner can cancel orders here."
    )
    # Demoted, the intruder loses the group's settings at once, not minutes later.
    promote(telegram, INTRUDER, "member")
    in_group(telegram, INTRUDER, "/settings quiet 00:00-23:59", "Only this chat's admins")
    assert bot.query("SELECT quiet_hours FROM chats WHERE id = ?", (GROUP,)) == [(None,)]
    assert ozon.calls_to(CANCEL) == []


def test_connect_demo_and_subscribe_scan_only_the_new_store(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    ozon.set_postings(CLIENT_ID, [])
    mark = scans(ozon)  # the fake Ozon serves the whole module: counted from here
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: scans(ozon) == mark + 1)
    telegram.chat_members[(GROUP, INTRUDER)] = "administrator"
    for _ in range(5):
        say(telegram, "/connect demo", "sample store", chat=INTRUDER)
    link(telegram, INTRUDER, "Sample store")
    # The sample store's own scans bring its alerts to the group...
    telegram.wait_for(lambda: any("10000003-0001-1" in t for t in telegram.texts(GROUP)), 20)
    # ...and the seller's store was not scanned again for any of it.
    assert scans(ozon) == mark + 1


def test_history_csv_is_inert_in_a_spreadsheet(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    formulas = ('=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1)", "\t=4", "\r=5")
    ozon.set_postings(CLIENT_ID, [
        FakeOzon.make_posting("6700-0001-1", now() + timedelta(hours=3)),
    ])  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: alert_of(telegram, "6700-0001-1") is not None, 20)
    for formula in formulas:  # Ozon's answer lands in the log as it came
        tap(telegram, "6700-0001-1", "Cancel", "Pick the reason")
        confirm = tap(telegram, "6700-0001-1", "ran out", "error index")
        ozon.inject(CANCEL, 400, {"code": 3, "message": formula})
        telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, cancel it"])
        telegram.wait_for(lambda f=formula: f.strip() in alert_of(telegram, "6700-0001-1")["text"])
    telegram.user_message(USER, "/history csv")
    telegram.wait_for(lambda: telegram.calls_to("sendDocument"))
    sent = [m for m in telegram.bot_messages(USER) if m.get("document")][-1]
    rows = list(csv.reader(io.StringIO(sent["document"]["content"].decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert {f for f in formulas if f"'{f}" in cells} == set(formulas)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_an_action_a_crash_left_with_ozon_is_settled_at_start(
    tmp_path: Path, bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    numbers = ("6800-0001-1", "6800-0002-1")
    ozon.set_postings(CLIENT_ID, [
        FakeOzon.make_posting(number, now() + timedelta(hours=3)) for number in numbers
    ])  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    telegram.wait_for(lambda: all(alert_of(telegram, n) for n in numbers), 20)
    # Two cancels reach Ozon, which is slow to answer; the bot dies before either answer.
    for number in numbers:
        tap(telegram, number, "Cancel", "Pick the reason")
        confirm = tap(telegram, number, "ran out", "error index")
        ozon.inject(CANCEL, 200, {"result": True}, delay=5)
        telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, cancel it"])
        telegram.wait_for(
            lambda n=number: bot.query(
                "SELECT state FROM actions WHERE posting_number = ? AND kind = 'cancel'"
                " AND state = 'requested'", (n,)
            )
        )  # fmt: skip
    bot.stop(signal.SIGKILL)
    # Ozon did cancel the first; the second never happened.
    ozon.update_posting(CLIENT_ID, numbers[0], status="cancelled")
    bot.start()
    telegram.wait_for(lambda: any("Ozon confirms it was done" in t for t in telegram.texts(USER)))
    telegram.wait_for(lambda: any("Ozon shows it was not done" in t for t in telegram.texts(USER)))
    states = dict(bot.query("SELECT posting_number, state FROM actions WHERE kind = 'cancel'"))
    assert states == {numbers[0]: "done", numbers[1]: "failed"}
    # The second posting's buttons work again: a new cancel goes to Ozon.
    telegram.wait_for(lambda: "Cancel order" in " ".join(buttons(alert_of(telegram, numbers[1]))))
    tap(telegram, numbers[1], "Cancel", "Pick the reason")
    confirm = tap(telegram, numbers[1], "ran out", "error index")
    calls = len(ozon.calls_to(CANCEL))
    telegram.press(USER, confirm["message_id"], buttons(confirm)["Yes, cancel it"])
    telegram.wait_for(lambda: len(ozon.calls_to(CANCEL)) > calls)

"""Team group chats, end to end: linking, who may act, claim and snooze, topics, migration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import buttons, group_alert
from tests.helpers.chat import now, say

pytestmark = pytest.mark.e2e

GROUP = -1001234
ADMIN, MEMBER = 7003, 7002


def in_group(telegram: FakeTelegram, user: int, text: str, **kwargs: object) -> None:
    telegram.user_message(GROUP, text, user_id=user, chat_type="supergroup", **kwargs)


def link_group(telegram: FakeTelegram, thread: int | None = None) -> None:
    """The store's owner, an admin of the group, links the store to it."""
    telegram.chat_members[(GROUP, USER)] = "administrator"
    before = len(telegram.texts(GROUP))
    in_group(telegram, USER, "/subscribe", username="alice", message_thread_id=thread)
    telegram.wait_for(
        lambda: any("send their alerts here" in t for t in telegram.texts(GROUP)[before:])
    )
    picker = telegram.bot_messages(GROUP)[-1]
    telegram.press(GROUP, picker["message_id"], next(iter(buttons(picker).values())),
                   user_id=USER, chat_type="supergroup")  # fmt: skip
    telegram.wait_for(lambda: any("Linked <b>Romashka</b>" in t for t in telegram.texts(GROUP)))


def test_a_group_gets_alerts_and_roles_decide_who_acts(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    for user, name in ((MEMBER, "bob"), (ADMIN, "carol")):
        in_group(telegram, user, "hi", username=name, first_name=name.title())
    telegram.chat_members[(GROUP, ADMIN)] = "administrator"
    in_group(telegram, MEMBER, "/subscribe", username="bob")
    telegram.wait_for(lambda: any("must be an admin of this group" in t
                                  for t in telegram.texts(GROUP)))  # fmt: skip
    in_group(telegram, ADMIN, "/subscribe", username="carol")
    telegram.wait_for(lambda: any("no stores to link" in t for t in telegram.texts(GROUP)))

    ozon.set_postings(CLIENT_ID, [
        FakeOzon.make_posting("5100-0001-1", now() + timedelta(minutes=40)),
        FakeOzon.make_posting("5100-0002-1", now() + timedelta(hours=3)),
    ])  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    link_group(telegram)
    telegram.wait_for(lambda: group_alert(telegram, "5100-0002-1", GROUP) is not None, 20)
    alert = group_alert(telegram, "5100-0001-1", GROUP)
    assert alert is not None
    offered = buttons(alert)
    assert {"🙋 I'll handle it", "💤 30 min", "💤 2 h", "❌ Cancel order"} <= set(offered)

    # A member may not cancel; an admin may.
    telegram.press(GROUP, alert["message_id"], offered["❌ Cancel order"], user_id=MEMBER,
                   chat_type="supergroup")  # fmt: skip
    telegram.wait_for(lambda: "Only admins can cancel orders here." in
                      [a.get("text") for a in telegram.callback_answers.values()])  # fmt: skip
    telegram.press(GROUP, alert["message_id"], offered["❌ Cancel order"], user_id=ADMIN,
                   chat_type="supergroup")  # fmt: skip
    telegram.wait_for(
        lambda: "Pick the reason" in group_alert(telegram, "5100-0001-1", GROUP)["text"]
    )
    assert len(telegram.calls_to("getChatMember")) >= 1
    other = next(d for text, d in buttons(group_alert(telegram, "5100-0001-1", GROUP)).items()
                 if text.startswith("Other"))  # fmt: skip
    telegram.press(GROUP, alert["message_id"], other, user_id=ADMIN, chat_type="supergroup")
    telegram.wait_for(lambda: "type it as a reply" in telegram.texts(GROUP)[-1])
    assert 'href="tg://user?id=7003">@carol</a>' in telegram.texts(GROUP)[-1]
    assert telegram.bot_messages(GROUP)[-1]["reply_markup"]["force_reply"] is True
    in_group(telegram, ADMIN, "Warehouse flooded")
    telegram.wait_for(
        lambda: "Warehouse flooded" in group_alert(telegram, "5100-0001-1", GROUP)["text"]
    )
    back = buttons(group_alert(telegram, "5100-0001-1", GROUP))["« Back"]
    telegram.press(GROUP, alert["message_id"], back, user_id=ADMIN, chat_type="supergroup")
    telegram.wait_for(
        lambda: "🙋 I'll handle it" in buttons(group_alert(telegram, "5100-0001-1", GROUP))
    )

    # Any member may claim, and a snooze stops at the deadline.
    telegram.press(GROUP, alert["message_id"], offered["🙋 I'll handle it"], user_id=MEMBER,
                   chat_type="supergroup")  # fmt: skip
    telegram.wait_for(
        lambda: "Handled by @bob" in group_alert(telegram, "5100-0001-1", GROUP)["text"]
    )
    claimed = buttons(group_alert(telegram, "5100-0001-1", GROUP))
    assert "↩️ Release" in claimed
    telegram.press(GROUP, alert["message_id"], claimed["💤 2 h"], user_id=MEMBER,
                   chat_type="supergroup")  # fmt: skip
    telegram.wait_for(
        lambda: "Snoozed until" in group_alert(telegram, "5100-0001-1", GROUP)["text"]
    )
    text = group_alert(telegram, "5100-0001-1", GROUP)["text"]
    deadline_line = next(line for line in text.split("\n") if line.startswith("Ship by"))
    snooze_line = next(line for line in text.split("\n") if "Snoozed until" in line)
    assert snooze_line.split("until ")[1].split(" by")[0] in deadline_line  # capped at the deadline
    calls = len(telegram.calls_to("getChatMember"))
    telegram.press(GROUP, alert["message_id"], claimed["↩️ Release"], user_id=MEMBER,
                   chat_type="supergroup")  # fmt: skip
    telegram.wait_for(
        lambda: "Handled by" not in group_alert(telegram, "5100-0001-1", GROUP)["text"]
    )
    assert len(telegram.calls_to("getChatMember")) == calls  # the member's role was cached

    in_group(telegram, USER, "/unsubscribe", username="alice")
    telegram.wait_for(lambda: "stop sending alerts" in telegram.texts(GROUP)[-1])
    picker = telegram.bot_messages(GROUP)[-1]
    data = next(iter(buttons(picker).values()))
    telegram.press(GROUP, picker["message_id"], data, user_id=MEMBER, chat_type="supergroup")
    telegram.wait_for(lambda: any("Only the store's owner or an admin" in (a.get("text") or "")
                                  for a in telegram.callback_answers.values()))  # fmt: skip
    telegram.press(GROUP, picker["message_id"], data, user_id=USER, chat_type="supergroup")
    telegram.wait_for(lambda: "no longer sends alerts here" in telegram.texts(GROUP)[-1])
    assert bot.query("SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (GROUP,)) == [(0,)]


def test_a_forum_topic_and_a_migrated_group_keep_their_alerts(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    link_group(telegram, thread=77)
    new_id = -1009999
    telegram.inject("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                    migrate_to_chat_id=new_id, chat_id=GROUP)  # fmt: skip
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("5200-0001-1", now() + timedelta(hours=3))])
    telegram.wait_for(lambda: group_alert(telegram, "5200-0001-1", new_id) is not None, 20)
    sent = [
        c for c in telegram.calls_to("sendMessage")
        if "5200-0001-1" in c["params"]["text"] and int(c["params"]["chat_id"]) < 0
    ]  # fmt: skip
    assert len(sent) == 2  # refused for the old id, then sent to the supergroup
    assert all(c["params"].get("message_thread_id") == 77 for c in sent)
    assert bot.query("SELECT chat_id, thread_id FROM subscriptions WHERE chat_id < 0") == [
        (new_id, 77)
    ]


def test_group_settings_by_admins_validated_and_recorded(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    for user, name in ((MEMBER, "bob"), (ADMIN, "carol")):
        in_group(telegram, user, "hi", username=name)
    telegram.chat_members[(GROUP, ADMIN)] = "administrator"
    ozon.set_postings(CLIENT_ID, [FakeOzon.make_posting("5300-0001-1", now() + timedelta(hours=2))])
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    link_group(telegram)
    telegram.wait_for(lambda: group_alert(telegram, "5300-0001-1", GROUP) is not None, 20)

    in_group(telegram, ADMIN, "/settings")
    telegram.wait_for(lambda: "Settings of this chat" in telegram.texts(GROUP)[-1])
    screen = telegram.bot_messages(GROUP)[-1]
    quiet = next(d for text, d in buttons(screen).items() if text.startswith("🌙"))
    telegram.press(GROUP, screen["message_id"], quiet, user_id=MEMBER, chat_type="supergroup")
    telegram.wait_for(lambda: any("Only this chat's admins" in (a.get("text") or "")
                                  for a in telegram.callback_answers.values()))  # fmt: skip
    telegram.press(GROUP, screen["message_id"], quiet, user_id=ADMIN, chat_type="supergroup")
    telegram.wait_for(lambda: "Quiet hours: <b>22:00-08:00</b>" in
                      telegram.messages[GROUP][screen["message_id"]]["text"])  # fmt: skip

    in_group(telegram, ADMIN, "/settings quiet 25:00-08:00")
    telegram.wait_for(lambda: "«25:00» is not a time of day" in telegram.texts(GROUP)[-1])
    in_group(telegram, ADMIN, "/settings permissions cancel member")  # the owner's to decide
    telegram.wait_for(lambda: "Only a store's owner can change" in telegram.texts(GROUP)[-1])
    in_group(telegram, USER, "/settings permissions cancel owner", username="alice")
    telegram.wait_for(lambda: "Settings of this chat" in telegram.texts(GROUP)[-1])
    alert = group_alert(telegram, "5300-0001-1", GROUP)
    telegram.press(GROUP, alert["message_id"], buttons(alert)["❌ Cancel order"], user_id=ADMIN,
                   chat_type="supergroup")  # fmt: skip
    telegram.wait_for(lambda: any(a.get("text") == "Only the store's owner can cancel orders here."
                                  for a in telegram.callback_answers.values()))  # fmt: skip
    changes = bot.query("SELECT user_name, name, value FROM setting_changes ORDER BY id")
    store_id = bot.query("SELECT id FROM stores")[0][0]
    assert changes == [
        ("@carol", "quiet", "22:00-08:00"),
        ("@alice", "permissions", f'{store_id}:{{"cancel": "owner"}}'),
    ]

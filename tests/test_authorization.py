"""The authorisation matrix, cell by cell: the README's table, bot/core/permissions.py, and what the
running bot lets an owner, a group admin, a group member and a stranger do."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.permissions import MATRIX, allowed
from fakes.ozon import FakeOzon
from fakes.process import API_KEY, CLIENT_ID, USER, BotProcess
from fakes.telegram import FakeTelegram
from tests.helpers.alerts import buttons, group_alert
from tests.helpers.chat import now, say

ROLES = ("owner_admin", "owner", "admin", "member", "stranger")
GROUP = -1001888
# The store's owner is one person, an admin of the group or a plain member of it by turns.
USERS = {"owner_admin": USER, "owner": USER, "admin": 7102, "member": 7103, "stranger": 7104}
STATUS = {"owner_admin": "administrator", "owner": "member", "admin": "administrator",
          "member": "member", "stranger": "left"}  # fmt: skip
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def bot_env() -> dict[str, str]:
    """These tests tap faster than a person, and write to one group more than 20 times a
    minute: the per-user throttle would answer instead, and the group limit make them wait."""
    return {"THROTTLE_BURST": "1000", "TELEGRAM_GROUP_RATE": "600"}


def readme_matrix() -> dict[str, dict[str, bool]]:
    section = README.read_text().split("### Who may do what", 1)[1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        match = re.match(r"\| `([\w.]+)` \|[^|]*\|(.*)\|\s*$", line)
        if match:
            marks = [cell.strip() for cell in match.group(2).split("|")]
            cells = zip(ROLES, marks, strict=True)
            table[match.group(1)] = {role: mark == "✓" for role, mark in cells}
    return table


@pytest.mark.unit
def test_the_readme_table_is_the_matrix() -> None:
    table = readme_matrix()
    assert set(table) == set(MATRIX)
    for operation, cells in table.items():
        for role, expected in cells.items():
            assert allowed(role, operation) is expected, (operation, role)


@pytest.mark.unit
def test_a_chat_may_move_buttons_but_never_to_strangers() -> None:
    assert allowed("member", "cancel", {"cancel": "member"})
    assert not allowed("admin", "cancel", {"cancel": "owner"})
    assert not allowed("stranger", "claim", {"claim": "stranger"})
    assert not allowed("member", "settings.quiet", {"settings.quiet": "member"})  # not movable
    assert not allowed("owner", "no-such-operation")


@pytest.mark.unit
def test_owning_a_store_gives_a_say_over_that_store_only() -> None:
    # A plain member who owns some linked store: its buttons' rules, never the chat's settings.
    assert allowed("owner", "settings.permissions")
    assert not allowed("owner", "settings.quiet")
    assert not allowed("owner", "settings.leads")
    # Linking needs both: the store's owner, who administers the group.
    assert not allowed("owner", "link") and not allowed("admin", "link")
    assert allowed("owner_admin", "link")


class Cells:
    """What the running bot did for each (operation, role)."""

    def __init__(self, telegram: FakeTelegram):
        self.telegram = telegram
        self.seen: dict[tuple[str, str], bool] = {}

    def become(self, role: str) -> None:
        """The owner is promoted or demoted in the group as Telegram tells a bot: a chat_member
        update, which the bot's role cache follows at once."""
        if self.telegram.chat_members.get((GROUP, USERS[role])) != STATUS[role]:
            self.telegram.member_update(GROUP, USERS[role], STATUS[role])
            update = self.telegram.last_update_id
            self.telegram.wait_for(lambda: update in self.telegram.delivered_at)

    def press(self, role: str, chat: int, message_id: int, data: str) -> str:
        self.become(role)
        chat_type = "supergroup" if chat < 0 else "private"
        query = self.telegram.press(chat, message_id, data, user_id=USERS[role],
                                    chat_type=chat_type, force=True)  # fmt: skip
        self.telegram.wait_for(lambda: query in self.telegram.callback_answers)
        return self.telegram.callback_answers[query].get("text") or ""

    def say(self, role: str, chat: int, text: str, done: Callable[[str], bool]) -> str:
        self.become(role)
        before = len(self.telegram.texts(chat))
        self.telegram.user_message(chat, text, user_id=USERS[role],
                                   chat_type="supergroup" if chat < 0 else "private",
                                   username=f"{role}_user")  # fmt: skip
        self.telegram.wait_for(lambda: any(done(t) for t in self.telegram.texts(chat)[before:]))
        return next(t for t in self.telegram.texts(chat)[before:] if done(t))


@pytest.mark.e2e
def test_every_cell_on_the_running_bot(
    bot: BotProcess, telegram: FakeTelegram, ozon: FakeOzon
) -> None:
    cells = Cells(telegram)
    for role, status in STATUS.items():
        if USERS[role] != USER:
            telegram.chat_members[(GROUP, USERS[role])] = status
    numbers = [f"6100-000{i}-1" for i in range(1, 7)]
    ozon.set_postings(CLIENT_ID, [
        FakeOzon.make_posting(number, now() + timedelta(hours=3),
                              available_actions=("cancel", "can_create_chat", "set_cutoff"))
        for number in numbers
    ])  # fmt: skip
    say(telegram, f"/connect {CLIENT_ID} {API_KEY}", "Connected")
    store_id = bot.query("SELECT id FROM stores")[0][0]
    cells.say("owner_admin", GROUP, "/subscribe", lambda t: "send their alerts here" in t)
    picker = telegram.bot_messages(GROUP)[-1]
    assert cells.press("owner_admin", GROUP, picker["message_id"], f"grp:link:{store_id}:0") == ""
    # Six postings at one stage: one grouped alert, with ⚙️ to open each posting's own.
    telegram.wait_for(lambda: any("6100-0006-1" in t for t in telegram.texts(GROUP)), 20)
    grouped = next(m for m in telegram.bot_messages(GROUP) if "6100-0006-1" in m["text"])
    opens = [data for text, data in buttons(grouped).items() if text.startswith("⚙️")]

    def refused(answer: str) -> bool:
        assert answer != "This button is no longer valid.", answer  # the press must reach the check
        return answer.startswith("Only ")

    # ⚙️ open: each role opens another posting (an opened one cannot be opened twice).
    for role, data in zip(reversed(ROLES), opens, strict=False):
        cells.seen[("open", role)] = not refused(cells.press(role, GROUP, grouped["message_id"],
                                                             data))  # fmt: skip
    telegram.wait_for(lambda: group_alert(telegram, "6100-0003-1", GROUP) is not None)
    own = group_alert(telegram, "6100-0003-1", GROUP)
    assert own is not None
    token = next(iter(buttons(own).values())).split(":")[1]
    for operation, verb in (
        ("message", "buyer"),
        ("support", "ask"),
        ("claim", "claim"),
        ("snooze", "snooze:30"),
        ("cancel", "cancel"),
        ("extend", "extend"),
    ):
        for role in ROLES:
            answer = cells.press(role, GROUP, own["message_id"], f"al:{token}:{verb}")
            cells.seen[(operation, role)] = not refused(answer)
            cells.press("owner_admin", GROUP, own["message_id"], f"al:{token}:back")

    # Settings, each typed by each role (values that leave the chat as it was).
    values = {"timezone": "UTC", "language": "en", "leads": "24h,4h,1h", "quiet": "off",
              "threshold": "5", "escalation": "15", "contacts": "@nobody_here", "repeat": "60",
              "digest": "09:00", "permissions": "snooze member"}  # fmt: skip
    for name, value in values.items():
        for role in ROLES:
            text = cells.say(
                role,
                GROUP,
                f"/settings {name} {value}",
                lambda t: "Settings of this chat" in t or t.startswith("Only "),
            )
            cells.seen[(f"settings.{name}", role)] = not text.startswith("Only ")
    for role in ROLES:
        text = cells.say(role, GROUP, "/digest", lambda t: "📋" in t or t.startswith("Only "))
        cells.seen[("digest", role)] = not text.startswith("Only ")
    for role in ROLES:
        text = cells.say(role, GROUP, "/advice", lambda t: "🧭" in t or t.startswith("Only "))
        cells.seen[("advice", role)] = not text.startswith("Only ")
    for role in ROLES:
        text = cells.say(
            role,
            GROUP,
            "/settings",
            lambda t: "Settings of this chat" in t or t.startswith("Only "),
        )
        cells.seen[("settings.view", role)] = not text.startswith("Only ")

    # Store operations: only the owner sees or touches the store, from any private chat.
    for role in ROLES:
        chat = USERS[role]
        status = cells.say(role, chat, "/status", lambda t: "Romashka" in t or "No stores" in t)
        cells.seen[("status", role)] = "Romashka" in status
        history = cells.say(role, chat, "/history", lambda t: "Romashka" in t or "No actions" in t)
        cells.seen[("history", role)] = "Romashka" in history
        menu = cells.say(role, chat, "/stores", lambda t: True)
        asked = cells.press(role, chat, telegram.bot_messages(chat)[-1]["message_id"],
                            f"store:ask:{store_id}")  # fmt: skip
        assert asked == "" and menu
        screen = telegram.bot_messages(chat)[-1]["text"]
        cells.seen[("disconnect", role)] = "Disconnect" in screen and "Romashka" in screen
        if USERS[role] != USER:  # a forged confirmation changes nothing either
            cells.press(role, chat, telegram.bot_messages(chat)[-1]["message_id"],
                        f"store:yes:{store_id}")  # fmt: skip
            assert bot.query("SELECT COUNT(*) FROM stores") == [(1,)]
    key_before = bot.query("SELECT api_key_encrypted FROM stores")
    for role in ROLES:  # /connect: private only; in the group nobody replaces the key
        text = cells.say(role, GROUP, f"/connect {CLIENT_ID} not-the-key-{role}",
                         lambda t: "private chat" in t)  # fmt: skip
        assert "private chat" in text
    assert bot.query("SELECT api_key_encrypted FROM stores") == key_before
    for role in ROLES:
        if USERS[role] == USER:
            connected = cells.say(role, USER, f"/connect {CLIENT_ID} {API_KEY}",
                                  lambda t: "Connected" in t)  # fmt: skip
            cells.seen[("connect", role)] = "Romashka" in connected
        else:  # their own /connect makes their own store, never touches the owner's
            cells.say(role, USERS[role], f"/connect {CLIENT_ID} wrong-key-of-{role}",
                      lambda t: "Ozon" in t and "key" in t)  # fmt: skip
            owners = {row[0] for row in bot.query("SELECT owner_user_id FROM stores")}
            cells.seen[("connect", role)] = owners != {USER}
    # Link and unlink by every role, the owner who administers the group last (so the group
    # stays linked until then: a group admin may unlink any store from it).
    for operation in ("unlink", "link"):
        for role in reversed(ROLES):
            answer = cells.press(role, GROUP, picker["message_id"],
                                 f"grp:{operation}:{store_id}:0")  # fmt: skip
            cells.seen[(operation, role)] = answer == ""

    expected = {(op, role): allowed(role, op) for op in MATRIX for role in ROLES}
    wrong = {cell: seen for cell, seen in cells.seen.items() if seen != expected[cell]}
    assert set(cells.seen) == set(expected)
    assert wrong == {}

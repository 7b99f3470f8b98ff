"""Escalation and repeated overdue lists, on an injected clock: no test waits real minutes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fakes.ozon import FakeOzon
from tests.helpers.scan import API_KEY, CHAT, CLIENT_ID, Harness, posting

pytestmark = pytest.mark.service

GROUP = -5002


@pytest.fixture
def team(ozon: FakeOzon, tmp_path: Path) -> Harness:
    ozon.add_store(CLIENT_ID, API_KEY)
    return Harness(ozon, tmp_path / "bot.sqlite3", chats=(CHAT, GROUP))


def in_chat(items: list, chat: int) -> list[str]:
    return [item.text for item in items if item.chat_id == chat and item.action == "send"]


def test_an_unclaimed_last_stage_alert_escalates_once(team: Harness) -> None:
    team.postings(posting("21-1-1", team.at(0.8)), posting("22-1-1", team.at(0.8)))
    first = team.scan()
    assert len(in_chat(first, GROUP)) == 2
    team.sql("UPDATE chats SET escalation_contacts = '@boss @packer' WHERE id = ?", (GROUP,))
    team.sql("UPDATE chats SET timezone = 'Asia/Shanghai' WHERE id = ?", (CHAT,))  # the owner's
    team.sql(
        "INSERT INTO posting_claims (chat_id, store_id, posting_number, claimed_by, claimed_name,"
        " updated_at) VALUES (?, 1, '22-1-1', 7, '@packer', '2026-01-01')",
        (GROUP,),
    )
    team.now += timedelta(minutes=10)
    assert team.scan() == []  # within the escalation delay
    team.now += timedelta(minutes=5)
    items = team.scan()
    group, owner = in_chat(items, GROUP), in_chat(items, CHAT)
    assert len(group) == 1 and "Nobody has taken these" in group[0]
    assert "@boss @packer" in group[0] and "21-1-1" in group[0]
    assert "22-1-1" not in group[0]  # claimed: nobody needs nudging
    assert len(owner) == 1 and "21-1-1" in owner[0]
    assert "MSK" in group[0] and "CST" in owner[0] and "MSK" not in owner[0]  # each its own zone
    assert team.scan() == []  # once


def test_overdue_postings_are_listed_again_every_interval(team: Harness) -> None:
    team.postings(posting("23-1-1", team.at(-0.5)), posting("24-1-1", team.at(-0.2)))
    team.scan()
    team.sql("UPDATE chats SET escalation_delay = 86400")  # this test is about repeats
    team.now += timedelta(minutes=30)
    assert team.scan() == []
    team.now += timedelta(minutes=30)
    items = team.scan()
    lists = in_chat(items, CHAT)
    assert len(lists) == 1 and "Still overdue" in lists[0] and "(2)" in lists[0]
    team.now += timedelta(minutes=59)
    again = team.scan()
    assert [item.action for item in again if item.chat_id == CHAT] == ["send", "edit"]
    assert "updated below" in next(i.text for i in again if i.action == "edit")
    # A snooze quiets the repeat for that posting only.
    team.sql(
        "INSERT INTO posting_claims (chat_id, store_id, posting_number, snoozed_until,"
        " snoozed_name, updated_at) VALUES (?, 1, '23-1-1', '2999-01-01T00:00:00.000000Z',"
        " '@a', '2026-01-01')",
        (CHAT,),
    )
    team.now += timedelta(minutes=61)
    third = in_chat(team.scan(), CHAT)
    assert len(third) == 1 and "(1)" in third[0] and "23-1-1" not in third[0]


def quiet(team: Harness, hours: str) -> None:
    team.sql("UPDATE chats SET quiet_hours = ? WHERE id = ?", (hours, CHAT))


def test_quiet_hours_hold_routine_alerts_and_pass_urgent_ones_silently(team: Harness) -> None:
    moscow = team.now.astimezone(ZoneInfo("Europe/Moscow"))
    start, end = moscow - timedelta(hours=1), moscow + timedelta(hours=1)
    team.postings(posting("25-1-1", team.at(3)), posting("26-1-1", team.at(0.5)))
    team.scan(deliver=False)  # sets the chats up; nothing delivered
    team.sql("DELETE FROM outbox")
    team.sql("DELETE FROM alerts")
    quiet(team, f"{start:%H:%M}-{end:%H:%M}")
    items = [i for i in team.scan() if i.chat_id == CHAT]
    assert len(items) == 1 and "26-1-1" in items[0].text and items[0].silent  # urgent, silent
    assert team.scan() == []  # still quiet: the 4 h warning waits
    team.now += timedelta(hours=1)  # quiet hours are over
    after = [i for i in team.scan() if i.chat_id == CHAT and "25-1-1" in i.text]
    assert len(after) == 1 and "Less than 4h" in after[0].text and not after[0].silent


def test_a_deadline_inside_quiet_hours_is_announced_before_they_begin(team: Harness) -> None:
    moscow = team.now.astimezone(ZoneInfo("Europe/Moscow"))
    start, end = moscow + timedelta(minutes=30), moscow + timedelta(hours=9)
    quiet_setup = posting("27-1-1", team.at(6))  # due inside quiet hours; now at its 1d stage
    team.postings(quiet_setup)
    team.scan(deliver=False)
    team.sql("DELETE FROM outbox")
    team.sql("DELETE FROM alerts")
    quiet(team, f"{start:%H:%M}-{end:%H:%M}")
    items = [i for i in team.scan() if i.chat_id == CHAT]
    # Its 4 h warning would come at night: it comes now instead.
    assert len(items) == 1 and "Less than 4h" in items[0].text


def test_a_posting_given_more_time_is_not_escalated(team: Harness) -> None:
    team.postings(posting("28-1-1", team.at(-0.5)))
    team.scan()
    team.ozon.update_posting(CLIENT_ID, "28-1-1", shipment_date=team.at(72))  # extended
    team.now += timedelta(minutes=16)
    items = team.scan()
    assert not [i for i in items if "Nobody has taken" in i.text]

"""Escalation and repeated overdue lists, on an injected clock: no test waits real minutes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.fakes.ozon import FakeOzon
from tests.test_scanner import API_KEY, CHAT, CLIENT_ID, Harness, posting

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

"""Every query a scan runs uses an index: the scanner runs a busy scenario with SQLite's trace on,
and each statement it ran is explained (EXPLAIN QUERY PLAN) against the same database."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from fakes.ozon import FakeOzon
from storage import Database
from storage import chats as chats_db
from storage import presses as presses_db
from tests.helpers.plans import full_scans
from tests.helpers.scan import API_KEY, CLIENT_ID, Harness, posting

pytestmark = [pytest.mark.service, pytest.mark.sqlite_only]

PLANNED = re.compile(r"^\s*(SELECT|UPDATE|DELETE|INSERT|WITH)\b", re.IGNORECASE)


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    statements: list[str] = []
    original = Database.open.__func__  # type: ignore[attr-defined]

    async def open_traced(cls: type[Database], path: Path, read_only: bool = False) -> Database:
        db = await original(cls, path, read_only=read_only)
        await db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(Database, "open", classmethod(open_traced))
    return statements


def test_every_scan_time_query_uses_an_index(
    ozon: FakeOzon, tmp_path: Path, traced: list[str]
) -> None:
    ozon.add_store(CLIENT_ID, API_KEY)
    team = Harness(ozon, tmp_path / "bot.sqlite3", chats=(5001, -5002))
    numbers = [f"81-{i}-1" for i in range(8)]
    team.postings(*(posting(n, team.at(0.5 + i)) for i, n in enumerate(numbers)))
    team.scan()  # first alerts, grouped
    ozon.update_posting(CLIENT_ID, numbers[0], status="delivering")
    ozon.update_posting(CLIENT_ID, numbers[1], shipment_date=team.at(30))
    team.now += timedelta(hours=2)
    team.scan()  # hand-over, moved deadline, overdue, escalation
    team.now += timedelta(hours=1, minutes=30)
    team.scan()  # repeats
    assert traced, "the trace saw no statements"

    offenders: dict[str, list[str]] = {}
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        for statement in set(traced):
            if PLANNED.match(statement) and "sqlite_master" not in statement:
                scans = full_scans(connection, statement)
                if scans:
                    offenders[statement[:160]] = scans
    assert offenders == {}


def test_checking_a_press_uses_indexes(tmp_path: Path, traced: list[str]) -> None:
    """A press is checked before it is answered, on a database with every alert ever sent, by
    lookups (Database.lookup), which run on the event loop's thread: each must be a search."""

    async def press_queries() -> None:
        db = await Database.open(tmp_path / "bot.sqlite3")
        try:
            assert await chats_db.chat_settings(db, 5001) is None
            assert await presses_db.pressed_alert(db, "token") is None
            assert await presses_db.pressed_action(db, "token") is None
        finally:
            await db.close()

    asyncio.run(press_queries())
    statements = [s for s in traced if PLANNED.match(s)]
    assert len(statements) == 3
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        assert {s[:60]: full_scans(connection, s) for s in statements} == {
            s[:60]: [] for s in statements
        }

"""storage/db.py: reads outside a transaction see committed rows only and never wait for a
transaction in progress; inside a transaction they see its own rows. Lookups are such reads,
answered without leaving the event loop's thread."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from storage import Database
from tests.helpers.engine import open_db

pytestmark = pytest.mark.service

COUNT = "SELECT COUNT(*) FROM schema_version"


async def fetched(db: Database, sql: str) -> Any:
    return await db.fetch_value(sql)


async def looked_up(db: Database, sql: str) -> Any:
    return (await db.lookup(sql))[0][0]


@pytest.mark.parametrize("read", [fetched, looked_up])
def test_reads_see_committed_rows_only_and_do_not_wait(
    tmp_path: Path, read: Callable[[Database, str], Awaitable[Any]]
) -> None:
    async def run() -> list[object]:
        db = await open_db(tmp_path / "bot.sqlite3")
        count = COUNT
        before = await read(db, count)
        written, release = asyncio.Event(), asyncio.Event()
        seen: list[object] = []

        async def writer() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO schema_version (version) VALUES (999)")
                seen.append(("inside", await read(db, count) - before))
                written.set()
                await release.wait()

        async def reader() -> None:
            await written.wait()
            # Answered while the transaction is still open: no wait, and not its row.
            seen.append(("outside, open", await asyncio.wait_for(read(db, count), 1) - before))
            release.set()

        await asyncio.gather(writer(), reader())
        seen.append(("outside, committed", await read(db, count) - before))
        await db.close()
        return seen

    assert asyncio.run(run()) == [("inside", 1), ("outside, open", 0), ("outside, committed", 1)]


@pytest.mark.sqlite_only
def test_a_lookup_answers_without_leaving_the_thread(tmp_path: Path) -> None:
    async def run() -> tuple[bool, list[str]]:
        db = await Database.open(tmp_path / "bot.sqlite3")
        expected = await fetched(db, COUNT)
        others: list[str] = []
        asyncio.get_running_loop().call_soon(others.append, "ran")  # would, at any trip away
        count = await looked_up(db, COUNT)
        seen = list(others)
        await db.close()
        return count == expected > 0, seen

    assert asyncio.run(run()) == (True, [])


class Busy:
    """A connection that finds the database locked, as SQLite answers when another process
    holds it exclusively (which WAL mode allows only with no other connection open)."""

    def execute(self, sql: str, params: tuple[Any, ...]) -> None:
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = sqlite3.SQLITE_BUSY
        raise error

    def close(self) -> None:
        pass


@pytest.mark.sqlite_only
def test_a_lookup_sqlite_cannot_answer_at_once_goes_to_the_reader(tmp_path: Path) -> None:
    async def run() -> bool:
        db = await Database.open(tmp_path / "bot.sqlite3")
        expected = await fetched(db, COUNT)
        db._inline = Busy()  # type: ignore[assignment]
        count = await looked_up(db, COUNT)
        await db.close()
        return count == expected > 0

    assert asyncio.run(run())


@pytest.mark.sqlite_only
def test_a_lookup_that_fails_otherwise_raises(tmp_path: Path) -> None:
    async def run() -> None:
        db = await Database.open(tmp_path / "bot.sqlite3")
        try:
            await db.lookup("SELECT id FROM nowhere")
        finally:
            await db.close()

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        asyncio.run(run())

"""storage/db.py: reads outside a transaction see committed rows only and never wait for a
transaction in progress; inside a transaction they see its own rows."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage import Database


def test_reads_see_committed_rows_only_and_do_not_wait(tmp_path: Path) -> None:
    async def run() -> list[object]:
        db = await Database.open(tmp_path / "bot.sqlite3")
        count = "SELECT COUNT(*) FROM schema_version"
        before = await db.fetch_value(count)
        written, release = asyncio.Event(), asyncio.Event()
        seen: list[object] = []

        async def writer() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO schema_version (version) VALUES (999)")
                seen.append(("inside", await db.fetch_value(count) - before))
                written.set()
                await release.wait()

        async def reader() -> None:
            await written.wait()
            # Answered while the transaction is still open: no wait, and not its row.
            seen.append(
                ("outside, open", await asyncio.wait_for(db.fetch_value(count), 1) - before)
            )
            release.set()

        await asyncio.gather(writer(), reader())
        seen.append(("outside, committed", await db.fetch_value(count) - before))
        await db.close()
        return seen

    assert asyncio.run(run()) == [("inside", 1), ("outside, open", 0), ("outside, committed", 1)]

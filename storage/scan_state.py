"""What a store's scans leave for the next one, whichever replica makes it: the pages of its
last complete scan and when its periodic checks last ran."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, stored_time


@dataclass(frozen=True, slots=True)
class StoredPage:
    asked_with: str  # the cursor the page was asked with ("" for the first)
    digest: bytes
    next_cursor: str
    has_next: bool
    watched: str  # JSON, written and read by bot/watch/page_cache.py
    marked_at: datetime


async def pages_of(db: Database, store_id: int) -> list[StoredPage]:
    rows = await db.fetch_all(
        "SELECT asked_with, digest, next_cursor, has_next, watched, marked_at"
        " FROM store_pages WHERE store_id = ?",
        (store_id,),
    )
    return [
        StoredPage(row["asked_with"], bytes(row["digest"]), row["next_cursor"],
                   bool(row["has_next"]), row["watched"], stored_time(row["marked_at"]))
        for row in rows
    ]  # fmt: skip


async def forget_pages(db: Database, store_id: int) -> None:
    async with db.transaction():
        await db.execute("DELETE FROM store_pages WHERE store_id = ?", (store_id,))


async def replace_pages(db: Database, store_id: int, pages: Sequence[StoredPage]) -> None:
    async with db.transaction():
        await db.execute("DELETE FROM store_pages WHERE store_id = ?", (store_id,))
        await db.execute_many(
            "INSERT INTO store_pages (store_id, asked_with, digest, next_cursor, has_next,"
            " watched, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (store_id, page.asked_with, page.digest, page.next_cursor, int(page.has_next),
                 page.watched, db_time(page.marked_at))
                for page in pages
            ],
        )  # fmt: skip


async def checked_at(db: Database, store_id: int, kind: str) -> datetime | None:
    value = await db.fetch_value(
        "SELECT checked_at FROM store_checks WHERE store_id = ? AND kind = ?", (store_id, kind)
    )
    return stored_time(value) if value is not None else None


async def mark_checked(db: Database, store_id: int, kind: str, now: datetime) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO store_checks (store_id, kind, checked_at) VALUES (?, ?, ?)"
            " ON CONFLICT (store_id, kind) DO UPDATE SET checked_at = excluded.checked_at",
            (store_id, kind, db_time(now)),
        )


async def forget_check(db: Database, store_id: int, kind: str) -> None:
    async with db.transaction():
        await db.execute(
            "DELETE FROM store_checks WHERE store_id = ? AND kind = ?", (store_id, kind)
        )

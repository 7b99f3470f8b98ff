"""What the daily digest reads: the chats that want one, their postings due soon, and what became
of postings recently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Row, db_time, from_row, parse_db_time, stored_time


@dataclass(frozen=True)
class DigestChat:
    chat_id: int
    thread_id: int | None
    timezone: str
    language: str | None
    digest_time: str | None  # 'HH:MM', None: the default, 'off': never
    sent_on: str | None  # the chat's local date of the last digest


@dataclass(frozen=True)
class PostingRow:
    store_id: int
    store: str
    posting_number: str
    shipment_date: datetime
    outcome: str | None
    outcome_at: datetime | None
    data: str


async def digest_chats(db: Database) -> list[DigestChat]:
    """Chats that receive a store's alerts and have not turned the digest off."""
    rows = await db.fetch_all(
        "SELECT c.id AS chat_id, MIN(s.thread_id) AS thread_id, c.timezone, c.language,"
        " c.digest_time, c.digest_sent_on AS sent_on"
        " FROM chats c JOIN subscriptions s ON s.chat_id = c.id AND s.state = 'active'"
        " WHERE COALESCE(c.digest_time, '') <> 'off'"
        " GROUP BY c.id, c.timezone, c.language, c.digest_time, c.digest_sent_on ORDER BY c.id"
    )
    return [from_row(DigestChat, row) for row in rows]


async def digest_chat(db: Database, chat_id: int) -> DigestChat | None:
    row = await db.fetch_one(
        "SELECT c.id AS chat_id, NULL AS thread_id, c.timezone, c.language, c.digest_time,"
        " c.digest_sent_on AS sent_on"
        " FROM chats c WHERE c.id = ?",
        (chat_id,),
    )
    return from_row(DigestChat, row) if row else None


_POSTING = (
    "SELECT p.store_id, st.name AS store, p.posting_number, p.shipment_date, p.outcome,"
    " p.outcome_at,"
    " p.data FROM postings p JOIN stores st ON st.id = p.store_id"
    " JOIN subscriptions s ON s.store_id = p.store_id AND s.chat_id = ?"
)


def _row(row: Row) -> PostingRow:
    return from_row(
        PostingRow, row, convert={"shipment_date": stored_time, "outcome_at": parse_db_time}
    )


async def watched_before(db: Database, chat_id: int, before: datetime) -> list[PostingRow]:
    """Pending postings of the chat's stores due before `before` (overdue ones included)."""
    rows = await db.fetch_all(
        f"{_POSTING} WHERE p.outcome IS NULL AND p.shipment_date < ? ORDER BY p.shipment_date",
        (chat_id, db_time(before)),
    )
    return [_row(row) for row in rows]


async def settled_between(
    db: Database, chat_id: int, start: datetime, end: datetime
) -> list[PostingRow]:
    """Postings of the chat's stores whose outcome the bot learnt in [start, end)."""
    rows = await db.fetch_all(
        f"{_POSTING} WHERE p.outcome_at >= ? AND p.outcome_at < ? ORDER BY p.outcome_at",
        (chat_id, db_time(start), db_time(end)),
    )
    return [_row(row) for row in rows]


async def mark_digest_sent(db: Database, chat_id: int, local_date: str) -> None:
    async with db.transaction():
        await db.execute("UPDATE chats SET digest_sent_on = ? WHERE id = ?", (local_date, chat_id))

"""Escalation and repeats: which alerts nobody reacted to, and the overdue summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, from_row, stored_time

# A posting is unattended while it is watched, nobody claimed or snoozed it (in any chat of
# its store: a team's claim in its group counts in the owner's private chat too), and nothing
# was done about it through the bot that Ozon has yet to reflect.
_UNATTENDED = (
    "p.outcome IS NULL AND NOT EXISTS (SELECT 1 FROM posting_claims c"
    " WHERE c.store_id = p.store_id AND c.posting_number = p.posting_number"
    " AND (c.claimed_by IS NOT NULL OR c.snoozed_until > ?))"
    " AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.store_id = p.store_id"
    " AND a.posting_number = p.posting_number AND a.state = 'done'"
    " AND a.kind IN ('cancel', 'extend', 'timeslot', 'message'))"
)


DEADLINE = {"shipment_date": stored_time}


@dataclass(frozen=True)
class Unattended:
    posting_number: str
    shipment_date: datetime
    message_id: int  # the alert that announced it in the chat


async def unattended_alerts(
    db: Database,
    *,
    chat_id: int,
    store_id: int,
    least_stage: int,
    announced_before: datetime,
    now: datetime,
) -> list[Unattended]:
    """Postings announced at `least_stage` or later (overdue is 0) before the given time that
    nobody claimed or snoozed, not yet escalated for their current deadline."""
    rows = await db.fetch_all(
        "SELECT p.posting_number, p.shipment_date, MIN(m.id) AS message_id FROM messages m"
        " JOIN message_postings mp ON mp.message_id = m.id"
        " JOIN postings p ON p.store_id = mp.store_id AND p.posting_number = mp.posting_number"
        " WHERE m.chat_id = ? AND m.store_id = ? AND m.stage <= ? AND m.created_at <= ?"
        " AND mp.shipment_date = p.shipment_date"
        f" AND {_UNATTENDED} AND NOT EXISTS (SELECT 1 FROM escalations e"
        " WHERE e.chat_id = m.chat_id AND e.store_id = p.store_id"
        " AND e.posting_number = p.posting_number AND e.shipment_date = p.shipment_date)"
        " GROUP BY p.posting_number, p.shipment_date ORDER BY p.shipment_date",
        (chat_id, store_id, least_stage, db_time(announced_before), db_time(now)),
    )
    return [from_row(Unattended, row, convert=DEADLINE) for row in rows]


async def record_escalations(
    db: Database, chat_id: int, store_id: int, postings: Sequence[Unattended], now: datetime
) -> None:
    async with db.transaction():
        await db.execute_many(
            "INSERT INTO escalations (chat_id, store_id, posting_number, shipment_date,"
            " escalated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                (chat_id, store_id, p.posting_number, db_time(p.shipment_date), db_time(now))
                for p in postings
            ),
        )


async def unattended_overdue(
    db: Database, chat_id: int, store_id: int, now: datetime
) -> list[tuple[str, datetime]]:
    """Overdue postings announced in the chat that nobody there claimed or snoozed."""
    rows = await db.fetch_all(
        "SELECT p.posting_number, p.shipment_date FROM postings p"
        " WHERE p.store_id = ? AND p.shipment_date <= ?"
        f" AND {_UNATTENDED} AND EXISTS (SELECT 1 FROM message_postings mp"
        " JOIN messages m ON m.id = mp.message_id WHERE m.chat_id = ?"
        " AND mp.store_id = p.store_id AND mp.posting_number = p.posting_number)"
        " ORDER BY p.shipment_date",
        (store_id, db_time(now), db_time(now), chat_id),
    )
    return [(row["posting_number"], stored_time(row["shipment_date"])) for row in rows]


@dataclass(frozen=True)
class Summary:
    message_id: int | None
    sent_at: datetime


async def summary_of(db: Database, chat_id: int, store_id: int) -> Summary | None:
    row = await db.fetch_one(
        "SELECT message_id, sent_at FROM overdue_summaries WHERE chat_id = ? AND store_id = ?",
        (chat_id, store_id),
    )
    return from_row(Summary, row, convert={"sent_at": stored_time}) if row else None


async def set_summary(
    db: Database, chat_id: int, store_id: int, message_id: int | None, now: datetime
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO overdue_summaries (chat_id, store_id, message_id, sent_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, store_id) DO UPDATE SET"
            " message_id = excluded.message_id, sent_at = excluded.sent_at",
            (chat_id, store_id, message_id, db_time(now)),
        )


async def clear_summary(db: Database, chat_id: int, store_id: int) -> None:
    async with db.transaction():
        await db.execute(
            "DELETE FROM overdue_summaries WHERE chat_id = ? AND store_id = ?", (chat_id, store_id)
        )


async def retire_message(db: Database, message_id: int) -> None:
    """A superseded summary no longer lists postings, so later edits leave it alone."""
    async with db.transaction():
        await db.execute("DELETE FROM message_postings WHERE message_id = ?", (message_id,))

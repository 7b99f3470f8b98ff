"""Alert messages and the record of which (chat, posting, deadline, stage) was announced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.kinds import MessageKind
from storage.db import Database, Forms, db_time, from_row, placeholders, stored_time


@dataclass(frozen=True)
class AlertMessage:
    id: int
    chat_id: int
    thread_id: int | None
    kind: MessageKind
    stage: int | None  # the lead time announced; None for a stock message, which has no stage
    store_id: int
    token: str | None
    telegram_message_id: int | None


DEADLINE = {"alerted_shipment_date": stored_time}  # how an alerted posting's deadline is read
MESSAGE_FORMS: Forms = {"kind": MessageKind}
MESSAGE_COLUMNS = (
    "m.id, m.chat_id, m.thread_id, m.kind, m.stage, m.store_id, m.token, m.telegram_message_id"
)


@dataclass(frozen=True)
class AlertedPosting:
    """One posting inside an alert message, with the deadline it was announced for."""

    data: str
    outcome: str | None
    alerted_shipment_date: datetime


async def alerted_stages(
    db: Database, store_id: int, numbers: Sequence[str]
) -> dict[tuple[int, str, datetime], set[int]]:
    """(chat, posting, deadline) -> stages already announced."""
    if not numbers:
        return {}
    rows = await db.fetch_all(
        "SELECT chat_id, posting_number, shipment_date, stage FROM alerts"
        f" WHERE store_id = ? AND posting_number IN ({placeholders(len(numbers))})",
        (store_id, *numbers),
    )
    stages: dict[tuple[int, str, datetime], set[int]] = {}
    for row in rows:
        deadline = stored_time(row["shipment_date"])
        stages.setdefault((row["chat_id"], row["posting_number"], deadline), set()).add(
            row["stage"]
        )
    return stages


async def create_message(
    db: Database,
    *,
    chat_id: int,
    thread_id: int | None,
    store_id: int,
    kind: MessageKind,
    stage: int | None,
    postings: Sequence[tuple[str, datetime]],
    token: str,
    now: datetime,
) -> int:
    """Records a message about postings of one of the kinds in MessageKind; a stock message
    has no stage."""
    async with db.transaction():
        message_id = await db.insert(
            "INSERT INTO messages (chat_id, thread_id, store_id, kind, stage, token, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (chat_id, thread_id, store_id, kind, stage, token, db_time(now)),
        )
        await _show_postings(db, message_id, store_id, postings)
        return message_id


async def record_stage(
    db: Database,
    *,
    message_id: int,
    chat_id: int,
    store_id: int,
    postings: Sequence[tuple[str, datetime]],
    stage: int,
    now: datetime,
) -> None:
    """The message announces this stage of these postings; the unique rule rejects a repeat."""
    async with db.transaction():
        await db.execute_many(
            "INSERT INTO alerts (chat_id, store_id, posting_number, shipment_date, stage,"
            " message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (chat_id, store_id, number, db_time(deadline), stage, message_id, db_time(now))
                for number, deadline in postings
            ),
        )


async def _show_postings(
    db: Database, message_id: int, store_id: int, postings: Sequence[tuple[str, datetime]]
) -> None:
    await db.execute_many(
        "INSERT INTO message_postings (message_id, store_id, posting_number, shipment_date,"
        " position) VALUES (?, ?, ?, ?, ?)",
        (
            (message_id, store_id, number, db_time(deadline), position)
            for position, (number, deadline) in enumerate(postings)
        ),
    )


async def record_alert(
    db: Database,
    *,
    message_id: int,
    chat_id: int,
    store_id: int,
    posting: tuple[str, datetime],
    stage: int,
    now: datetime,
) -> None:
    """Counts a stage as announced by an existing message (one edited to show it)."""
    number, deadline = posting
    async with db.transaction():
        await db.execute(
            "INSERT INTO alerts (chat_id, store_id, posting_number, shipment_date, stage,"
            " message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (chat_id, store_id, number, db_time(deadline), stage, message_id, db_time(now)),
        )


async def messages_about(db: Database, store_id: int, posting_number: str) -> list[AlertMessage]:
    rows = await db.fetch_all(
        f"SELECT {MESSAGE_COLUMNS} FROM message_postings p"
        " JOIN messages m ON m.id = p.message_id"
        " WHERE p.store_id = ? AND p.posting_number = ? ORDER BY m.id",
        (store_id, posting_number),
    )
    return [from_row(AlertMessage, row, convert=MESSAGE_FORMS) for row in rows]


async def message_by_id(db: Database, message_id: int) -> AlertMessage | None:
    row = await db.fetch_one(
        f"SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?", (message_id,)
    )
    return from_row(AlertMessage, row, convert=MESSAGE_FORMS) if row else None


async def postings_in_message(db: Database, message_id: int) -> list[AlertedPosting]:
    """The postings a message shows, in order, with the deadline it first showed them with."""
    rows = await db.fetch_all(
        "SELECT p.data, p.outcome, mp.shipment_date AS alerted_shipment_date"
        " FROM message_postings mp JOIN postings p"
        " ON p.store_id = mp.store_id AND p.posting_number = mp.posting_number"
        " WHERE mp.message_id = ? ORDER BY mp.position",
        (message_id,),
    )
    return [from_row(AlertedPosting, row, convert=DEADLINE) for row in rows]


async def message_by_telegram_id(
    db: Database, chat_id: int, telegram_message_id: int
) -> AlertMessage | None:
    row = await db.fetch_one(
        f"SELECT {MESSAGE_COLUMNS} FROM messages m"
        " WHERE m.chat_id = ? AND m.telegram_message_id = ?",
        (chat_id, telegram_message_id),
    )
    return from_row(AlertMessage, row, convert=MESSAGE_FORMS) if row else None

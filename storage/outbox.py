"""The outbox: every message owed to Telegram, until Telegram has accepted it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, from_row


@dataclass(frozen=True)
class OutboxItem:
    id: int
    chat_id: int
    thread_id: int | None
    message_id: int | None  # the tracked alert message, if any
    telegram_message_id: int | None
    action: str  # 'send', 'edit' or 'photo'
    text: str
    reply_markup: str | None
    attempts: int
    reply_to_telegram_id: int | None = None
    silent: bool = False


INTERACTIVE = 2  # the `urgent` column's value above urgent (1): someone is looking at it


async def enqueue(
    db: Database,
    *,
    chat_id: int,
    thread_id: int | None,
    action: str,
    text: str,
    reply_markup: str | None,
    now: datetime,
    message_id: int | None = None,
    urgent: bool = False,
    reply_to: int | None = None,
    silent: bool = False,
    photo: bytes | None = None,
    interactive: bool = False,
) -> None:
    """`action` is 'send', 'edit' or 'photo' (`photo` with `text` as its caption). Items go
    out interactive first (the redraw a press makes), then urgent, then in the order owed."""
    async with db.transaction():
        await db.execute(
            "INSERT INTO outbox (chat_id, thread_id, message_id, action, text, reply_markup,"
            " urgent, reply_to, silent, not_before, created_at, photo)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                thread_id,
                message_id,
                action,
                text,
                reply_markup,
                INTERACTIVE if interactive else int(urgent),
                reply_to,
                int(silent),
                db_time(now),
                db_time(now),
                photo,
            ),
        )


async def photo_of(db: Database, item_id: int) -> bytes:
    """A picture is read only when it is sent: the batches of owed items stay small."""
    return bytes(await db.fetch_value("SELECT photo FROM outbox WHERE id = ?", (item_id,)) or b"")


async def tell(
    db: Database,
    chat_id: int,
    text: str,
    *,
    now: datetime,
    thread_id: int | None = None,
    reply_to: int | None = None,
    silent: bool = False,
) -> None:
    """Owes a chat one urgent plain message: a notice to read, not an alert to keep drawing."""
    await enqueue(
        db, chat_id=chat_id, thread_id=thread_id, action="send", text=text, reply_markup=None,
        urgent=True, reply_to=reply_to, silent=silent, now=now,
    )  # fmt: skip


async def enqueue_edit(
    db: Database,
    *,
    message_id: int,
    chat_id: int,
    thread_id: int | None,
    text: str,
    reply_markup: str | None,
    now: datetime,
    interactive: bool = False,
) -> None:
    """Owes Telegram the new text of a tracked message. A message not yet sent simply goes
    out with the new text, and only the newest of several pending edits is kept (so a burst of
    presses on one alert costs one edit)."""
    async with db.transaction():
        replaced = await db.execute(
            "UPDATE outbox SET text = ?, reply_markup = ? WHERE message_id = ? AND action = 'send'",
            (text, reply_markup, message_id),
        )
        if replaced:
            return
        await db.execute(
            "DELETE FROM outbox WHERE message_id = ? AND action = 'edit'", (message_id,)
        )
        await enqueue(
            db,
            chat_id=chat_id,
            thread_id=thread_id,
            message_id=message_id,
            action="edit",
            text=text,
            reply_markup=reply_markup,
            now=now,
            interactive=interactive,
        )


async def due(db: Database, now: datetime, limit: int) -> list[OutboxItem]:
    """What may be sent now: urgent first, then in the order it was owed."""
    rows = await db.fetch_all(
        "SELECT o.id, o.chat_id, o.thread_id, o.message_id, m.telegram_message_id, o.action,"
        " o.text, o.reply_markup, o.attempts, r.telegram_message_id AS reply_to_telegram_id,"
        " o.silent FROM outbox o"
        " LEFT JOIN messages m ON m.id = o.message_id"
        " LEFT JOIN messages r ON r.id = o.reply_to"
        " WHERE o.not_before <= ? ORDER BY o.urgent DESC, o.id LIMIT ?",
        (db_time(now), limit),
    )
    return [from_row(OutboxItem, row, convert={"silent": bool}) for row in rows]


async def complete(db: Database, item: OutboxItem, telegram_message_id: int | None = None) -> None:
    """Telegram accepted the item: forget it, and remember the id of a message just sent."""
    async with db.transaction():
        if telegram_message_id is not None and item.message_id is not None:
            await db.execute(
                "UPDATE messages SET telegram_message_id = ? WHERE id = ?",
                (telegram_message_id, item.message_id),
            )
        await db.execute("DELETE FROM outbox WHERE id = ?", (item.id,))


async def postpone(db: Database, item: OutboxItem, not_before: datetime) -> None:
    async with db.transaction():
        await db.execute(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?",
            (db_time(not_before), item.id),
        )


async def depth(db: Database) -> int:
    return int(await db.fetch_value("SELECT COUNT(*) FROM outbox"))


async def drop_chat(db: Database, chat_id: int) -> None:
    async with db.transaction():
        await db.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))

"""Buyer chats opened from alerts, followed so that the buyer's answers reach the seller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, from_row


@dataclass(frozen=True)
class BuyerChat:
    store_id: int
    posting_number: str
    chat_id: int
    ozon_chat_id: str
    message_id: int | None  # the alert the answers are threaded under
    last_message_id: int
    thread_id: int | None  # the forum topic of that alert


async def follow(
    db: Database,
    *,
    store_id: int,
    posting_number: str,
    chat_id: int,
    ozon_chat_id: str,
    message_id: int | None,
    last_message_id: int,
    until: datetime,
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO buyer_chats (store_id, posting_number, chat_id, ozon_chat_id, message_id,"
            " last_message_id, follow_until) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (store_id, posting_number, chat_id) DO UPDATE SET"
            " ozon_chat_id = excluded.ozon_chat_id, message_id = excluded.message_id,"
            " last_message_id = CASE WHEN buyer_chats.last_message_id > excluded.last_message_id"
            " THEN buyer_chats.last_message_id ELSE excluded.last_message_id END,"
            " follow_until = excluded.follow_until",
            (
                store_id,
                posting_number,
                chat_id,
                ozon_chat_id,
                message_id,
                last_message_id,
                db_time(until),
            ),
        )


async def followed(db: Database, store_id: int, now: datetime) -> list[BuyerChat]:
    rows = await db.fetch_all(
        "SELECT b.store_id, b.posting_number, b.chat_id, b.ozon_chat_id, b.message_id,"
        " b.last_message_id, m.thread_id FROM buyer_chats b"
        " LEFT JOIN messages m ON m.id = b.message_id"
        " WHERE b.store_id = ? AND b.follow_until > ?",
        (store_id, db_time(now)),
    )
    return [from_row(BuyerChat, row) for row in rows]


async def advance(db: Database, chat: BuyerChat, last_message_id: int) -> None:
    async with db.transaction():
        await db.execute(
            "UPDATE buyer_chats SET last_message_id = ?"
            " WHERE store_id = ? AND posting_number = ? AND chat_id = ?",
            (last_message_id, chat.store_id, chat.posting_number, chat.chat_id),
        )


async def stop_following(db: Database, store_id: int, ozon_chat_id: str, now: datetime) -> None:
    """The buyer's chat was closed: nothing more comes to relay."""
    async with db.transaction():
        await db.execute(
            "UPDATE buyer_chats SET follow_until = ? WHERE store_id = ? AND ozon_chat_id = ?"
            " AND follow_until > ?",
            (db_time(now), store_id, ozon_chat_id, db_time(now)),
        )

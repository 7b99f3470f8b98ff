"""Ozon's push notifications: each store's receiving token, when it last heard from Ozon, and
the inbox of notifications written before they are answered."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, db_time, placeholders
from storage.stores import STORE_COLUMNS, Store, store_from_row


@dataclass(frozen=True)
class InboxItem:
    id: int
    store_id: int
    message_type: str
    body: str  # the JSON as received


async def store_by_token(db: Database, token: str) -> Store | None:
    rows = await db.lookup(f"SELECT {STORE_COLUMNS} FROM stores WHERE push_token = ?", (token,))
    return store_from_row(rows[0]) if rows else None


async def token_of(db: Database, store_id: int) -> str | None:
    value = await db.fetch_value("SELECT push_token FROM stores WHERE id = ?", (store_id,))
    return str(value) if value else None


async def set_token(db: Database, store_id: int, token: str) -> None:
    async with db.transaction():
        await db.execute("UPDATE stores SET push_token = ? WHERE id = ?", (token, store_id))


async def receive(
    db: Database, store_id: int, message_type: str, dedup_key: str, body: str | None,
    now: datetime,
) -> bool:  # fmt: skip
    """Notes that Ozon was heard from, and keeps the notification (`body`, None for one that
    needs no acting on); False when it is one kept before."""
    async with db.transaction():
        await db.execute(
            "UPDATE stores SET push_seen_at = ? WHERE id = ?", (db_time(now), store_id)
        )
        if body is None:
            return True
        return bool(await db.execute(
            "INSERT INTO push_inbox (store_id, dedup_key, message_type, body, received_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id, dedup_key) DO NOTHING",
            (store_id, dedup_key, message_type, body, db_time(now)),
        ))  # fmt: skip


async def claim(
    db: Database, replica: str, now: datetime, stale_before: datetime,
    stores: Collection[int] | None, limit: int = 100,
) -> list[InboxItem]:  # fmt: skip
    """Notifications not done and not claimed by a live replica, oldest first, of `stores`
    (None: of every store), now claimed by `replica`."""
    if stores is not None and not stores:
        return []
    where = "" if stores is None else f" AND store_id IN ({placeholders(len(stores))})"
    rows = await db.fetch_all(
        "SELECT id, store_id, message_type, body, claimed_at FROM push_inbox"
        " WHERE done_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?)"
        f"{where} ORDER BY id LIMIT ?",
        (db_time(stale_before), *(stores or ()), limit),
    )
    taken = []
    async with db.transaction():
        for row in rows:
            won = await db.execute(
                "UPDATE push_inbox SET claimed_by = ?, claimed_at = ? WHERE id = ?"
                " AND done_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?)",
                (replica, db_time(now), row["id"], db_time(stale_before)),
            )
            if won:
                taken.append(InboxItem(row["id"], row["store_id"], row["message_type"],
                                       row["body"]))  # fmt: skip
    return taken


async def release_claims(db: Database, replica: str) -> None:
    """Claims a replica of this name left when it died: taken again at once, not after the
    claim's lease (a restarted process, or the only one on SQLite, is that replica)."""
    async with db.transaction():
        await db.execute(
            "UPDATE push_inbox SET claimed_by = NULL, claimed_at = NULL"
            " WHERE done_at IS NULL AND claimed_by = ?",
            (replica,),
        )


async def mark_done(db: Database, item_id: int, now: datetime) -> None:
    async with db.transaction():
        await db.execute("UPDATE push_inbox SET done_at = ? WHERE id = ?", (db_time(now), item_id))


async def pending(db: Database) -> int:
    return int(await db.fetch_value("SELECT COUNT(*) FROM push_inbox WHERE done_at IS NULL"))


async def stores_without(
    db: Database, client_id: str, dedup_key: str, created_between: tuple[datetime, datetime]
) -> list[int]:
    """Stores of this Client-Id created in the span that have no notification of this key."""
    rows = await db.fetch_all(
        "SELECT id FROM stores s WHERE client_id = ? AND created_at >= ? AND created_at <= ?"
        " AND NOT EXISTS (SELECT 1 FROM push_inbox i WHERE i.store_id = s.id"
        " AND i.dedup_key = ?)",
        (client_id, db_time(created_between[0]), db_time(created_between[1]), dedup_key),
    )
    return [row["id"] for row in rows]

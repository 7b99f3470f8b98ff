"""Figures for the bot's operators (/stats): counts only, nothing about any one store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, parse_db_time


@dataclass(frozen=True)
class Stats:
    stores: int
    stores_active: int
    stores_failing: int
    private_chats: int
    group_chats: int
    paused_subscriptions: int
    outbox_depth: int
    oldest_owed_at: datetime | None
    last_scan_at: datetime | None  # the most recent scan of any store
    stalest_scan_at: datetime | None  # the oldest last scan among active stores


async def bot_stats(db: Database) -> Stats:
    stores = await db.fetch_one(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'active' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN failing_since IS NOT NULL THEN 1 ELSE 0 END), 0),"
        " MAX(last_scan_at), MIN(CASE WHEN state = 'active' THEN COALESCE(last_scan_at, '') END)"
        " FROM stores"
    )
    chats = await db.fetch_one(
        "SELECT COALESCE(SUM(CASE WHEN type = 'private' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN type <> 'private' THEN 1 ELSE 0 END), 0) FROM chats"
    )
    paused = await db.fetch_value("SELECT COUNT(*) FROM subscriptions WHERE state = 'paused'")
    outbox = await db.fetch_one("SELECT COUNT(*), MIN(created_at) FROM outbox")
    assert stores is not None and chats is not None and outbox is not None
    return Stats(
        stores=stores[0],
        stores_active=stores[1],
        stores_failing=stores[2],
        private_chats=chats[0],
        group_chats=chats[1],
        paused_subscriptions=int(paused),
        outbox_depth=outbox[0],
        oldest_owed_at=parse_db_time(outbox[1]),
        last_scan_at=parse_db_time(stores[3]),
        stalest_scan_at=parse_db_time(stores[4] or None),
    )

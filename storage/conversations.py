"""Conversations under way: aiogram's FSM state and data per key (bot/telegram/conversations.py)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time


async def conversation(db: Database, key: str) -> tuple[str | None, str] | None:
    """(state, data as JSON) of the key, or None."""
    rows = await db.lookup("SELECT state, data FROM conversations WHERE key = ?", (key,))
    return (rows[0]["state"], rows[0]["data"]) if rows else None


async def set_state(db: Database, key: str, state: str | None, now: datetime) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO conversations (key, state, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (key, state, db_time(now)),
        )


async def set_data(db: Database, key: str, data: str, now: datetime) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO conversations (key, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (key, data, db_time(now)),
        )

"""Conversations under way: aiogram's FSM state and data per key (bot/telegram/conversations.py)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time


async def conversation(db: Database, key: str) -> tuple[str | None, str] | None:
    """(state, data as JSON) of the key, or None."""
    rows = await db.lookup("SELECT state, data FROM conversations WHERE key = ?", (key,))
    return (rows[0]["state"], rows[0]["data"]) if rows else None


async def set_state(db: Database, key: str, state: str | None, now: datetime) -> None:
    await _set(db, key, "state", state, now)


async def set_data(db: Database, key: str, data: str, now: datetime) -> None:
    await _set(db, key, "data", data, now)


async def _set(db: Database, key: str, column: str, value: str | None, now: datetime) -> None:
    """One column of the key's conversation (`state` or `data`), the other kept."""
    async with db.transaction():
        await db.execute(
            f"INSERT INTO conversations (key, {column}, updated_at) VALUES (?, ?, ?)"
            f" ON CONFLICT (key) DO UPDATE SET {column} = excluded.{column},"
            " updated_at = excluded.updated_at",
            (key, value, db_time(now)),
        )

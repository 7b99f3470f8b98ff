"""Chats and their settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database, Forms, db_time, from_row


@dataclass(frozen=True)
class ChatSettings:
    chat_id: int
    timezone: str
    lead_times: tuple[int, ...] | None  # None: the configured default
    paused: bool = False  # the bot could not write here; the chat's subscriptions wait
    quiet_hours: str | None = None  # '23:00-08:00'
    group_threshold: int | None = None
    escalation_delay: int | None = None  # seconds
    repeat_interval: int | None = None  # seconds
    escalation_contacts: str = ""
    language: str | None = None  # Telegram's language_code, or a /language choice


def lead_times_from_column(value: str | None) -> tuple[int, ...] | None:
    return tuple(int(part) for part in value.split(",")) if value else None


SETTINGS_FORMS: Forms = {"lead_times": lead_times_from_column, "paused": bool}


async def ensure_chat(
    db: Database, chat_id: int, chat_type: str, timezone: str, language: str | None, now: datetime
) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO chats (id, type, timezone, language, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (chat_id, chat_type, timezone, language, db_time(now)),
        )


async def chat_settings(db: Database, chat_id: int) -> ChatSettings | None:
    rows = await db.lookup(
        "SELECT id AS chat_id, timezone, lead_times, EXISTS (SELECT 1 FROM subscriptions"
        " WHERE chat_id = chats.id AND state = 'paused') AS paused, quiet_hours,"
        " group_threshold, escalation_delay, repeat_interval,"
        " COALESCE(escalation_contacts, '') AS escalation_contacts, language"
        " FROM chats WHERE id = ?",
        (chat_id,),
    )
    if not rows:
        return None
    return from_row(ChatSettings, rows[0], convert=SETTINGS_FORMS)


async def chat_language(db: Database, chat_id: int) -> str | None:
    """The chat's language code as stored (None for a chat the bot has never seen)."""
    rows = await db.lookup("SELECT language FROM chats WHERE id = ?", (chat_id,))
    return rows[0]["language"] if rows else None


# Settings a user may change, by the column that holds each.
SETTING_COLUMNS = {
    "timezone": "timezone",
    "language": "language",
    "leads": "lead_times",
    "quiet": "quiet_hours",
    "threshold": "group_threshold",
    "escalation": "escalation_delay",
    "repeat": "repeat_interval",
    "contacts": "escalation_contacts",
    "digest": "digest_time",
}


async def change_setting(
    db: Database,
    *,
    chat_id: int,
    name: str,
    value: str | int | None,
    user_id: int,
    user_name: str,
    now: datetime,
) -> None:
    """Stores one setting and records who changed it."""
    column = SETTING_COLUMNS[name]
    async with db.transaction():
        await db.execute(f"UPDATE chats SET {column} = ? WHERE id = ?", (value, chat_id))
        await record_change(db, chat_id, user_id, user_name, name, value, now)


async def record_change(
    db: Database,
    chat_id: int,
    user_id: int,
    user_name: str,
    name: str,
    value: str | int | None,
    now: datetime,
) -> None:
    """Who changed which setting of a chat, for the audit; inside the change's transaction."""
    await db.execute(
        "INSERT INTO setting_changes (chat_id, user_id, user_name, name, value, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (chat_id, user_id, user_name, name, "" if value is None else str(value), db_time(now)),
    )


async def set_quiet_held(db: Database, chat_id: int, held: bool) -> None:
    async with db.transaction():
        await db.execute("UPDATE chats SET quiet_held = ? WHERE id = ?", (int(held), chat_id))


async def resume_chat(db: Database, chat_id: int) -> None:
    """The chat talks to the bot again, so the bot can write to it again."""
    async with db.transaction():
        await db.execute(
            "UPDATE subscriptions SET state = 'active' WHERE chat_id = ? AND state = 'paused'",
            (chat_id,),
        )


async def migrate_chat(db: Database, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move everything the old chat id owns to the new one."""
    columns = (
        "timezone, lead_times, language, quiet_hours, group_threshold,"
        " escalation_delay, repeat_interval, escalation_contacts, quiet_held"
    )
    updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in columns.split(","))
    async with db.transaction():
        await db.execute(
            f"INSERT INTO chats (id, type, {columns}, created_at)"
            f" SELECT ?, 'supergroup', {columns}, created_at FROM chats WHERE id = ?"
            f" ON CONFLICT (id) DO UPDATE SET {updates}",
            (new_id, old_id),
        )
        for table in _CHAT_TABLES:
            await db.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
        await db.execute("DELETE FROM chats WHERE id = ?", (old_id,))


# Every table that refers to a chat by id.
_CHAT_TABLES = (
    "subscriptions",
    "messages",
    "alerts",
    "outbox",
    "posting_claims",
    "escalations",
    "overdue_summaries",
    "actions",
    "buyer_chats",
    "setting_changes",
)

"""Chat settings services."""

from __future__ import annotations

from bot.timezones import valid_timezone
from storage import Database
from storage import chats as chats_db


class ChatService:
    def __init__(self, db: Database):
        self._db = db

    async def set_timezone(self, chat_id: int, name: str) -> str | None:
        """Stores the zone and returns its canonical name, or None when no such zone exists."""
        zone = valid_timezone(name)
        if zone is not None:
            await chats_db.set_timezone(self._db, chat_id, zone)
        return zone

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its subscriptions and alerts follow it."""
        await chats_db.migrate_chat(self._db, old_chat_id, new_chat_id)

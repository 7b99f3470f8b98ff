"""A database made ready before the bot starts: a store and its subscribed chats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.security.crypto import KeyCipher
from fakes.process import API_KEY, CLIENT_ID, BotProcess
from storage import Database
from storage import chats as chats_db
from storage import stores as stores_db


def prepare(process: BotProcess, chats: list[int]) -> None:
    """Stores the store and its subscribed chats before the bot starts; the first is the owner."""

    async def go() -> None:
        now = datetime.now(UTC)
        db = await Database.open(process.database)
        cipher = KeyCipher([process.env["ENCRYPTION_KEY"]])
        store = await stores_db.save_store(
            db, owner_user_id=chats[0], client_id=CLIENT_ID, name="Shop",
            seal=lambda store_id: cipher.seal(store_id, API_KEY), missing_methods=[],
            key_expires_at=None, now=now,
        )  # fmt: skip
        for chat in chats:
            kind = "private" if chat > 0 else "supergroup"
            await chats_db.ensure_chat(db, chat, kind, "UTC", "en", now)
            await stores_db.subscribe(db, chat, store, None, now)
        await db.close()

    asyncio.run(go())

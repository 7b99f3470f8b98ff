"""The scan against a real database and the fake Seller API, with an injected clock: one scan a
minute after the previous, and the outbox rows it owed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

from bot.ozon import OzonApi, RetryPolicy
from bot.security.crypto import KeyCipher
from bot.services.sellers import Sellers
from bot.watch.scanner import Scanner
from fakes.ozon import FakeOzon
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import stores as stores_db
from storage.outbox import OutboxItem
from tests.helpers.engine import open_db

CLIENT_ID, API_KEY, CHAT = "111", "key-111", 5001


@dataclass
class Harness:
    ozon: FakeOzon
    path: Path
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    chats: tuple[int, ...] = (CHAT,)  # subscribed chats; negative ids are groups
    retention: timedelta = timedelta(days=30)
    operators: frozenset[int] = frozenset()  # BOT_ADMIN_IDS

    def postings(self, *postings: dict) -> None:
        self.ozon.set_postings(CLIENT_ID, list(postings))

    def count(self, table: str) -> int:
        async def run() -> int:
            db = await open_db(self.path)
            value = await db.fetch_value(f"SELECT COUNT(*) FROM {table}")
            await db.close()
            return int(value)

        return asyncio.run(run())

    def rows(self, query: str, params: tuple = ()) -> list[tuple]:
        async def run() -> list[tuple]:
            db = await open_db(self.path)
            found = await db.fetch_all(query, params)
            await db.close()
            return [tuple(row) for row in found]

        return asyncio.run(run())

    def sql(self, statement: str, params: tuple = ()) -> None:
        """Changes the database as a conversation would (a claim, a setting)."""

        async def run() -> None:
            db = await open_db(self.path)
            async with db.transaction():
                await db.execute(statement, params)
            await db.close()

        asyncio.run(run())

    def at(self, hours: float) -> datetime:
        return self.now + timedelta(hours=hours)

    def scan(self, *, deliver: bool = True) -> list[OutboxItem]:
        """One scan a minute after the previous one; returns the outbox rows then owed,
        and marks them delivered unless `deliver` is false."""
        self.now += timedelta(minutes=1)
        return asyncio.run(self._scan(deliver))

    async def _scan(self, deliver: bool) -> list[OutboxItem]:
        db = await open_db(self.path)
        api = OzonApi(self.ozon.url, retry=RetryPolicy(attempts=2, base_delay=0.01))
        try:
            cipher = KeyCipher([KEY])
            if not await stores_db.all_stores(db):
                await chats_db.ensure_chat(db, CHAT, "private", "Europe/Moscow", "en", self.now)
                store_id = await stores_db.save_store(
                    db,
                    owner_user_id=CHAT,
                    client_id=CLIENT_ID,
                    name="Shop",
                    seal=lambda store_id: cipher.seal(store_id, API_KEY),
                    missing_methods=[],
                    key_expires_at=None,
                    now=self.now,
                )
                for chat in self.chats:
                    kind = "private" if chat > 0 else "supergroup"
                    await chats_db.ensure_chat(db, chat, kind, "Europe/Moscow", "en", self.now)
                    await stores_db.subscribe(db, chat, store_id, None, self.now)
            scanner = Scanner(
                db, Sellers(api, cipher), (86400, 14400, 3600), clock=lambda: self.now,
                retention=self.retention, operator_ids=self.operators,
            )  # fmt: skip
            await scanner.scan_all()
            items = await outbox_db.due(db, self.now + timedelta(days=400), 10_000)
            for item in items if deliver else ():  # as if Telegram accepted them all
                await outbox_db.complete(
                    db, item, 1000 + item.id if item.action == "send" else None
                )
            return items
        finally:
            await api.aclose()
            await db.close()


KEY = Fernet.generate_key().decode()


def posting(number: str, due: datetime, **kwargs: object) -> dict:
    return FakeOzon.make_posting(number, due, **kwargs)


def sends(items: list[OutboxItem]) -> list[str]:
    return [item.text for item in items if item.action == "send"]


def edits(items: list[OutboxItem]) -> list[str]:
    return [item.text for item in items if item.action == "edit"]

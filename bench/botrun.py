"""The real bot process (fakes/process.py) with stores and chats stored before it starts, as
tests/test_crash.py does: the benchmarks measure the bot, not the /connect conversation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.security.crypto import KeyCipher
from fakes.ozon import FakeOzon
from fakes.process import BotProcess
from storage import Database
from storage import chats as chats_db
from storage import stores as stores_db


@dataclass(frozen=True)
class SeededStore:
    client_id: str
    api_key: str
    chats: Sequence[int]  # subscribed; the first is the owner; negative ids are groups


def seed_stores(process: BotProcess, ozon: FakeOzon, stores: Sequence[SeededStore]) -> None:
    """Stores each store in the bot's database and in the fake Ozon."""
    add_to_ozon(ozon, stores)
    store_in_bot(process, stores)


def add_to_ozon(ozon: FakeOzon, stores: Sequence[SeededStore]) -> None:
    for store in stores:
        ozon.add_store(store.client_id, store.api_key, name=f"Shop {store.client_id}")


def store_in_bot(process: BotProcess, stores: Sequence[SeededStore]) -> None:
    """Stores each store, its chats and their subscriptions in the bot's database."""

    async def go() -> None:
        now = datetime.now(UTC)
        db = await Database.connect(process.env.get("DATABASE_URL"), process.database)
        cipher = KeyCipher([process.env["ENCRYPTION_KEY"]])
        async with db.transaction():
            for store in stores:
                store_id = await stores_db.save_store(
                    db, owner_user_id=store.chats[0], client_id=store.client_id,
                    name=f"Shop {store.client_id}",
                    seal=lambda sid, key=store.api_key: cipher.seal(sid, key),
                    missing_methods=[], key_expires_at=None, now=now,
                )  # fmt: skip
                for chat in store.chats:
                    kind = "private" if chat > 0 else "supergroup"
                    await chats_db.ensure_chat(db, chat, kind, "UTC", "en", now)
                    await stores_db.subscribe(db, chat, store_id, None, now)
        await db.close()

    process.database.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(go())


def mono_to_wall(moment: float) -> datetime:
    """A time.monotonic() stamp (the fakes' `at`) as a UTC datetime."""
    return datetime.fromtimestamp(time.time() - (time.monotonic() - moment), UTC)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]

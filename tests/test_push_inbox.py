"""The push inbox on a real database (both engines) and the fake Seller API: a notification is
acted on once, by the replica that scans its store, whichever replica received it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.push import read_notification
from bot.ozon import OzonApi
from bot.ozon.sandbox import PUSHED_SAMPLE, SandboxTransport
from bot.push.inbox import PushInbox
from bot.push.sample import SamplePush
from bot.security.crypto import KeyCipher
from bot.services.sellers import Sellers
from bot.services.stores import StoreService
from bot.watch.scanner import Scanner
from fakes.ozon_push import push_message
from storage import chats as chats_db
from storage import outbox as outbox_db
from storage import push as push_db
from storage import replicas as replicas_db
from storage import stores as stores_db
from tests.helpers.engine import open_db
from tests.helpers.scan import CHAT, CLIENT_ID, KEY, Harness, posting

pytestmark = pytest.mark.service


def test_a_notification_is_acted_on_once_by_the_replica_that_scans_its_store(
    harness: Harness,
) -> None:
    harness.postings(posting("70-1-1", harness.at(30)))
    harness.scan()  # the store, its chat, its first scan
    harness.postings(posting("70-1-1", harness.at(30)), posting("71-1-1", harness.at(2)))

    async def run() -> tuple[int, int, int, list[str]]:
        db = await open_db(harness.path)
        api = OzonApi(harness.ozon.url)
        try:
            store = (await stores_db.all_stores(db))[0]
            await replicas_db.take(db, "b", {store.id: None}, harness.now)
            message = push_message("TYPE_NEW_POSTING", posting_number="71-1-1",
                                   seller_id=int(CLIENT_ID))  # fmt: skip
            notification = read_notification(message)
            for _ in range(2):  # received twice: Ozon sent it again
                await push_db.receive(db, store.id, "TYPE_NEW_POSTING", notification.key,
                                      json.dumps(message), harness.now)  # fmt: skip
            sellers = Sellers(api, KeyCipher([KEY]))
            scanner = Scanner(db, sellers, (86400, 14400, 3600), clock=lambda: harness.now)
            replica = {name: PushInbox(db, scanner, name, clock=lambda: harness.now)
                       for name in ("a", "b")}  # fmt: skip
            by_a = await replica["a"].work()  # received here, scanned by b: not a's to act on
            by_b = await replica["b"].work()
            again = await replica["b"].work()
            owed = await outbox_db.due(db, harness.now + timedelta(days=1), 100)
            return by_a, by_b, again, [item.text for item in owed]
        finally:
            await api.aclose()
            await db.close()

    by_a, by_b, again, texts = asyncio.run(run())
    assert (by_a, by_b, again) == (0, 1, 0)
    assert len(texts) == 1 and "71-1-1" in texts[0] and "Less than 4h" in texts[0]
    assert len(harness.ozon.calls_to("/v3/posting/fbs/get")) == 1


def test_the_sample_stores_new_order_comes_by_push_once(tmp_path: Path) -> None:
    """The sample store connected two minutes ago: its new order is told by a simulated
    notification, once, and acted on like Ozon's, the alert owed at once."""

    async def run() -> tuple[int, int, int, list[str]]:
        db = await open_db(tmp_path / "bot.sqlite3")
        api = OzonApi("http://ozon.invalid", demo_transport=SandboxTransport())
        try:
            now = datetime.now(UTC)
            await chats_db.ensure_chat(db, CHAT, "private", "UTC", "en", now)
            cipher = KeyCipher([KEY])
            connected = StoreService(db, api, cipher, clock=lambda: now - timedelta(minutes=2))
            await connected.connect_sandbox(CHAT)
            scanner = Scanner(db, Sellers(api, cipher), (86400, 14400, 3600))
            inbox = PushInbox(db, scanner, None)
            sample = SamplePush(db, inbox.wake)
            told, again = await sample.tick(), await sample.tick()
            acted = await inbox.work()
            owed = await outbox_db.due(db, now + timedelta(days=1), 100)
            return told, again, acted, [item.text for item in owed]
        finally:
            await api.aclose()
            await db.close()

    told, again, acted, texts = asyncio.run(run())
    assert (told, again, acted) == (1, 0, 1)
    assert any(PUSHED_SAMPLE in text and "Power bank" in text for text in texts)

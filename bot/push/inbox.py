"""Acts on the push notifications the receiver wrote down, each once, whichever replica
received it: a replica claims those of the stores it scans, and a claim its replica did not
finish (killed) is taken again after CLAIM_LEASE. What a notification says is a hint to read
Ozon again, never taken for true: requests carry no signature (push_start)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.core.push import BUYER_CHAT, POSTING_TYPES, PushType
from bot.ozon import OzonError
from bot.watch.scanner import Scanner
from storage import Database
from storage import push as push_db
from storage import replicas as replicas_db
from storage.push import InboxItem

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=1)
LOOK_EVERY = 5.0  # seconds: for what another replica received, or a claim to take again
STORES_AT_ONCE = 16  # each store's reaction waits for Ozon: many stores at a time


class PushInbox:
    def __init__(
        self,
        db: Database,
        scanner: Scanner,
        replica: str | None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ):
        """`replica`: this process's name when several share the database (None: the only
        process, acting on every store's notifications)."""
        self._db = db
        self._scanner = scanner
        self._replica = replica
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopped = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    async def run(self) -> None:
        try:
            await push_db.release_claims(self._db, self._replica or "")
        except Exception:  # the database is away: the claims run out instead
            log.warning("could not take back this replica's unfinished notifications")
        self._wake.set()  # what waits from before the start is acted on at once
        while not self._stopped:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), LOOK_EVERY)
            self._wake.clear()
            if self._stopped:
                return
            try:
                while await self.work():
                    pass
            except Exception:  # the database is away: the next look tries again
                log.exception("push notifications could not be acted on now")

    async def work(self) -> int:
        """Acts on what is waiting, stores side by side; returns how many were taken."""
        now = self._clock()
        stores = None
        if self._replica is not None:
            owners = await replicas_db.owners(self._db)
            stores = {store for store, owner in owners.items() if owner == self._replica}
        items = await push_db.claim(self._db, self._replica or "", now, now - CLAIM_LEASE,
                                    stores)  # fmt: skip
        by_store: dict[int, list[InboxItem]] = {}
        for item in items:
            by_store.setdefault(item.store_id, []).append(item)
        limit = asyncio.Semaphore(STORES_AT_ONCE)

        async def act(store_items: list[InboxItem]) -> None:
            async with limit:
                await self._act_for_store(store_items)

        await asyncio.gather(*(act(store_items) for store_items in by_store.values()))
        return len(items)

    async def _act_for_store(self, items: list[InboxItem]) -> None:
        """One store's notifications: its postings read again together, then the rest."""
        store_id = items[0].store_id
        postings = [item for item in items if PushType(item.message_type) in POSTING_TYPES]
        numbers = list(dict.fromkeys(
            str(json.loads(item.body)["posting_number"]) for item in postings
        ))  # fmt: skip
        try:
            if numbers:
                await self._scanner.react(store_id, lambda s, store: s.refresh(store, numbers))
            for item in items:
                if item not in postings:
                    await self._act(item)
        except OzonError as problem:  # the claims run out and they are taken again
            log.warning("store %s: push notifications wait for Ozon: %s", store_id, problem)
            return
        for item in items:
            await push_db.mark_done(self._db, item.id, self._clock())

    async def _act(self, item: InboxItem) -> None:
        body = json.loads(item.body)
        kind = PushType(item.message_type)
        if kind is PushType.STOCKS_CHANGED:
            await self._scanner.react(item.store_id, lambda s, store: s.stock_changed(store.id))
            self._scanner.request_store_scan(item.store_id)
        elif kind is PushType.NEW_MESSAGE and body.get("chat_type") == BUYER_CHAT:
            chat = str(body["chat_id"])
            await self._scanner.react(item.store_id, lambda s, store: s.relay_chat(store, chat))
        elif kind is PushType.CHAT_CLOSED:
            chat = str(body["chat_id"])
            await self._scanner.react(item.store_id, lambda s, store: s.chat_closed(store, chat))

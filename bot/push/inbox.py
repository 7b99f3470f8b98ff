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
CLAIMED_PER_STORE = 4  # notifications claimed per free slot, a store's acted on together


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
        self._acting: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    async def run(self) -> None:
        """Claims what waits whenever woken (or every LOOK_EVERY), as slots free up: a store's
        notifications are acted on as soon as they come, not after a batch before them."""
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
                break
            try:
                await self._start()
            except Exception:  # the database is away: the next look tries again
                log.exception("push notifications could not be acted on now")
        if self._acting:
            await asyncio.wait(self._acting, timeout=LOOK_EVERY)

    async def work(self) -> int:
        """Acts on what waits now and returns when done; returns how many were taken."""
        started = await self._start()
        if self._acting:
            await asyncio.wait(self._acting)
        return started

    async def _start(self) -> int:
        """Claims what waits, as many stores as there are free slots, and starts acting on
        each store's; returns how many notifications were taken."""
        free = STORES_AT_ONCE - len(self._acting)
        if free <= 0:
            return 0
        now = self._clock()
        stores = None
        if self._replica is not None:
            owners = await replicas_db.owners(self._db)
            stores = {store for store, owner in owners.items() if owner == self._replica}
        # Claimed only what starts now: a claim waiting behind others could run out.
        items = await push_db.claim(self._db, self._replica or "", now, now - CLAIM_LEASE,
                                    stores, limit=free * CLAIMED_PER_STORE)  # fmt: skip
        by_store: dict[int, list[InboxItem]] = {}
        for item in items:
            by_store.setdefault(item.store_id, []).append(item)
        for store_items in by_store.values():
            task = asyncio.create_task(self._act_for_store(store_items))
            self._acting.add(task)
            task.add_done_callback(self._done)
        return len(items)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._acting.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("push notifications failed", exc_info=task.exception())
        self._wake.set()  # a slot is free: what waits is claimed

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

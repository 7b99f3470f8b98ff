"""The watch's runner: every store is scanned each interval (8 at a time), or one store when it
was just connected or linked; a store is scanned by one task at a time. Once an hour what is past
retention is forgotten. One store's scan is bot/watch/store_scan.py; its parts are the other
modules of bot/watch/."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import utcnow
from bot.core.leads import EXPRESS_LEAD_TIMES, Leads
from bot.core.push import scan_due
from bot.services.sellers import Sellers
from bot.watch.delivery import FOLLOW_ON_ITS_WAY
from bot.watch.shares import StoreShares
from bot.watch.store_scan import StoreScanner
from storage import Database
from storage import retention as retention_db
from storage import stores as stores_db
from storage.stores import Store

log = logging.getLogger(__name__)

ALERT_RETENTION = timedelta(days=30)  # alerts and postings done with are kept this long
AUDIT_RETENTION = timedelta(days=365)
PRUNE_EVERY = timedelta(hours=1)
STORE_CONCURRENCY = 8


class Scanner:
    def __init__(
        self,
        db: Database,
        sellers: Sellers,
        default_lead_times: tuple[int, ...],
        *,
        clock: Callable[[], datetime] = utcnow,
        on_outbox: Callable[[], None] = lambda: None,
        retention: timedelta = ALERT_RETENTION,
        operator_ids: frozenset[int] = frozenset(),
        express_lead_times: tuple[int, ...] = EXPRESS_LEAD_TIMES,
        shares: StoreShares | None = None,
        push_interval: timedelta | None = None,
    ):
        """`push_interval`: how often a store whose push notifications arrive is scanned
        (None: push is off, every store every round)."""
        self._db = db
        self._push_interval = push_interval
        self._shares = shares  # None: the only process, scanning every store
        self._clock = clock
        self._stores = StoreScanner(
            db, sellers, Leads(default_lead_times, express_lead_times),
            clock=clock, on_outbox=on_outbox,
            operator_ids=operator_ids, follow_for=min(FOLLOW_ON_ITS_WAY, retention),
        )  # fmt: skip
        self._running: asyncio.Task[object] | None = None
        # Stores asked for a scan of their own (just connected or linked), and the task that
        # scans them; a store is scanned by one task at a time.
        self._wanted: set[int] = set()
        self._wanted_task: asyncio.Task[None] | None = None
        self._store_locks: dict[int, asyncio.Lock] = {}
        self._retention = retention
        self._pruned_at: datetime | None = None

    async def stop(self, grace_seconds: float) -> None:
        """Lets a scan in progress finish (each page commits on its own), then cancels it."""
        tasks = {task for task in (self._running, self._wanted_task) if task and not task.done()}
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def request_store_scan(self, store_id: int) -> None:
        """Scans this one store soon (it was just connected or linked to a chat): never every
        store, so nobody can spend other sellers' Ozon quota by asking again and again. Asking
        while the store waits for its scan changes nothing."""
        self._wanted.add(store_id)
        if self._wanted_task is None or self._wanted_task.done():
            self._wanted_task = asyncio.create_task(self._scan_wanted())

    async def react(
        self, store_id: int, act: Callable[[StoreScanner, Store], Awaitable[None]]
    ) -> None:
        """Does `act` for an active store (a push notification's reaction), never at the same
        time as the store's scan."""
        store = await stores_db.store_by_id(self._db, store_id)
        if store is None or store.state != "active":
            return
        async with self._store_locks.setdefault(store.id, asyncio.Lock()):
            await act(self._stores, store)

    async def _scan_wanted(self) -> None:
        while self._wanted:
            store_id = self._wanted.pop()
            try:
                store = await stores_db.store_by_id(self._db, store_id)
                if store is not None and store.state == "active" and await self._ours(store_id):
                    await self._scan_alone(store)
            except Exception:  # the regular scans still come; the others asked still go
                log.exception("store %s: the scan asked for failed", store_id)
        await self._stores.flush()

    async def scan_all(self) -> None:
        self._running = asyncio.current_task()
        stores = await stores_db.all_stores(self._db, active_only=True)
        if self._shares is not None:
            mine = await self._shares.mine([store.id for store in stores])
            stores = [store for store in stores if store.id in mine]
        now = self._clock()
        due = [
            store
            for store in stores
            if scan_due(store.last_scan_at, store.push_seen_at, now, self._push_interval)
        ]
        await self._scan_stores(due)
        kept = {store.id for store in stores}
        self._stores.forget_except(kept)
        self._store_locks = {
            store_id: lock
            for store_id, lock in self._store_locks.items()
            if store_id in kept or lock.locked()
        }
        await self._prune()

    async def _ours(self, store_id: int) -> bool:
        return self._shares is None or await self._shares.claim(store_id)

    async def _prune(self) -> None:
        """Once an hour, forgets what is past retention."""
        now = self._clock()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        await retention_db.prune(self._db, now - self._retention, now - AUDIT_RETENTION)

    async def _scan_stores(self, stores: list[Store]) -> None:
        limit = asyncio.Semaphore(STORE_CONCURRENCY)

        async def scan(store: Store) -> None:
            async with limit:
                await self._scan_alone(store)

        try:
            await asyncio.gather(*(scan(store) for store in stores))
        finally:
            await self._stores.flush()

    async def _scan_alone(self, store: Store) -> None:
        """Scans the store unless another task is scanning it, then after that one."""
        async with self._store_locks.setdefault(store.id, asyncio.Lock()):
            await self._stores.scan(store)

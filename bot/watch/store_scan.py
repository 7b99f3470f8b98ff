"""One store's scan: the pages of its unfulfilled list, then the stages due, stock, the buyer
relay, the team's escalations and repeats, and what became of postings that left the list.
Never raises: Ozon's failures and refusals go to the store's health."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.core.deadlines import watch_window
from bot.core.leads import Leads
from bot.ozon import (
    AccessDenied,
    BadRequest,
    InvalidApiKey,
    MethodGone,
    MissingRole,
    OzonError,
)
from bot.security.crypto import UnreadableKey
from bot.services.sellers import Sellers
from bot.watch.announcer import Announcer
from bot.watch.buyer_relay import BuyerRelay
from bot.watch.context import StoreScan, leads_of
from bot.watch.delivery import FOLLOW_ON_ITS_WAY, DeliveryWatch
from bot.watch.page_cache import PageCache
from bot.watch.postings import PostingSync
from bot.watch.stock import StockWatch
from bot.watch.store_health import StoreHealth
from bot.watch.team import TeamWatch
from bot.watch.warehouses import WarehouseBook
from storage import Database
from storage import buyer_chats as buyer_chats_db
from storage import postings as postings_db
from storage import stores as stores_db
from storage.stores import Store

log = logging.getLogger(__name__)


class StoreScanner:
    def __init__(
        self,
        db: Database,
        sellers: Sellers,
        leads: Leads,
        *,
        clock: Callable[[], datetime],
        on_outbox: Callable[[], None],
        operator_ids: frozenset[int] = frozenset(),
        follow_for: timedelta = FOLLOW_ON_ITS_WAY,
    ):
        self._db = db
        self._sellers = sellers
        self._leads = leads
        self._clock = clock
        self._on_outbox = on_outbox
        self.pages = PageCache(db)
        self._health = StoreHealth(db, operator_ids)
        self._warehouses = WarehouseBook(db)
        self._announcer = Announcer(db, leads)
        self._postings = PostingSync(db, self._announcer, leads)
        self._stock = StockWatch(db, self._announcer, self._health)
        self._team = TeamWatch(db, self._announcer, leads)
        self._relay = BuyerRelay(db)
        self._delivery = DeliveryWatch(db, self._announcer, self._health, leads, follow_for)

    async def refresh(self, store: Store, numbers: Sequence[str]) -> None:
        """Postings Ozon told of by push, each read again (/v3/posting/fbs/get) and applied as
        a scan applies a page: stored, alerted, edited or told cancelled by the same code. The
        store's pages are read whole by its next scan, as they may not show the change yet."""
        now = self._clock()
        client = self._sellers.of(store)
        postings = []
        for number in numbers:
            try:
                postings.append(await client.posting(number))
            except BadRequest:  # not this store's: a notification is a hint, never the truth
                log.info("store %s: a notification named a posting Ozon does not know",
                         store.client_id)  # fmt: skip
        if not postings:
            return
        await self.pages.forget(store.id)
        scan = StoreScan(store, await stores_db.subscribers(self._db, store.id), now)
        scan.warehouses = await self._warehouses.of(store, client, now)
        await self._postings.apply_page(scan, postings)
        await self._announcer.announce(scan)
        self._on_outbox()

    async def relay_chat(self, store: Store, ozon_chat_id: str) -> None:
        """A buyer wrote in a chat the bot follows: the words are read from Ozon and relayed
        now (the history poll then finds nothing new in it)."""
        now = self._clock()
        scan = StoreScan(store, [], now)
        await self._relay.relay(scan, self._sellers.of(store), only=ozon_chat_id)
        self._on_outbox()

    async def chat_closed(self, store: Store, ozon_chat_id: str) -> None:
        await buyer_chats_db.stop_following(self._db, store.id, ozon_chat_id, self._clock())

    async def stock_changed(self, store_id: int) -> None:
        """The store's next scan checks its stock risk again."""
        await self._stock.checked.forget(store_id)

    async def flush(self) -> None:
        """Writes what the scans since the last flush left to be written together."""
        await self._health.flush()

    def forget_except(self, store_ids: set[int]) -> None:
        """What is kept in memory of stores no longer scanned here is dropped."""
        self.pages.forget_except(store_ids)
        self._stock.checked.forget_except(store_ids)
        self._delivery.checked.forget_except(store_ids)

    async def scan(self, store: Store) -> bool:
        """Scans one store; returns whether Ozon answered. Never raises."""
        now = self._clock()
        if store.next_try_at is not None and store.next_try_at > now:
            return False  # its circuit is open: Ozon kept failing for it
        try:
            await self._scan(store, now)
        except (InvalidApiKey, MissingRole, AccessDenied) as error:
            await self._health.key_rejected(store, error, now)
            return False
        except OzonError as error:
            if isinstance(error, MethodGone):
                await self._health.method_gone(store, error, now)
            log.warning("store %s: scan failed: %s", store.client_id, error)
            await self._health.failing(store, now)
            return False
        except UnreadableKey as error:
            log.error("store %s: not scanned: %s", store.client_id, error)
            return False
        except Exception:
            log.exception("store %s: scan failed", store.client_id)
            return False
        else:
            await self._health.recovered(store, now)
            await self._health.warn_key_expiry(store, now)
            return True
        finally:
            self._on_outbox()

    async def _scan(self, store: Store, now: datetime) -> None:
        subscribers = await stores_db.subscribers(self._db, store.id)
        client = self._sellers.of(store)
        # A scan that fails half-way leaves no memo: the next one reads every page.
        memos = await self.pages.take(store.id)
        reads_stock = await self._stock.checked.due(store.id, now)
        scan = StoreScan(store, subscribers, now, reads_stock=reads_stock)
        scan.warehouses = await self._warehouses.of(store, client, now)
        window = watch_window(
            now, [lead for sub in subscribers for lead in leads_of(sub, self._leads)]
        )
        known = {} if scan.reads_stock else memos  # the stock check needs every posting
        async for page in client.unfulfilled(*window, known):
            if not page.repeated and not scan.pages_changed:
                scan.pages_changed = True
                await self.pages.forget_stored(store.id)
            await self._postings.apply_listed(scan, page, known)
        await self.pages.keep(store.id, scan.pages, changed=scan.pages_changed)
        await self._announcer.announce(scan)
        await self._stock.check(scan, client)
        await self._delivery.check(scan, client)
        await self._relay.relay(scan, client)
        for sub in scan.subscribers:
            if sub.chat_id < 0:  # a group: a team that may need a nudge
                await self._team.escalate(scan, sub)
            await self._team.repeat_overdue(scan, sub)
        missing = await postings_db.unseen_watched(self._db, store.id, scan.seen)
        if not missing:
            return
        try:
            await self._postings.resolve_missing(scan, client, missing)
        except OzonError as error:
            # Alerts are out already; what became of these is learnt on a later scan.
            log.warning("store %s: could not look up %d postings: %s", store.client_id,
                        len(missing), error)  # fmt: skip
        await self._announcer.announce(scan)

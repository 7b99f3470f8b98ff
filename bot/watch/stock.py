"""Stock risk: every STOCK_EVERY per store, what the postings awaiting packaging need is
compared with the FBS stock, and each product a warehouse has no unit to spare of is told
once (bot/core/stock_risk.py says what Ozon's figures can and cannot show)."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.kinds import MessageKind
from bot.core.stock_risk import products_at_risk, shortfalls
from bot.ozon import MethodGone, OzonError, SellerClient
from bot.views.render import PostingView
from bot.watch.announcer import Announcer, quiet_now
from bot.watch.check_times import CheckTimes
from bot.watch.context import StoreScan
from bot.watch.store_health import StoreHealth
from storage import Database
from storage import stock as stock_db
from storage.stock import StockFigures
from storage.stores import Subscriber

log = logging.getLogger(__name__)

STOCK_EVERY = timedelta(minutes=30)  # stock moves slowly next to deadlines; Ozon's quota does not


class StockWatch:
    def __init__(self, db: Database, announcer: Announcer, health: StoreHealth):
        self._db = db
        self._announcer = announcer
        self._health = health
        self.checked = CheckTimes(db, "stock", STOCK_EVERY)

    async def check(self, scan: StoreScan, client: SellerClient) -> None:
        """Every STOCK_EVERY, compares what the waiting postings need with the FBS stock and
        tells the store's chats once about each product a warehouse is short of."""
        if not scan.reads_stock:
            return
        await self.checked.done(scan.store.id, scan.now)
        waiting = list(scan.awaiting.values())
        skus = products_at_risk(waiting)
        try:
            stocks = await client.stocks(skus) if skus else []
        except MethodGone as error:
            await self._health.method_gone(scan.store, error, scan.now)
            return
        except OzonError as error:  # told if it lasts: the scan's own calls fail alike
            log.warning("store %s: stock not read: %s", scan.store.client_id, error)
            return
        found = shortfalls(waiting, stocks)
        told = await stock_db.told_shortfalls(self._db, scan.store.id)
        for shortfall in found:
            if (shortfall.sku, shortfall.warehouse_id) in told:
                continue
            views = [PostingView(scan.awaiting[number]) for number in shortfall.postings]
            figures = StockFigures(shortfall.sku, shortfall.offer_id, shortfall.warehouse,
                                   shortfall.needed, shortfall.present, shortfall.reserved,
                                   shortfall.free)  # fmt: skip
            async with self._db.transaction():
                for sub in scan.subscribers:
                    await self._create_stock_alert(scan, sub, views, figures)
                await stock_db.record_shortfall(
                    self._db, scan.store.id, shortfall.sku, shortfall.warehouse_id, scan.now
                )
        await stock_db.forget_covered(
            self._db, scan.store.id, [(s.sku, s.warehouse_id) for s in found]
        )

    async def _create_stock_alert(
        self, scan: StoreScan, sub: Subscriber, views: list[PostingView], figures: StockFigures
    ) -> None:
        postings = [(v.posting.posting_number, v.posting.shipment_date) for v in views]
        await self._announcer.post(scan, sub, MessageKind.STOCK, None, postings,
                                   urgent=figures.short,
                         silent=quiet_now(sub, scan.now), figures=figures)  # fmt: skip

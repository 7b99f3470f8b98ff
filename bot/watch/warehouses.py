"""A store's warehouses as the stages need them: the days each works, in its own time zone,
asked of Ozon once a day."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.ozon import OzonError, SellerClient
from bot.ozon.models import Warehouse
from storage import Database
from storage import warehouses as warehouses_db
from storage.stores import Store
from storage.warehouses import WarehouseDays


def working_week(warehouse: Warehouse) -> WarehouseDays:
    address = warehouse.address_info
    return WarehouseDays(
        warehouse.warehouse_id,
        warehouse.name,
        warehouse.iso_working_days,
        address.utc if address else "",
        warehouse.is_rfbs,
    )


log = logging.getLogger(__name__)
WAREHOUSES_EVERY = timedelta(days=1)  # working days change rarely


class WarehouseBook:
    def __init__(self, db: Database):
        self._db = db
        self._tried: dict[int, datetime] = {}
        self._read: dict[int, tuple[datetime, dict[int, WarehouseDays]]] = {}

    async def of(
        self, store: Store, client: SellerClient, now: datetime
    ) -> dict[int, WarehouseDays]:
        """The store's warehouses, asked of Ozon once a day (a key that may not read them is
        asked again the next day, not on every scan). Only the scanner writes them: they are
        read from the database once until the next asking is due."""
        read = self._read.get(store.id)
        if read is not None and now < read[0]:
            return read[1]
        fetched = await warehouses_db.warehouses_fetched_at(self._db, store.id)
        tried = self._tried.get(store.id)
        if (fetched is None or now - fetched >= WAREHOUSES_EVERY) and (
            tried is None or now - tried >= WAREHOUSES_EVERY
        ):
            tried = self._tried[store.id] = now
            try:
                found = await client.warehouses()
            except OzonError as error:
                log.info("store %s: warehouses not read: %s", store.client_id, error)
            else:
                await warehouses_db.replace_warehouses(
                    self._db, store.id, [working_week(w) for w in found], now
                )
                fetched = now
        days = await warehouses_db.warehouses_of(self._db, store.id)
        asked = max(moment for moment in (fetched, tried) if moment is not None)
        self._read[store.id] = (asked + WAREHOUSES_EVERY, days)
        return days

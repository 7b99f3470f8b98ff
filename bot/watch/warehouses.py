"""A store's warehouses as the stages need them: the days each works, in its own time zone."""

from __future__ import annotations

from bot.ozon.models import Warehouse
from storage.warehouses import WarehouseDays


def working_week(warehouse: Warehouse) -> WarehouseDays:
    address = warehouse.address_info
    return WarehouseDays(
        warehouse.warehouse_id,
        warehouse.name,
        warehouse.iso_working_days,
        address.utc if address else "",
    )
